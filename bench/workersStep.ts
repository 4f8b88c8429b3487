/**
 * One default VAE training step (batch 100) in this thread and on worker threads, timed in rotated
 * rounds in one run so that a shared machine's slow spells fall on every variant alike: wall time
 * per step (median, fastest) and the process's CPU time per step (all threads). Run:
 *
 *   node --import tsx bench/workersStep.ts [--repeats 30] [--workers 2]
 *
 * With `--compare <path to another checkout's src/vae/parallel/index.ts>` it times that checkout's
 * `createParallelStepper` too (e.g. an older split of the work across workers). With `--tiny` the
 * model is 784–4–(2×2) on batches of 4, so a step on workers is mostly their hand-over and waits.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend.js';
import { enableRelaxedSimd } from '../src/nodeWasmFeatures.js';
import { createParallelStepper, type ParallelStepper } from '../src/vae/parallel/index.js';
import { randomImages, vaeTrainingStep } from './cases.js';
import { timedRotatedAsync } from './timing.js';

/** A model whose step is almost all overhead: 784–4–(2×2), mirrored. */
const TINY_SHAPE = { latentVariables: 2, categories: 2, inputSize: 784, hiddenUnits: [4] };

type Variant = { name: string; run: (step: number) => unknown | Promise<unknown> };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      repeats: { type: 'string', default: '30' },
      workers: { type: 'string', default: '2' },
      compare: { type: 'string' },
      tiny: { type: 'boolean', default: false },
    },
  });
  const repeats = Number(values.repeats);
  const workers = Number(values.workers);
  const relaxedSimd = enableRelaxedSimd();
  const backend = await initBackend();
  const shape = values.tiny ? TINY_SHAPE : undefined;
  const batch = values.tiny ? 4 : 100;
  const images = randomImages(batch);
  const pixels = images.dataSync() as Float32Array;
  images.dispose();
  const oneThread = vaeTrainingStep(shape, batch);
  const steppers: ParallelStepper[] = [await createParallelStepper({ workers, seed: 1, shape })];
  const variants: Variant[] = [
    { name: 'one thread', run: () => oneThread.step() },
    { name: `${workers} workers`, run: (step) => steppers[0].step(pixels, batch, step, 1) },
  ];
  if (values.compare) {
    const other = (await import(values.compare)) as { createParallelStepper: typeof createParallelStepper };
    const stepper = await other.createParallelStepper({ workers, seed: 1, shape });
    steppers.push(stepper);
    variants.push({
      name: `${workers} workers (${values.compare})`,
      run: (step) => stepper.step(pixels, batch, step, 1),
    });
  }
  const loadBefore = loadavg()[0];
  const timings = await timedRotatedAsync(
    variants.map((variant) => variant.run),
    repeats,
  );
  console.log(
    `backend ${backend.name}, relaxed SIMD ${relaxedSimd ? 'on' : 'off'}, ${repeats} rotated rounds; load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`,
  );
  console.log('| variant | wall ms median | fastest | CPU ms median | CPU fastest |\n|---|---|---|---|---|');
  timings.forEach((t, i) => {
    console.log(
      `| ${variants[i].name} | ${t.median.toFixed(2)} | ${t.min.toFixed(2)} | ${t.cpu?.median.toFixed(2)} | ${t.cpu?.min.toFixed(2)} |`,
    );
  });
  oneThread.dispose();
  await Promise.all(steppers.map((stepper) => stepper.dispose()));
}

await main();
