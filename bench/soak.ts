/**
 * The memory soak of `npm run bench`: RSS and live tensors over many training steps, in a process
 * of its own (`memorySoakInChild`), so that what the bench's other parts left in the heap does not
 * move its line. Alone: `node --import tsx bench/soak.ts [steps]` prints the samples as JSON.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../src/backend.js';
import { enableRelaxedSimd } from '../src/nodeWasmFeatures.js';
import { tf } from '../src/tf.js';
import { vaeTrainingStep } from './cases.js';

export interface SoakSample {
  step: number;
  rssMb: number;
  tensors: number;
}

/**
 * Trains a reduced categorical VAE (784–128–(20·10)–128–784, batch 20: the default model's code
 * path, fused kernels and Adam included, at a size that runs 10,000 steps in minutes) and samples
 * the process RSS and TF.js's live tensor count every `every` steps.
 */
export function memorySoak(steps: number, every = 1000): SoakSample[] {
  const training = vaeTrainingStep(
    { latentVariables: 20, categories: 10, inputSize: 784, hiddenUnits: [128] },
    20,
  );
  const sample = (step: number): SoakSample => ({
    step,
    rssMb: process.memoryUsage().rss / 2 ** 20,
    tensors: tf.memory().numTensors,
  });
  const samples = [sample(0)];
  for (let step = 1; step <= steps; step++) {
    training.step();
    if (step % every === 0 || step === steps) samples.push(sample(step));
  }
  training.dispose();
  return samples;
}

/**
 * {@link memorySoak} in a new Node process on the same backend (wasm, relaxed SIMD where it
 * validates). Run last inside the bench's own process, its RSS had moved 16–108 MB over 9,000 steps
 * from run to run with 25 live tensors throughout, where alone it stays flat.
 */
export function memorySoakInChild(steps: number): SoakSample[] {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), String(steps)],
    {
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) throw new Error(`the memory soak failed: ${run.stderr.trim().split('\n').pop()}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() as string) as SoakSample[];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  enableRelaxedSimd();
  await initBackend('wasm');
  console.log(JSON.stringify(memorySoak(Number(process.argv[2] ?? 10000))));
}
