import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { gumbelSoftmax, tf } from '../../src/index.js';
import { logitsOf } from '../../web/src/explorer/classWeights.js';
import { ARTIFACTS, afterRender } from './browser.js';
import { useDemoPages } from './demoPages.js';

// The lecture's sections in headless Chromium: their order, each new figure following its control,
// the slide's pictures against the library called in Node, the shareable address. Three page loads.
const { open } = useDemoPages();

const NEW_SECTIONS = ['#backprop', '#gumbel-noise', '#straight-through'];

/** The slide's samples at τ = 2 and 0.1 as the library gives them in Node for π and `seed`. */
function expectedSlidePictures(probabilities: number[], seed: number): number[][][] {
  const logits = logitsOf({ mode: 'probabilities', values: probabilities });
  return [2, 0.1].map((temperature) =>
    tf.tidy(
      () =>
        gumbelSoftmax(tf.tile(tf.tensor2d([logits]), [3, 1]), {
          temperature,
          seed,
        }).arraySync() as number[][],
    ),
  );
}

async function expectSlidePicturesToMatch(page: Page, probabilities: number[], seed: number) {
  const expected = expectedSlidePictures(probabilities, seed);
  for (const [t, id] of ['#slide-tau-2', '#slide-tau-0-1'].entries()) {
    expect(await page.getAttribute(id, 'data-seed')).toBe(String(seed));
    const shown = JSON.parse((await page.getAttribute(id, 'data-samples')) as string) as number[][];
    expect(shown).toHaveLength(3);
    shown.forEach((sample, i) => {
      sample.forEach((value, k) => {
        expect(Math.abs(value - expected[t][i][k]), `τ picture ${t}, sample ${i}, class ${k}`).toBeLessThan(
          1e-4,
        );
      });
    });
  }
}

const number = async (page: Page, selector: string, attribute: string) =>
  Number(await page.getAttribute(selector, attribute));

