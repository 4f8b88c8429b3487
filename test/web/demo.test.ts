import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, afterRender, launchChromium, openPage, waitUntilIdle } from './browser.js';
import { useDemoPages } from './demoPages.js';

// The demo page, built with Vite and driven in Debian's headless Chromium by playwright-core.
const { open, site } = useDemoPages();

const averageLargest = async (page: Page) =>
  Number(await page.getAttribute('#average-largest', 'data-value'));
const digitPicture = (page: Page) =>
  page.evaluate(() => document.querySelector<HTMLCanvasElement>('#decoded-digit')?.toDataURL());

/** Moves latent variable 1 to its next class with the keyboard and waits for the new digit. */
async function changeFirstLatent(page: Page): Promise<{ before: string; after: string }> {
  const before = (await digitPicture(page)) as string;
  const code = await page.getAttribute('#decoded-digit', 'data-code');
  await afterRender(page, '#vae', async () => {
    await page.focus('input[name="latent-1"]:checked');
    await page.keyboard.press('ArrowRight');
  });
  expect(await page.getAttribute('#decoded-digit', 'data-code')).not.toBe(code);
  return { before, after: (await digitPicture(page)) as string };
}

describe('the demo page in headless Chromium', () => {
  it('loads, says which backend it runs on, and keeps the console clean', async () => {
    const { page, problems } = await open();
    const status = await page.textContent('#backend-status');
    // Headless Chromium without a GPU renders WebGL in software, so the page prefers WebAssembly.
    expect(status).toMatch(/^TensorFlow\.js backend: (webgl|wasm|cpu), /);
    expect(await page.getAttribute('body', 'data-backend')).toMatch(/^(webgl|wasm|cpu)$/);
    expect(await page.locator('#samples figure').count()).toBe(6);
    expect(await page.textContent('#vae [role="status"]')).toMatch(/trained for \d+ steps by gumbel train/);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-desktop.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('sharpens the relaxed samples as the temperature falls (keyboard on the slider)', async () => {
    const { page, problems } = await open();
    expect(await page.textContent('#temperature-value')).toBe('τ = 1.00');
    const atOne = await averageLargest(page);
    await afterRender(page, '#explorer', async () => {
      await page.focus('#temperature');
      await page.keyboard.press('Home');
    });
    expect(await page.textContent('#temperature-value')).toBe('τ = 0.050');
    const atLow = await averageLargest(page);
    expect(atLow).toBeGreaterThan(atOne);
    expect(atLow).toBeGreaterThan(0.95); // nearly one-hot: (log π + g)/τ spreads 20-fold
    await page.locator('#explorer').screenshot({ path: join(ARTIFACTS, 'explorer-low-temperature.png') });
    await afterRender(page, '#explorer', () => page.keyboard.press('End'));
    expect(await page.textContent('#temperature-value')).toBe('τ = 10.00');
    expect(await averageLargest(page)).toBeLessThan(atOne); // flattened toward 1/K
    expect(problems).toEqual([]);
  });

  it('redraws the digit when a latent choice changes, and on a random code', async () => {
    const { page, problems } = await open();
    const { before, after } = await changeFirstLatent(page);
    expect(after).not.toBe(before);
    const code = await page.getAttribute('#decoded-digit', 'data-code');
    await afterRender(page, '#vae', () => page.click('#random-code'));
    expect(await page.getAttribute('#decoded-digit', 'data-code')).not.toBe(code);
    await page.locator('#vae').screenshot({ path: join(ARTIFACTS, 'vae.png') });
    expect(problems).toEqual([]);
  });

  it('shows the Gumbel-max histogram with its chi-square, following the class editor', async () => {
    const { page, problems } = await open();
    expect(await page.textContent('#chi-square')).toMatch(
      /^χ² = [\d.]+ with 2 degrees of freedom, p = [\d.]+$/,
    );
    await afterRender(page, '#sampler', () => page.fill('#class-count', '5'));
    await waitUntilIdle(page);
    expect(await page.textContent('#chi-square')).toMatch(/with 4 degrees of freedom/);
    expect(await page.locator('#class-weight-5').inputValue()).not.toBe('');
    expect(await page.isHidden('#simplex')).toBe(true); // the density needs exactly 3 classes
    // A zero probability masks its class: never drawn, left out of the test.
    await afterRender(page, '#sampler', () => page.fill('#class-weight-1', '0'));
    expect(await page.textContent('#chi-square')).toMatch(/with 3 degrees of freedom/);
    expect(await page.textContent('#chi-square')).not.toMatch(/masked/);
    await page.locator('#sampler').screenshot({ path: join(ARTIFACTS, 'sampler.png') });
    expect(problems).toEqual([]);
  });

  it('trains a VAE for a few steps in the page with a live loss curve', async () => {
    const { page, problems } = await open();
    await page.fill('#train-steps', '3');
    await page.click('#train-start');
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLButtonElement>('#train-start')?.disabled === false &&
        document.querySelector('#train-progress')?.textContent?.startsWith('step 3/3'),
      null,
      { timeout: 30_000 },
    );
    expect(await page.locator('#loss-chart polyline').count()).toBe(1);
    expect(await page.textContent('#train-progress')).toMatch(/−ELBO [\d.]+ nats/);
    const shipped = await digitPicture(page);
    await afterRender(page, '#vae', () => page.check('input[name="decoder"][value="trained"]'));
    expect(await digitPicture(page)).not.toBe(shipped);
    expect(problems).toEqual([]);
  });

  it('is readable at 360 px wide and labels every control', async () => {
    const { page, problems } = await open('', { width: 360, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(360);
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('input, select, button'))
        .filter((control) => {
          const labels = (control as HTMLInputElement).labels;
          const named =
            (labels !== null && labels !== undefined && labels.length > 0) ||
            control.getAttribute('aria-label') ||
            control.getAttribute('aria-labelledby') ||
            (control.tagName === 'BUTTON' && control.textContent?.trim());
          return !named;
        })
        .map((control) => control.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-360px.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it.each(['webgl', 'cpu'])('runs on the %s backend when the address asks', async (backend) => {
    const { page, problems } = await open(`?backend=${backend}`);
    expect(await page.textContent('#backend-status')).toMatch(
      new RegExp(`^TensorFlow\\.js backend: ${backend}, `),
    );
    const { before, after } = await changeFirstLatent(page);
    expect(after).not.toBe(before);
    expect(problems).toEqual([]);
  });

  // WebGPU is opt-in on the page. Here it runs on SwiftShader behind a Chromium flag and takes
  // ~17 s (shader compilation on the processor).
  it('runs on WebGPU when the address asks', async () => {
    const webgpuBrowser = await launchChromium(['--enable-unsafe-webgpu']);
    try {
      const { page, problems } = await openPage(webgpuBrowser, `${site().url}?backend=webgpu`);
      expect(await page.textContent('#backend-status')).toMatch(/^TensorFlow\.js backend: webgpu, /);
      const { before, after } = await changeFirstLatent(page);
      expect(after).not.toBe(before);
      expect(problems).toEqual([]);
    } finally {
      await webgpuBrowser.close();
    }
  });
});
