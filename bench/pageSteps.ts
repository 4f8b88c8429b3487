/**
 * `npm run bench -- --only page`: the web page's VAE training speed in headless Chromium next to
 * Node's for the same job. Both run the page's own training loop (web/src/worker/trainingJob.ts:
 * the shipped model's shape 784-512-256-(20×10), batches of 100, Adam, τ annealed from 1, a loss
 * read back every step) on TF.js's WebAssembly backend with this library's kernels: in the browser
 * inside the page's Web Worker (the page at `?backend=wasm`, built as the browser tests build it),
 * in Node on the main thread. Per-step times come from the training loop's own running steps/s in
 * its loss messages (the worker's clock in the browser), after warm-up steps. CPU time: Node's
 * process, and in the browser all of Chromium's processes (utime + stime of every process below
 * this one, from /proc, 10 ms ticks; Vite's idle esbuild service is one of them), both per
 * measured step.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { tf } from '../src/tf.js';
import { DEFAULT_VAE_SHAPE } from '../src/vae/model.js';
import { launchChromium, waitUntilIdle } from '../test/web/browser.js';
import { startDemoSite } from '../test/web/demoSite.js';
import { runTraining } from '../web/src/worker/trainingJob.js';
import { randomImages } from './cases.js';
import type { Timing } from './timing.js';

/** One side's speed: the step times after warm-up, steps per second over them, CPU ms per step. */
export interface TrainingSpeed {
  where: string;
  step: Timing;
  stepsPerSecond: number;
  cpuPerStepMs?: number;
}

/** A 'loss' message's step and the running steps/s the training loop computed since its start. */
type LossReport = { step: number; stepsPerSecond: number };

/**
 * Each step's time (ms) from the loss messages: the training loop reports steps/s since its start,
 * so step k ended k / stepsPerSecond_k after it, on the loop's own clock (the worker's in the browser,
 * free of the page thread's delays in receiving messages). Steps up to `warmup` are left out.
 */
function stepTimes(reports: LossReport[], warmup: number): number[] {
  const ended = reports.map((r) => ({ step: r.step, at: (1000 * r.step) / r.stepsPerSecond }));
  const times: number[] = [];
  for (let i = 1; i < ended.length; i++) {
    if (ended[i - 1].step >= warmup && ended[i].step === ended[i - 1].step + 1)
      times.push(ended[i].at - ended[i - 1].at);
  }
  return times;
}

/** Median, fastest and slowest of all rounds' step times, and steps/s over their sum; CPU per step. */
function speedOf(where: string, times: number[], cpuMs: number): TrainingSpeed {
  const sorted = [...times].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return {
    where,
    step: { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length },
    stepsPerSecond: (1000 * times.length) / times.reduce((sum, t) => sum + t, 0),
    cpuPerStepMs: cpuMs / times.length,
  };
}

/** The page's training job in Node on random binary images (the speed does not depend on the digits). */
async function trainInNode(steps: number, warmup: number): Promise<{ times: number[]; cpuMs: number }> {
  const count = 1000;
  const images = tf.tidy(() => tf.concat(Array.from({ length: count / 100 }, () => randomImages(100))));
  const job = {
    kind: 'train' as const,
    shape: DEFAULT_VAE_SHAPE,
    steps: steps + warmup,
    images: images.dataSync() as Float32Array,
    count,
    weightsEvery: 25,
  };
  images.dispose();
  const reports: LossReport[] = [];
  let cpuStart = process.cpuUsage();
  await runTraining(
    job,
    (reply) => {
      if (reply.kind !== 'loss') return;
      if (reply.step === warmup) cpuStart = process.cpuUsage();
      reports.push(reply);
    },
    () => false,
  );
  const cpu = process.cpuUsage(cpuStart);
  return { times: stepTimes(reports, warmup), cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** utime + stime (ms) of every process descending from this one: the browser's, here. */
function descendantsCpuMs(): number {
  const parentOf = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(name), Number(fields[1]));
      ticks.set(Number(name), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended while we read
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p))
      if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, t] of ticks) if (isDescendant(pid)) total += t;
  return (total * 1000) / 100; // USER_HZ = 100 on Linux
}

