import { oneHotAlong } from '../ops/axis.js';
import { RandomGenerator } from '../random/generator.js';
import { uniformArray } from '../random/noise.js';
import { RUN_FILES, type RunFolder, type StepMetrics } from '../runs/runFolder.js';
import { tf } from '../tf.js';
import { imageGridPng, pairedGridPng } from '../viz/imageGrid.js';
import { linePlotPng } from '../viz/linePlot.js';
import { discreteNegativeElbo, importanceWeightedNll } from './evaluate.js';
import type { CategoricalVae } from './model.js';

/** −ELBO and −log p(x) estimates of one split, in nats per image. */
export interface SplitScores {
  images: number;
  negativeElbo: number;
  importanceWeightedNll: number;
  importanceSamples: number;
}

/** Scores a split: discretized −ELBO and the m-sample importance-weighted −log p(x). */
export function scoreSplit(
  model: CategoricalVae,
  images: Float32Array,
  samples: number,
  seed: number,
): SplitScores {
  return {
    images: images.length / model.shape.inputSize,
    negativeElbo: discreteNegativeElbo(model, images, { seed }),
    importanceWeightedNll: importanceWeightedNll(model, images, samples, { seed: seed + 1 }),
    importanceSamples: samples,
  };
}

/** Pixel probabilities sigmoid(decoder logits) of codes, as a flat array. */
function decodeToPixels(model: CategoricalVae, codes: tf.Tensor): Float32Array {
  return tf.tidy(() => tf.sigmoid(model.decode(codes)).dataSync() as Float32Array);
}

/** `count` codes drawn from the uniform prior: each of the N variables a uniformly random one-hot. */
export function priorCodes(model: CategoricalVae, count: number, seed: number): tf.Tensor {
  const { latentVariables, categories } = model.shape;
  const uniforms = uniformArray(count * latentVariables, new RandomGenerator(seed));
  const indices = Int32Array.from(uniforms, (u) => Math.floor(u * categories));
  return tf.tidy(() => oneHotAlong(tf.tensor2d(indices, [count, latentVariables], 'int32'), categories, 2));
}

/** samples.png: a 10×10 grid decoded from codes drawn from the prior. */
export function writeSamplesPicture(model: CategoricalVae, folder: RunFolder, seed: number): void {
  const codes = priorCodes(model, 100, seed);
  const pixels = decodeToPixels(model, codes);
  codes.dispose();
  folder.writeBytes(RUN_FILES.samples, imageGridPng(pixels, { rows: 10, columns: 10 }));
}

/** reconstructions.png: test digits above their reconstructions through the one-hot argmax code. */
export function writeReconstructionsPicture(
  model: CategoricalVae,
  folder: RunFolder,
  testImages: Float32Array,
): void {
  const count = 30;
  const originals = testImages.slice(0, count * model.shape.inputSize);
  const reconstructions = tf.tidy(() => {
    const logits = model.encode(tf.tensor2d(originals, [count, model.shape.inputSize]));
    return decodeToPixels(model, oneHotAlong(tf.argMax(logits, 2), model.shape.categories, 2));
  });
  folder.writeBytes(
    RUN_FILES.reconstructions,
    pairedGridPng(originals, reconstructions, { rows: 3, columns: 10 }),
  );
}

/** curves.png: training −ELBO (mean per 100 steps), validation −ELBO, and τ on the right axis. */
export function writeCurvesPicture(folder: RunFolder, metrics: StepMetrics[]): void {
  const window = Math.max(1, Math.round(metrics.length / 100));
  const smoothed: [number, number][] = [];
  for (let start = 0; start < metrics.length; start += window) {
    const slice = metrics.slice(start, start + window);
    smoothed.push([slice[slice.length - 1].step, slice.reduce((sum, m) => sum + m.loss, 0) / slice.length]);
  }
  const validation = metrics.flatMap((m) =>
    m.validation === undefined ? [] : [[m.step, m.validation] as [number, number]],
  );
  const png = linePlotPng(
    [
      { name: 'train −ELBO (relaxed, batch mean)', points: smoothed },
      { name: 'validation −ELBO (one-hot)', points: validation },
      { name: 'temperature τ', points: metrics.map((m) => [m.step, m.temperature]), axis: 'right' },
    ],
    { title: 'Categorical VAE training', xLabel: 'step', yLabel: '−ELBO (nats)', y2Label: 'τ' },
  );
  folder.writeBytes(RUN_FILES.curves, png);
}