describe('the lecture page in headless Chromium', () => {
  it('walks the lecture in order, and each new figure follows its control', async () => {
    const { page, problems } = await open();
    const order = await page.evaluate(() =>
      Array.from(document.querySelectorAll('main > section'), (s) => s.id),
    );
    const expectedOrder = [
      'backprop',
      'gumbel-noise',
      'sampler',
      'explorer',
      'straight-through',
      'lab',
      'vae',
      'evaluation',
    ];
    expect(order).toEqual(expectedOrder);
    // Every section states its formula.
    for (const id of expectedOrder) expect(await page.textContent(`#${id} .formula`)).toBeTruthy();

    // Sampling breaks backprop: μ moves the exact gradient and both histograms; more draws narrow them.
    const pathwiseMean = await number(page, '#backprop-pathwise', 'data-mean');
    expect(pathwiseMean).toBeGreaterThan(1.5); // exact 2μ = 2 at μ = 1
    await afterRender(page, '#backprop', async () => {
      await page.focus('#backprop-mu');
      await page.keyboard.press('End');
    });
    expect(await page.textContent('#backprop-mu-value')).toBe('μ = 3.0');
    expect(await number(page, '#backprop-pathwise', 'data-mean')).toBeGreaterThan(5.5); // exact 6
    const spread = await number(page, '#backprop-score', 'data-sd');
    await afterRender(page, '#backprop', async () => {
      await page.focus('#backprop-samples');
      await page.keyboard.press('End');
    });
    expect(await page.textContent('#backprop-samples-value')).toBe('N = 1,000');
    expect(await number(page, '#backprop-score', 'data-sd')).toBeLessThan(spread / 2); // ∝ 1/√N: 10 → 1,000
    expect(await number(page, '#backprop-score', 'data-sd')).toBeGreaterThan(
      await number(page, '#backprop-pathwise', 'data-sd'),
    );
    expect(await page.textContent('#backprop-table')).toMatch(/exact \(2μ, 2σ\)6\.002\.00/);

    // Gumbel noise: the draw count and the redraw button.
    expect(await page.getAttribute('#noise-gumbel', 'data-count')).toBe('10000');
    const noiseMean = await number(page, '#noise-gumbel', 'data-mean');
    expect(Math.abs(noiseMean - 0.5772)).toBeLessThan(0.05); // sd of the mean 1.28/√10,000 = 0.013
    await afterRender(page, '#gumbel-noise', async () => {
      await page.focus('#noise-count');
      await page.keyboard.press('End');
    });
    expect(await page.getAttribute('#noise-uniform', 'data-count')).toBe('100000');
    await afterRender(page, '#gumbel-noise', () => page.click('#noise-redraw'));
    expect(await number(page, '#noise-gumbel', 'data-mean')).not.toBe(noiseMean);

    // Straight-through: a new draw and a new τ change the pictures; the forward one stays one-hot.
    const soft = await page.getAttribute('#st-backward', 'data-values');
    await afterRender(page, '#straight-through', async () => {
      await page.focus('#st-temperature');
      await page.keyboard.press('Home');
    });
    expect(await page.textContent('#st-temperature-value')).toBe('τ = 0.050');
    expect(await page.getAttribute('#st-backward', 'data-values')).not.toBe(soft);
    await afterRender(page, '#straight-through', () => page.click('#st-draw'));
    expect(await page.getAttribute('#straight-through', 'data-seed')).toBe('2');
    const hard = JSON.parse((await page.getAttribute('#st-forward', 'data-values')) as string) as number[];
    expect([...hard].sort()).toEqual([0, 0, 1]);
    expect(await page.locator('#st-gradients tr').count()).toBe(4); // header + 3 classes

    // The slide's pictures are the library's gumbelSoftmax at τ = 2 and 0.1 with the explorer's seed.
    await expectSlidePicturesToMatch(page, [0.5, 0.3, 0.2], 1);
    await afterRender(page, '#explorer', () => page.fill('#seed', '7'));
    await expectSlidePicturesToMatch(page, [0.5, 0.3, 0.2], 7);
    for (const id of NEW_SECTIONS) {
      await page.locator(id).screenshot({ path: join(ARTIFACTS, `lecture-${id.slice(1)}.png`) });
    }
    expect(problems).toEqual([]);
  });

  it('keeps π, τ, seed, μ, σ, N and section in the address, restores them from a link, and resets', async () => {
    const { page, problems } = await open('?pi=0.2,0.7,0.1&tau=0.1&seed=5&mu=-2&n=100#straight-through');
    expect(await page.textContent('#backprop-mu-value')).toBe('μ = −2.0');
    expect(await page.textContent('#backprop-samples-value')).toBe('N = 100');
    expect(await page.inputValue('#class-weight-2')).toBe('0.7');
    expect(await page.textContent('#temperature-value')).toBe('τ = 0.10');
    expect(await page.inputValue('#seed')).toBe('5');
    await expectSlidePicturesToMatch(page, [0.2, 0.7, 0.1], 5);
    const top = await page.evaluate(
      () => document.getElementById('straight-through')?.getBoundingClientRect().top,
    );
    expect(Math.abs(top as number)).toBeLessThan(50);

    // An edit reaches the address (π normalized by the page, not here).
    await afterRender(page, '#explorer', () => page.fill('#seed', '12'));
    await page.waitForFunction(() => window.location.search.includes('seed=12'));
    expect(new URL(page.url()).searchParams.get('pi')).toBe('0.2,0.7,0.1');
    expect(new URL(page.url()).searchParams.get('tau')).toBe('0.1');
    await afterRender(page, '#backprop', async () => {
      await page.focus('#backprop-sigma');
      await page.keyboard.press('ArrowRight');
    });
    await page.waitForFunction(() => window.location.search.includes('sigma=1.1'));
    expect(new URL(page.url()).searchParams.get('mu')).toBe('-2');

    // Scrolling records the section in view as the hash.
    await page.evaluate(() => document.getElementById('vae')?.scrollIntoView());
    await page.waitForFunction(() => window.location.hash === '#vae');

    await afterRender(page, '#explorer', () => page.click('#reset-settings'));
    await page.waitForFunction(() => window.location.search === '');
    expect(await page.inputValue('#class-weight-2')).toBe('0.3');
    expect(await page.textContent('#temperature-value')).toBe('τ = 1.00');
    expect(await page.inputValue('#seed')).toBe('1');
    expect(await page.textContent('#backprop-mu-value')).toBe('μ = 1.0');
    expect(await page.textContent('#backprop-samples-value')).toBe('N = 10');
    await expectSlidePicturesToMatch(page, [0.5, 0.3, 0.2], 1);
    expect(problems).toEqual([]);
  });

  it('uses defaults for unusable address values, keeps ?backend=, and works at 360 px with labels', async () => {
    const { page, problems } = await open('?backend=cpu&pi=0.5,-1&tau=1e400&seed=abc&n=7#nowhere', {
      width: 360,
      height: 740,
    });
    expect(await page.textContent('#backend-status')).toMatch(/^TensorFlow\.js backend: cpu, /);
    expect(await page.textContent('#address-note')).toMatch(/pi, tau, seed, n could not be used/);
    expect(await page.inputValue('#class-weight-1')).toBe('0.5');
    expect(await page.textContent('#temperature-value')).toBe('τ = 1.00');
    await expectSlidePicturesToMatch(page, [0.5, 0.3, 0.2], 1);
    // The first edit rewrites the address: backend kept, the unusable values gone.
    await afterRender(page, '#explorer', () => page.fill('#seed', '4'));
    await page.waitForFunction(() => window.location.search === '?backend=cpu&seed=4');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const unlabelled = await page.evaluate(
      (ids) =>
        ids.flatMap((id) =>
          Array.from(
            document.querySelectorAll<HTMLInputElement | HTMLButtonElement>(`${id} input, ${id} button`),
          )
            .filter((control) => (control.labels?.length ?? 0) === 0 && !control.textContent?.trim())
            .map((control) => control.outerHTML.slice(0, 80)),
        ),
      [...NEW_SECTIONS, '#share-controls'],
    );
    expect(unlabelled).toEqual([]);
    // Keyboard: Tab from the first slider reaches the section's next controls in order.
    await page.focus('#backprop-mu');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('backprop-sigma');
    await page.screenshot({ path: join(ARTIFACTS, 'lecture-360px.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
