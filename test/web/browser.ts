import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, which `.ci/run` installs. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where the tests leave their screenshots (ignored by git). */
export const ARTIFACTS = join('test-artifacts', 'web');

/**
 * Starts headless Chromium the way it works on these machines: no sandbox (root), no GPU, no
 * background connections (the network is closed), a fresh profile (Playwright makes one).
 */
export async function launchChromium(extraArguments: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the browser tests need Debian's Chromium. Run \`npm test\` (its pretest, scripts/ensureChromium.sh, installs it) or \`apt-get install -y chromium\`.`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArguments,
    ],
  });
}

/** A page that records every console error and warning, uncaught exception and failed request. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport = { width: 1100, height: 900 },
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console.${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(url);
  await waitUntilIdle(page);
  return { page, problems };
}

/** Waits until TF.js has started, every section has drawn and nothing is being computed. */
export async function waitUntilIdle(page: Page, timeout = 45_000): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelector<HTMLCanvasElement>('#decoded-digit')?.dataset.code !== undefined &&
      Array.from(document.querySelectorAll<HTMLElement>('main section')).every(
        (section) => section.dataset.busy === 'false',
      ),
    null,
    { timeout },
  );
}

/** Runs `action`, then waits until `selector`'s section has finished a new render. */
export async function afterRender(page: Page, selector: string, action: () => Promise<void>): Promise<void> {
  const before = await page.getAttribute(selector, 'data-renders');
  await action();
  await page.waitForFunction(
    ({ selector, before }) => {
      const section = document.querySelector<HTMLElement>(selector);
      return section?.dataset.busy === 'false' && section.dataset.renders !== before;
    },
    { selector, before },
    { timeout: 30_000 },
  );
}
