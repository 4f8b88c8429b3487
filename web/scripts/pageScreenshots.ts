/**
 * `npx tsx web/scripts/pageScreenshots.ts`: builds the page, opens it in Debian's headless Chromium
 * (on WebAssembly, as a machine without a GPU gets it), runs the lab and the evaluation with their
 * default settings and writes docs/page-lab.png and docs/page-evaluation.png. It prints how long
 * each took and the time from navigation to the first drawn section.
 */
import { launchChromium } from '../../test/web/browser.js';
import { startDemoSite } from '../../test/web/demoSite.js';

const site = await startDemoSite();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') console.error(message.text());
  });
  await page.goto(site.url);
  await page.waitForFunction(
    () => document.querySelector('#explorer')?.getAttribute('data-renders') !== null,
    null,
    {
      polling: 'raf',
      timeout: 60_000,
    },
  );
  console.log(
    `first drawn section ${Math.round(await page.evaluate(() => performance.now()))} ms after navigation`,
  );
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll<HTMLElement>('main section')).every(
      (s) => s.dataset.busy === 'false',
    ),
  );
  for (const [id, button, file] of [
    ['lab', '#lab-run', 'docs/page-lab.png'],
    ['evaluation', '#evaluation-run', 'docs/page-evaluation.png'],
  ] as const) {
    await page.click(button);
    await page.waitForFunction((id) => document.getElementById(id)?.dataset.state === 'done', id, {
      timeout: 600_000,
    });
    console.log(`${id}: ${await page.textContent(`#${id}-status`)}`);
    await page.locator(`#${id}`).screenshot({ path: file });
  }
} finally {
  await browser.close();
  await site.close();
}
