/** The memory soak of `npm run bench`: RSS and live tensors over many training steps. */
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
