import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, waitUntilIdle } from './browser.js';
import { type DemoSite, startDemoSite } from './demoSite.js';

// Every number field of the page given values it cannot use: each must get an inline, accessible
// message (aria-invalid + aria-describedby pointing at the visible text) while the figures keep
// their last good state, and must recover when a good value comes back.
let site: DemoSite;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  site = await startDemoSite();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const PASTED_TEXT = 'seventeen, pasted from somewhere';
const NOT_NUMBERS = ['', '   ', '1e400', '-1e400', 'NaN', 'Infinity', PASTED_TEXT, '0x1F', '1,5', '2..5'];

/** Each field, its good value, and the values it must refuse (beyond NOT_NUMBERS). */
const FIELDS: { selector: string; good: string; bad: string[] }[] = [
  { selector: '#class-count', good: '3', bad: ['-1', '0', '1', '11', '2.5', '1e300', '-1e300'] },
  { selector: '#class-weight-1', good: '0.5', bad: ['-1', '-0.001', '-1e300'] },
  { selector: '#temperature-input', good: '1', bad: ['-1', '0', '0.01', '10.5', '1e300', '-1e300'] },
  { selector: '#seed', good: '1', bad: ['-1', '1.5', '9007199254740992', '1e300', '-1e300'] },
  { selector: '#train-steps', good: '300', bad: ['-1', '0', '5001', '2.5', '1e300', '-1e300'] },
  { selector: '#lab-estimates', good: '300', bad: ['-1', '0', '9', '5001', '12.5', '1e300'] },
  { selector: '#evaluation-digit', good: '1', bad: ['-1', '0', '201', '1.5', '1e300'] },
  { selector: '#evaluation-budget', good: '1000', bad: ['-1', '99', '20001', '150.5', '1e300'] },
];
const LOGIT_FIELD = { selector: '#class-weight-1', good: '', bad: ['51', '-51', '1e300', '-1e300'] };

/** What the figures show: a render count per section and the numbers a broken render would spoil. */
async function figureState(page: Page) {
  return page.evaluate(() => ({
    renders: Array.from(document.querySelectorAll<HTMLElement>('main section')).map(
      (section) => `${section.id}:${section.dataset.renders}:${section.dataset.busy}`,
    ),
    averageLargest: document.querySelector<HTMLElement>('#average-largest')?.dataset.value,
    chiSquare: document.querySelector('#chi-square')?.textContent,
    showsNaN: /NaN/.test(document.querySelector('main')?.textContent ?? ''),
  }));
}

/** The field's validity as a reader (and a screen reader) gets it. */
async function fieldReport(page: Page, selector: string) {
  return page.evaluate((selector) => {
    const input = document.querySelector<HTMLInputElement>(selector) as HTMLInputElement;
    const describedBy = input.getAttribute('aria-describedby');
    const message = describedBy ? document.getElementById(describedBy) : null;
    return {
      invalid: input.getAttribute('aria-invalid'),
      message: message && !message.hidden ? message.textContent : null,
      live: message?.getAttribute('aria-live') ?? message?.getAttribute('role') ?? null,
    };
  }, selector);
}

/**
 * Whether the field took `text` as it is (or as an unreadable, empty value). When the browser
 * dropped characters and kept a different number ("0x1F" becomes "01"), that number is good: not a
 * try, and the field is put back to `good`.
 */
async function took(page: Page, selector: string, text: string, good: string): Promise<boolean> {
  const kept = await page.inputValue(selector);
  if (kept === '' || kept === text.trim()) return true;
  await page.fill(selector, good);
  await waitUntilIdle(page);
  return false;
}

/** Pastes text over the field's contents (select all, then the text arrives as one insertion). */
async function paste(page: Page, selector: string, text: string, good: string): Promise<boolean> {
  await page.focus(selector);
  await page.keyboard.press('Control+A');
  if (text === '') await page.keyboard.press('Delete');
  else await page.keyboard.insertText(text);
  return took(page, selector, text, good);
}

/** Types text with the keyboard where Playwright can (it refuses non-numbers in number fields). */
async function typeIn(page: Page, selector: string, text: string, good: string): Promise<boolean> {
  if (Number.isNaN(Number(text.trim()))) return false;
  await page.fill(selector, text);
  return took(page, selector, text, good);
}

describe('the page refuses unusable input with an inline message and keeps its figures', () => {
  it('tries every field with empty, negative, 1e400, NaN, huge and pasted text', async () => {
    const { page, problems } = await openPage(browser, site.url);
    let tried = 0;

    const tryAll = async (field: { selector: string; good: string; bad: string[] }) => {
      const good = field.good || (await page.inputValue(field.selector));
      const initial = await figureState(page);
      expect(initial.showsNaN).toBe(false);
      for (const text of [...NOT_NUMBERS, ...field.bad]) {
        for (const enter of [paste, typeIn]) {
          const before = await figureState(page);
          // Restoring the good value re-renders the same figures.
          expect({ ...before, renders: [] }).toEqual({ ...initial, renders: [] });
          if (!(await enter(page, field.selector, text, good))) continue;
          tried += 1;
          const report = await fieldReport(page, field.selector);
          const what = `${field.selector} ← ${JSON.stringify(text)} (${enter.name})`;
          expect(report.invalid, what).toBe('true');
          expect(report.message, what).toMatch(/^Not used: .+\. The figures keep the last good value\.$/);
          expect(report.live, what).toBe('polite');
          expect(await figureState(page), what).toEqual(before);
          await page.fill(field.selector, good);
          await waitUntilIdle(page);
          expect(await fieldReport(page, field.selector), `${what}, then ${good}`).toMatchObject({
            invalid: 'false',
            message: null,
          });
        }
      }
      expect((await figureState(page)).showsNaN).toBe(false);
    };

    for (const field of FIELDS) await tryAll(field);
    // The same class field, now holding logits.
    await page.check('input[name="weight-mode"][value="logits"]');
    await waitUntilIdle(page);
    await tryAll(LOGIT_FIELD);
    await page.check('input[name="weight-mode"][value="probabilities"]');
    await waitUntilIdle(page);

    // Two weights, each finite, whose sum is not: π would be NaN.
    await page.fill('#class-weight-1', '1e308');
    await waitUntilIdle(page);
    const before = await figureState(page);
    await page.fill('#class-weight-2', '1e308');
    tried += 1;
    expect((await fieldReport(page, '#class-weight-2')).message).toMatch(/too large to add up/);
    expect(await figureState(page)).toEqual(before);

    // The training panel keeps the last good number of steps.
    await page.fill('#train-steps', '3');
    await paste(page, '#train-steps', '1e400', '3');
    tried += 1;
    await page.click('#train-start');
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLButtonElement>('#train-start')?.disabled === false &&
        document.querySelector('#train-progress')?.textContent?.startsWith('step 3/3'),
      null,
      { timeout: 30_000 },
    );
    console.log(`page inputs tried: ${tried}`);
    expect(tried).toBeGreaterThanOrEqual(100);
    expect(problems).toEqual([]);
    await page.close();
  });
});
