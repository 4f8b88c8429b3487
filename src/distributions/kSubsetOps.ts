/**
 * The exact k-subset law p(S) ∝ exp(Σ_{i∈S} θ_i) as TF.js ops over the last axis of the logits:
 * log-normalizer, inclusion marginals and exact samples. The numbers come from the double-precision
 * recursion of math/elementarySymmetric.ts, row by row in JS (each op reads the logits once); the
 * gradients are written out: ∂ log Z/∂θ = μ, and (∂μ/∂θ)ᵀ·dy = Cov(z)·dy.
 */
import { logElementarySymmetricTable, sampleSubset, subsetMarginals } from '../math/elementarySymmetric.js';
import type { Seed } from '../random/generator.js';
import { uniformArray } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';

/** Calls `each` with every row (the last axis) of `values` as its own array, and the row's index. */
function forEachRow(
  values: ArrayLike<number>,
  n: number,
  each: (row: Float64Array, index: number) => void,
): void {
  const rows = values.length / n;
  const row = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n; i++) row[i] = values[r * n + i];
    each(row, r);
  }
}

/** log Z of every row and, when `withMarginals`, the marginals μ = ∂ log Z/∂θ (float32, the logits' shape). */
function normalizerValues(
  logits: Tensor,
  k: number,
  withMarginals: boolean,
): { logZ: Float32Array; marginals: Float32Array } {
  const n = logits.shape[logits.rank - 1];
  const values = logits.dataSync();
  const logZ = new Float32Array(values.length / n);
  const marginals = new Float32Array(withMarginals ? values.length : 0);
  forEachRow(values, n, (row, r) => {
    const table = logElementarySymmetricTable(row, k);
    logZ[r] = table[table.length - 1];
    if (withMarginals) marginals.set(subsetMarginals(row, k, table).marginals, r * n);
  });
  return { logZ, marginals };
}

/**
 * The log-normalizer log Σ_{|S|=k} exp(Σ_{i∈S} θ_i) of each row of `logits` (last axis), shape
 * the logits' without it; differentiable, its gradient the exact marginals. −Infinity logits are
 * masked items. Second derivatives are not available through it (use {@link kSubsetMarginals}).
 */
export function kSubsetLogNormalizer(logits: Tensor, k: number): Tensor {
  const op = tf.customGrad((input, save) => {
    const theta = input as Tensor;
    (save as tf.GradSaveFunc)([theta]);
    return {
      value: tf.tensor(normalizerValues(theta, k, false).logZ, theta.shape.slice(0, -1), 'float32'),
      gradFunc: (dy: Tensor, [saved]: Tensor[]) => {
        const marginals = tf.tensor(normalizerValues(saved, k, true).marginals, saved.shape, 'float32');
        return tf.mul(tf.expandDims(dy, -1), marginals);
      },
    };
  });
  return op(logits);
}

/**
 * The exact inclusion marginals μ_i = P(i ∈ S) of each row, the logits' shape (each row sums to k,
 * masked items 0); differentiable, with backward (∂μ/∂θ)ᵀ·dy = Cov(z)·dy computed exactly by
 * forward-over-reverse through the recursion (O(n·k) per row).
 */
export function kSubsetMarginals(logits: Tensor, k: number): Tensor {
  const op = tf.customGrad((input, save) => {
    const theta = input as Tensor;
    (save as tf.GradSaveFunc)([theta]);
    return {
      value: tf.tensor(normalizerValues(theta, k, true).marginals, theta.shape, 'float32'),
      gradFunc: (dy: Tensor, [saved]: Tensor[]) => {
        const n = saved.shape[saved.rank - 1];
        const direction = dy.dataSync();
        const product = new Float32Array(direction.length);
        forEachRow(saved.dataSync(), n, (row, r) => {
          const table = logElementarySymmetricTable(row, k);
          const v = direction.subarray(r * n, (r + 1) * n);
          product.set(subsetMarginals(row, k, table, v).hessianVector ?? [], r * n);
        });
        return tf.tensor(product, saved.shape, 'float32');
      },
    };
  });
  return op(logits);
}

/**
 * Exact k-hot draws (float32 0/1, k ones per row) of p(S) ∝ exp(Σ_{i∈S} θ_i), shape
 * `[...sampleShape, ...logits.shape]`, by sequential conditional sampling from the recursion's table
 * (one seeded uniform per item, float32 with 23 random bits, so each inclusion probability is
 * honoured to within 2⁻²³). Not differentiable; masked items are never drawn.
 */
export function kSubsetSample(logits: Tensor, k: number, sampleShape: number[], seed?: Seed): Tensor {
  const n = logits.shape[logits.rank - 1];
  const values = logits.dataSync();
  const rows = values.length / n;
  const draws = sampleShape.reduce((a, b) => a * b, 1);
  const uniforms = uniformArray(draws * values.length, seed);
  const out = new Float32Array(draws * values.length);
  const tables: Float64Array[] = [];
  const thetas: Float64Array[] = [];
  forEachRow(values, n, (row) => {
    thetas.push(Float64Array.from(row));
    tables.push(logElementarySymmetricTable(row, k));
  });
  for (let d = 0; d < draws; d++) {
    for (let r = 0; r < rows; r++) {
      const offset = (d * rows + r) * n;
      sampleSubset(
        thetas[r],
        k,
        tables[r],
        uniforms.subarray(offset, offset + n),
        out.subarray(offset, offset + n),
      );
    }
  }
  return tf.tensor(out, [...sampleShape, ...logits.shape], 'float32');
}
