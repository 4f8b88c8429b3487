import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, openPage } from './browser.js';
import { type DemoSite, startDemoSite } from './demoSite.js';

/**
 * For a browser test file: builds and serves the page and starts Chromium before its tests, closes
 * everything after them. Returns `open` (a page at an address relative to the site, with the
 * problems it records) and `site`/`browser` getters for tests that need them.
 */
export function useDemoPages(): {
  open: (
    address?: string,
    viewport?: { width: number; height: number },
  ) => Promise<{ page: Page; problems: string[] }>;
  site: () => DemoSite;
} {
  let site: DemoSite;
  let browser: Browser;
  const opened: Page[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
    site = await startDemoSite();
  }, 90_000);
  afterAll(async () => {
    await Promise.all(opened.map((page) => page.close()));
    await browser?.close();
    await site?.close();
  });
  return {
    async open(address = '', viewport) {
      const result = await openPage(browser, `${site.url}${address}`, viewport);
      opened.push(result.page);
      return result;
    },
    site: () => site,
  };
}
