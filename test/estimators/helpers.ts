import { tf } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';

/** Any estimator as the tests call it: logits and loss in, the loss carrying the gradient out. */
export type EstimateLoss = (logits: Tensor, loss: (sample: Tensor) => Tensor) => Tensor;

/**
 * `count` independent gradient estimates at `logits`, as rows of `logits.size` numbers: the logits
 * are tiled `count` times along a new first axis, each copy gets its own noise, and the gradient of
 * the summed loss holds one estimate per copy. `loss` must map `[count, ...shape]` samples to
 * `[count, ...]` losses.
 */
export function drawEstimates(
  estimate: EstimateLoss,
  logits: Tensor,
  loss: (sample: Tensor) => Tensor,
  count: number,
): number[][] {
  const flat = tf.tidy(() => {
    const tiled = tf.tile(tf.expandDims(logits, 0), [count, ...logits.shape.map(() => 1)]);
    return tf
      .grad((theta: Tensor) => tf.sum(estimate(theta, loss)))(tiled)
      .dataSync();
  });
  const size = logits.size;
  return Array.from({ length: count }, (_, i) => Array.from(flat.subarray(i * size, (i + 1) * size)));
}

/** Column `j` of the estimates. */
export function column(rows: number[][], j: number): number[] {
  return rows.map((row) => row[j]);
}

/** Total variance Σ_j Var(column j), unbiased. */
export function totalVariance(rows: number[][]): number {
  let total = 0;
  for (let j = 0; j < rows[0].length; j++) {
    const values = column(rows, j);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    total += values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  }
  return total;
}

/** Exact ∇θ E_{z~Cat(softmax θ)} Σ_k z_k c_k = p ⊙ (c − Σ p c), for one categorical, in double precision. */
export function exactLinearGradient(logits: number[], costs: number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  const p = exps.map((e) => e / total);
  const mean = p.reduce((sum, pk, k) => sum + pk * costs[k], 0);
  return p.map((pk, k) => pk * (costs[k] - mean));
}

/**
 * Checks every component of the mean of `rows` is within `sigmas` standard errors of `exact`;
 * returns the largest |z| (so a test can also assert that a biased estimator fails).
 */
export function largestZScore(rows: number[][], exact: number[]): number {
  let largest = 0;
  for (let j = 0; j < exact.length; j++) {
    const values = column(rows, j);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
    const standardError = Math.sqrt(variance / values.length);
    largest = Math.max(largest, Math.abs(mean - exact[j]) / Math.max(standardError, 1e-12));
  }
  return largest;
}
