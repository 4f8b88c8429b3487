import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, afterRender, launchChromium, openPage } from './browser.js';
import { type DemoSite, startDemoSite } from './demoSite.js';

// The page's heavy work (training, the lab, the evaluation) runs in a Web Worker, so the main thread
// never blocks. One page load serves every check (this machine is small and shared). The
// measurement starts after the page has loaded and drawn: the initial load is NOT measured, only
// what happens while a worker trains, measures or evaluates.
//
// Two measures of each main-thread task, both failing over 100 ms:
// - the Long Tasks API (PerformanceObserver 'longtask'): wall-clock time, what a reader feels;
// - Chromium's trace (RunTask on the renderer's main thread): the task's own CPU time (tdur).
// On a machine loaded past its cores a 20 ms task can take 300 ms of wall-clock time waiting for a
// core, so there the wall-clock check is reported but not enforced; the CPU-time check always is.

/** The longest main-thread task allowed while a worker computes. */
const LONGEST_TASK_MS = 100;
/** Whether the machine was loaded past its cores when the file started (1-minute load average). */
const OVERLOADED = loadavg()[0] > cpus().length;

let site: DemoSite;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  browser = await launchChromium();
  site = await startDemoSite();
  ({ page, problems } = await openPage(browser, site.url));
  // From here on every task over 50 ms is recorded (the browser's long-task threshold).
  await page.evaluate(() => {
    const record = window as unknown as { longTasks: { start: number; duration: number }[] };
    record.longTasks = [];
    const measuredFrom = performance.now();
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.startTime >= measuredFrom) {
          record.longTasks.push({ start: Math.round(entry.startTime), duration: Math.round(entry.duration) });
        }
      }
    }).observe({ type: 'longtask', buffered: true });
  });
}, 120_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await site?.close();
});

