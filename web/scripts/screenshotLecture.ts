/**
 * Screenshots of the lecture's sections into docs/ (page-<section>.png; the lab and the evaluation
 * after a run with their default settings), and the times a reader feels: when the first section is
 * drawn, how long each figure takes to redraw after its control moves (with the longest main-thread
 * task meanwhile), and how long the lab and the evaluation take in their worker. Builds the page like
 * the browser tests do and drives Debian's Chromium on WebAssembly. Run: npm run web:screenshots
 */
import type { Page } from 'playwright-core';
import { launchChromium, waitUntilIdle } from '../../test/web/browser.js';
import { startDemoSite } from '../../test/web/demoSite.js';

const SECTIONS = ['backprop', 'gumbel-noise', 'sampler', 'explorer', 'straight-through', 'vae'];

/** Records, from the page's start, when a section first finishes drawing, and every long task. */
function watchPage() {
  const record = window as unknown as { firstDraw?: number; longTasks: number[] };
  record.longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) record.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver((changes) => {
    if (record.firstDraw === undefined && changes.some((change) => change.attributeName === 'data-renders')) {
      record.firstDraw = performance.now();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-renders'] });
}

/** Milliseconds from a key press on `control` to its section's next finished render. */
async function redrawTime(page: Page, control: string, key: string): Promise<number> {
  await page.focus(control);
  return page.evaluate(
    async ({ control, key }) => {
      const input = document.querySelector<HTMLInputElement>(control) as HTMLInputElement;
      const section = input.closest('section') as HTMLElement;
      const before = section.dataset.renders;
      const start = performance.now();
      input.value = key === 'End' ? input.max : input.min;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      while (section.dataset.busy !== 'false' || section.dataset.renders === before) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return performance.now() - start;
    },
    { control, key },
  );
}

const site = await startDemoSite();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.addInitScript(watchPage);
  await page.goto(site.url);
  await waitUntilIdle(page);
  const firstDraw = await page.evaluate(() => (window as unknown as { firstDraw: number }).firstDraw);
  console.log(
    `backend ${await page.getAttribute('body', 'data-backend')}; first section drawn at ${firstDraw.toFixed(0)} ms`,
  );
  for (const id of SECTIONS) {
    await page.locator(`#${id}`).screenshot({ path: `docs/page-${id}.png` });
    console.log(`docs/page-${id}.png`);
  }
  await page.evaluate(() => {
    (window as unknown as { longTasks: number[] }).longTasks = [];
  });
  for (const [control, key] of [
    ['#backprop-samples', 'End'],
    ['#backprop-mu', 'Home'],
    ['#backprop-samples', 'Home'],
    ['#noise-count', 'End'],
    ['#st-temperature', 'End'],
    ['#temperature', 'Home'],
  ]) {
    const times = [];
    for (let i = 0; i < 3; i++)
      times.push(await redrawTime(page, control, i % 2 === 0 ? key : key === 'End' ? 'Home' : 'End'));
    console.log(`${control}: redraw ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  }
  const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
  console.log(
    `long tasks during the redraws: ${longTasks.length}, longest ${Math.max(0, ...longTasks).toFixed(0)} ms`,
  );
  for (const id of ['lab', 'evaluation']) {
    await page.click(`#${id}-run`);
    await page.waitForFunction((id) => document.getElementById(id)?.dataset.state === 'done', id, {
      timeout: 600_000,
    });
    console.log(`${id}: ${await page.textContent(`#${id}-status`)}`);
    await page.locator(`#${id}`).screenshot({ path: `docs/page-${id}.png` });
    console.log(`docs/page-${id}.png`);
  }
} finally {
  await browser.close();
  await site.close();
}
