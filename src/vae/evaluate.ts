import { oneHotAlong } from '../ops/axis.js';
import { gumbelMax } from '../ops/gumbelMax.js';
import { RandomGenerator } from '../random/generator.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import type { CategoricalVae } from './model.js';
import { bernoulliLogLikelihood, klToUniform } from './objective.js';

/** Options of the evaluations. */
export interface EvaluationOptions {
  /** Seed of the evaluation's own noise, so repeated evaluations of one model agree. */
  seed?: number;
  /** Images per forward pass of the −ELBO (default 500). */
  batchSize?: number;
  /**
   * Decoded rows per forward pass of the IW bound (default 10,000: ⌊10,000 / samples⌋ images, at
   * least 1, at a time). Each pass holds a few [rows, 784] float32 tensors, so this bounds memory.
   */
  rowsPerPass?: number;
  /**
   * Called after each forward pass with the images scored so far and the total (for a progress
   * bar; the evaluation itself stays free of any terminal code).
   */
  onProgress?: (done: number, total: number) => void;
}

function imageBatches(images: Float32Array, pixels: number, batchSize: number): Tensor[] {
  const count = images.length / pixels;
  const batches: Tensor[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    batches.push(tf.tensor2d(images.subarray(start * pixels, end * pixels), [end - start, pixels]));
  }
  return batches;
}

/**
 * −ELBO in nats with the latent discretized, as Jang et al. (2017) report it: for each image one
 * exact one-hot sample z ~ q(z|x) (Gumbel-max), −[log p(x|z) − KL(q(z|x) ‖ uniform)], averaged.
 */
export function discreteNegativeElbo(
  model: CategoricalVae,
  images: Float32Array,
  options: EvaluationOptions = {},
): number {
  const pixels = model.shape.inputSize;
  const generator = new RandomGenerator(options.seed ?? 0);
  const count = images.length / pixels;
  let total = 0;
  let done = 0;
  options.onProgress?.(0, count);
  for (const batch of imageBatches(images, pixels, options.batchSize ?? 500)) {
    const batchTotal = tf.tidy(() => {
      const logits = model.encode(batch);
      const index = gumbelMax(logits, { seed: generator, validateArgs: false });
      const code = oneHotAlong(index, model.shape.categories, 2);
      const elbo = tf.sub(bernoulliLogLikelihood(batch, model.decode(code)), klToUniform(logits));
      return tf.sum(elbo).dataSync()[0];
    });
    done += batch.shape[0];
    batch.dispose();
    total += batchTotal;
    options.onProgress?.(done, count);
  }
  return -total / count;
}

/**
 * Importance-weighted estimate of −log p(x) in nats (Burda et al. 2016) with `samples` one-hot codes
 * z_i ~ q(z|x) per image: log p(x) ≈ logmeanexp_i [log p(x|z_i) + log p(z_i) − log q(z_i|x)], p(z)
 * uniform. A lower bound on log p(x) in expectation that tightens as `samples` grows; with 1 sample it
 * is the discrete ELBO's one-sample estimate.
 */
export function importanceWeightedNll(
  model: CategoricalVae,
  images: Float32Array,
  samples: number,
  options: EvaluationOptions = {},
): number {
  if (!Number.isInteger(samples) || samples < 1) {
    throw new ArgumentError('samples', `must be an integer >= 1, got ${samples}`);
  }
  const { latentVariables, categories, inputSize } = model.shape;
  const generator = new RandomGenerator(options.seed ?? 0);
  const imagesPerPass = Math.max(1, Math.floor((options.rowsPerPass ?? 10_000) / samples));
  const logPrior = -latentVariables * Math.log(categories);
  const imageCount = images.length / inputSize;
  let total = 0;
  let done = 0;
  options.onProgress?.(0, imageCount);
  for (const batch of imageBatches(images, inputSize, imagesPerPass)) {
    const batchTotal = tf.tidy(() => {
      const count = batch.shape[0];
      const logQ = tf.logSoftmax(model.encode(batch)); // [count, N, K]
      const repeated = tf.reshape(tf.tile(tf.expandDims(logQ, 1), [1, samples, 1, 1]), [
        count * samples,
        latentVariables,
        categories,
      ]);
      const index = gumbelMax(repeated, { seed: generator, validateArgs: false });
      const code = oneHotAlong(index, categories, 2);
      const logQOfCode = tf.reshape(tf.sum(tf.mul(code, repeated), [1, 2]), [count, samples]);
      // Each image broadcasts against its `samples` decodings instead of being tiled.
      const decoded = tf.reshape(model.decode(code), [count, samples, inputSize]);
      const logLikelihood = bernoulliLogLikelihood(tf.expandDims(batch, 1), decoded);
      const logWeights = tf.sub(tf.add(logLikelihood, logPrior), logQOfCode);
      const logMeanWeights = tf.sub(tf.logSumExp(logWeights, 1), Math.log(samples));
      return tf.sum(logMeanWeights).dataSync()[0];
    });
    done += batch.shape[0];
    batch.dispose();
    total += batchTotal;
    options.onProgress?.(done, imageCount);
  }
  return -total / imageCount;
}