/** Records every 'loss' message the page's workers send (installed before the page's scripts run). */
function recordWorkerLosses(): void {
  const record = window as unknown as { losses: { step: number; stepsPerSecond: number }[] };
  record.losses = [];
  const PageWorker = window.Worker;
  window.Worker = class extends PageWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      this.addEventListener('message', (event: MessageEvent) => {
        if (event.data?.kind === 'loss') record.losses.push(event.data);
      });
    }
  };
}

/** Trains `steps + warmup` steps in the page; the step times and the browser's CPU time meanwhile. */
async function trainInPage(
  page: Page,
  steps: number,
  warmup: number,
): Promise<{ times: number[]; cpuMs: number }> {
  const total = steps + warmup;
  type Recorded = { losses: LossReport[] };
  await page.evaluate(() => {
    (window as unknown as Recorded).losses = [];
  });
  await page.fill('#train-steps', String(total));
  await page.click('#train-start');
  await page.waitForFunction(
    (warmup) => (window as unknown as Recorded).losses.some((r) => r.step >= warmup),
    warmup,
    { timeout: 300_000, polling: 20 },
  );
  const cpuStart = descendantsCpuMs();
  await page.waitForFunction(
    (total) =>
      document.querySelector<HTMLButtonElement>('#train-start')?.disabled === false &&
      (document.querySelector('#train-progress')?.textContent ?? '').startsWith(`step ${total}/${total}`),
    total,
    { timeout: 600_000, polling: 200 },
  );
  const cpuMs = descendantsCpuMs() - cpuStart;
  const losses = await page.evaluate(() => (window as unknown as Recorded).losses);
  return { times: stepTimes(losses, warmup), cpuMs };
}

/**
 * Measures Node and the page in `rounds` alternating rounds (Node, browser, Node, …; each a fresh
 * model trained `warmup` + `steps` steps), so a shared machine's slow spells fall on both; builds
 * and serves the page first. Returns both speeds and the lines of their table.
 */
export async function pageSteps(steps = 60, warmup = 10, rounds = 2) {
  console.log('building the page and starting Chromium…');
  const site = await startDemoSite();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.addInitScript(recordWorkerLosses);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
    await page.goto(`${site.url}?backend=wasm`);
    await waitUntilIdle(page);
    const nodeRuns = { times: [] as number[], cpuMs: 0 };
    const pageRuns = { times: [] as number[], cpuMs: 0 };
    for (let round = 1; round <= rounds; round++) {
      console.log(`round ${round}/${rounds}: ${warmup} + ${steps} steps in Node, then in the page…`);
      for (const [runs, train] of [
        [nodeRuns, () => trainInNode(steps, warmup)],
        [pageRuns, () => trainInPage(page, steps, warmup)],
      ] as const) {
        const { times, cpuMs } = await train();
        runs.times.push(...times);
        runs.cpuMs += cpuMs;
      }
    }
    const workerBackend = (await page.textContent('#train-backend')) ?? '';
    const node = speedOf(`Node ${process.version}, main thread`, nodeRuns.times, nodeRuns.cpuMs);
    const inPage = speedOf(
      `Chromium ${browser.version()} headless, the page's Web Worker`,
      pageRuns.times,
      pageRuns.cpuMs,
    );
    const row = (s: TrainingSpeed) =>
      `| ${s.where} | ${s.stepsPerSecond.toFixed(1)} | ${s.step.median.toFixed(1)} | ${s.step.min.toFixed(1)} | ${s.cpuPerStepMs?.toFixed(1) ?? '—'} |`;
    const lines = [
      `VAE training as the page runs it (784-512-256-(20×10), batch 100, Adam; web/src/worker/trainingJob.ts), TF.js wasm;`,
      `${rounds} alternating rounds of ${steps} steps after ${warmup} warm-up steps each. ${workerBackend}`,
      ...(problems.length > 0 ? [`page problems: ${problems.join('; ')}`] : []),
      '',
      '| where | steps/s (all measured steps) | median ms per step | fastest step, ms | CPU ms per step |',
      '|---|---|---|---|---|',
      row(node),
      row(inPage),
      '',
      `page/Node: median step ${(inPage.step.median / node.step.median).toFixed(2)}, fastest step ${(inPage.step.min / node.step.min).toFixed(2)}, ` +
        `CPU per step ${((inPage.cpuPerStepMs ?? Number.NaN) / (node.cpuPerStepMs ?? Number.NaN)).toFixed(2)}`,
    ];
    return { lines, node, browser: inPage, workerBackend, problems };
  } finally {
    await browser.close();
    await site.close();
  }
}