/** Long tasks recorded by the page's PerformanceObserver since the last call (clears the record). */
async function takeLongTasks(): Promise<{ start: number; duration: number }[]> {
  return page.evaluate(() => {
    const record = window as unknown as { longTasks: { start: number; duration: number }[] };
    const tasks = record.longTasks;
    record.longTasks = [];
    return tasks;
  });
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * Runs `action` while Chromium traces, then checks the main thread: no task used over
 * {@link LONGEST_TASK_MS} of CPU time, and (unless the machine is overloaded) no long task took over
 * {@link LONGEST_TASK_MS} of wall-clock time.
 */
async function expectMainThreadFree(action: () => Promise<void>): Promise<void> {
  await takeLongTasks();
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'],
  });
  await action();
  const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
  const mainThreads = new Set(
    trace.traceEvents
      .filter((event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain')
      .map((event) => `${event.pid}:${event.tid}`),
  );
  const tasks = trace.traceEvents.filter(
    (event) => event.name === 'RunTask' && event.ph === 'X' && mainThreads.has(`${event.pid}:${event.tid}`),
  );
  expect(tasks.length).toBeGreaterThan(0); // the trace did see the main thread
  const cpuHeavy = tasks.filter((task) => (task.tdur ?? 0) / 1000 > LONGEST_TASK_MS);
  expect(cpuHeavy.map((task) => `${Math.round((task.tdur ?? 0) / 1000)} ms of CPU`)).toEqual([]);
  const slow = (await takeLongTasks()).filter((task) => task.duration > LONGEST_TASK_MS);
  if (OVERLOADED) {
    if (slow.length > 0) {
      console.info(
        `wall-clock long tasks over ${LONGEST_TASK_MS} ms not enforced (load ${loadavg()[0].toFixed(1)} on ${cpus().length} cores): ${slow.map((task) => task.duration).join(', ')} ms`,
      );
    }
  } else {
    expect(slow).toEqual([]);
  }
}

describe('the page keeps its main thread free while workers compute', () => {
  it('trains in a worker without a long task, and the decoder can use the trained model', async () => {
    const shipped = await page.evaluate(() =>
      document.querySelector<HTMLCanvasElement>('#decoded-digit')?.toDataURL(),
    );
    await page.fill('#train-steps', '30');
    await expectMainThreadFree(async () => {
      await page.click('#train-start');
      await page.waitForFunction(
        () =>
          document.querySelector<HTMLButtonElement>('#train-start')?.disabled === false &&
          document.querySelector('#train-progress')?.textContent?.startsWith('step 30/30'),
        null,
        { timeout: 90_000 },
      );
      await afterRender(page, '#vae', () => page.check('input[name="decoder"][value="trained"]'));
    });
    expect(await page.textContent('#train-backend')).toMatch(/^Training in a Web Worker on wasm: /);
    expect(await page.locator('#loss-chart polyline').count()).toBe(1);
    const trained = await page.evaluate(() =>
      document.querySelector<HTMLCanvasElement>('#decoded-digit')?.toDataURL(),
    );
    expect(trained).not.toBe(shipped);
    expect(problems).toEqual([]);
  });

  it('runs the lab in a worker, draws bias and variance over τ, without a long task', async () => {
    // Stop ends the worker at once and frees the buttons.
    await page.click('#lab-run');
    await page.click('#lab-stop');
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('#lab')?.dataset.state === 'stopped',
    );
    expect(await page.isEnabled('#lab-run')).toBe(true);
    expect(await page.textContent('#lab-status')).toBe('Stopped.');
    await page.fill('#lab-estimates', '100');
    await expectMainThreadFree(async () => {
      await page.click('#lab-run');
      await page.waitForFunction(
        () => document.querySelector<HTMLElement>('#lab')?.dataset.state === 'done',
        null,
        {
          timeout: 180_000,
        },
      );
    });
    // Two problems × {bias, variance}, eight estimators each.
    expect(await page.locator('#lab-charts .lab-chart').count()).toBe(4);
    expect(await page.locator('#lab-charts polyline').count()).toBe(32);
    const cells = JSON.parse((await page.getAttribute('#lab-charts', 'data-cells')) ?? '[]') as {
      problem: string;
      estimator: string;
      temperature: number | null;
      variance: number;
    }[];
    // The relaxed sample's gradient grows like 1/τ, so its variance falls steeply as τ rises
    // (the CLI measured 2.0 at τ = 0.1 and 0.0063 at τ = 2); 100 estimates resolve a 10-fold gap.
    const relaxed = (temperature: number) =>
      cells.find(
        (c) => c.problem === 'quadratic' && c.estimator === 'gumbel-softmax' && c.temperature === temperature,
      );
    expect(relaxed(0.1)?.variance).toBeGreaterThan(10 * (relaxed(3)?.variance ?? Number.POSITIVE_INFINITY));
    await page.locator('#lab').screenshot({ path: join(ARTIFACTS, 'lab.png') });
    expect(problems).toEqual([]);
  });

  it('draws the importance-weighted bound falling below the −ELBO as m grows, without a long task', async () => {
    await expectMainThreadFree(async () => {
      await page.click('#evaluation-run');
      await page.waitForFunction(
        () => document.querySelector<HTMLElement>('#evaluation')?.dataset.state === 'done',
        null,
        { timeout: 180_000 },
      );
    });
    const negativeElbo = Number(await page.getAttribute('#evaluation-chart', 'data-negative-elbo'));
    const bounds = JSON.parse((await page.getAttribute('#evaluation-chart', 'data-bounds')) ?? '[]') as {
      samples: number;
      bound: number;
    }[];
    expect(bounds.map((point) => point.samples)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    // m = 1 is the one-sample −ELBO estimated with log q instead of the analytic KL: the same mean.
    expect(Math.abs(bounds[0].bound - negativeElbo)).toBeLessThan(2);
    // The tail: below the −ELBO by a clear margin, and non-increasing up to Monte-Carlo noise.
    const TOLERANCE_NATS = 1;
    const tail = bounds.slice(-4);
    for (const point of tail) expect(point.bound).toBeLessThan(negativeElbo - 2);
    for (let i = 1; i < tail.length; i++)
      expect(tail[i].bound).toBeLessThanOrEqual(tail[i - 1].bound + TOLERANCE_NATS);
    await page.locator('#evaluation').screenshot({ path: join(ARTIFACTS, 'evaluation.png') });
    expect(problems).toEqual([]);
  });
});
