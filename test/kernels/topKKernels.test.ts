/**
 * The fused relaxed k-hot kernels (all k steps of a row forward in one call, backward in one call
 * recomputing the steps) against the composed TF.js ops of relaxedKHot on cpu (useFusedKernels(false)):
 * same values and same gradients of Σ w ⊙ relaxedKHot(x) within float32 rounding, on wasm and cpu,
 * at k = 1 and k = n − 1, n that are and are not multiples of 4, batch 1, rank 3, ties, −Infinity
 * masks and extreme logits whose other items underflow next to the largest. Nothing leaks.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { useFusedKernels } from '../../src/kernels/register.js';
import { fusedRelaxedKHotApplies } from '../../src/kernels/topKKernels.js';
import { relaxedKHot } from '../../src/structured/relaxedTopK.js';
import { tf } from '../../src/tf.js';
import { largestDifference, largestMagnitude } from '../helpers/close.js';

const startBackend = tf.getBackend();
afterEach(() => useFusedKernels(true));
afterAll(async () => {
  await tf.setBackend(startBackend);
});

interface Case {
  name: string;
  k: number;
  temperature: number;
  logits: () => tf.Tensor;
}

const normal = (shape: number[], scale: number, seed: number) => () =>
  tf.randomNormal(shape, 0, scale, 'float32', seed);

const CASES: Case[] = [
  { name: 'batch 1, n = 4, k = 1', k: 1, temperature: 1, logits: normal([1, 4], 1, 1) },
  { name: 'n = 5 (tail of 1), k = n − 1', k: 4, temperature: 1, logits: normal([3, 5], 2, 2) },
  { name: 'n = 7 (tail of 3), k = 3, τ = 0.5', k: 3, temperature: 0.5, logits: normal([4, 7], 1, 3) },
  { name: 'n = 2, k = 1 (fewer than four)', k: 1, temperature: 0.7, logits: normal([3, 2], 1, 4) },
  { name: 'n = 50, k = 10, τ = 0.5', k: 10, temperature: 0.5, logits: normal([6, 50], 1, 5) },
  { name: 'n = 33, k = n − 1, τ = 2', k: 32, temperature: 2, logits: normal([2, 33], 1, 6) },
  { name: 'rank 3 [2, 3, 8], k = 2', k: 2, temperature: 0.5, logits: normal([2, 3, 8], 1, 7) },
  {
    // logits spread over ±300 at τ = 0.05: next to the largest every other p underflows to 0
    name: 'extreme logits (scale 100, τ = 0.05), n = 9, k = 4',
    k: 4,
    temperature: 0.05,
    logits: normal([3, 9], 100, 8),
  },
  {
    // logits spread over ±15 at τ = 1: many small p, where float32 log(1 + x) would be off
    name: 'spread logits (scale 5), n = 20, k = 10',
    k: 10,
    temperature: 1,
    logits: normal([1, 20], 5, 3),
  },
  {
    name: 'the bench shape in small: n = 1000, k = 50, τ = 0.5',
    k: 50,
    temperature: 0.5,
    logits: normal([3, 1000], 1, 9),
  },
  {
    // exact ties at the top: both items take the step's largest-item update, as the composed ops do
    name: 'ties at the largest, n = 6, k = 3',
    k: 3,
    temperature: 1,
    logits: () =>
      tf.tensor2d([
        [2, 2, 0.5, -1, 0, 1],
        [0, 3, 3, 3, 1, -2],
      ]),
  },
  {
    name: '−Infinity masks, n = 6, k = 3',
    k: 3,
    temperature: 0.5,
    logits: () =>
      tf.tensor2d([
        [0.3, -Infinity, 1.2, -0.5, -Infinity, 0.8],
        [-Infinity, 2, -1, 0.1, 0.4, -Infinity],
      ]),
  },
];

/** Values and gradient of Σ w ⊙ relaxedKHot(x) on the active backend, as float32 arrays. */
function valueAndGradient(x: Float32Array, shape: number[], k: number, temperature: number) {
  return tf.tidy(() => {
    const logits = tf.tensor(x, shape);
    const weights = tf.randomNormal(shape, 0, 1, 'float32', 11);
    const loss = (xi: tf.Tensor) => tf.sum(tf.mul(relaxedKHot(xi, k, temperature), weights));
    return {
      value: tf.tensor(relaxedKHot(logits, k, temperature).dataSync(), shape),
      gradient: tf.tensor(tf.grad(loss)(logits).dataSync(), shape),
    };
  });
}

for (const backend of ['wasm', 'cpu']) {
  describe(`fused relaxed k-hot on ${backend}`, () => {
    it.each(CASES)('$name: values and gradients as the composed ops', async ({ k, temperature, logits }) => {
      // the reference is the composed ops on cpu: the wasm backend's Log1p computes log(1 + x) in
      // float32 (log1p(−1e−5) comes out 1.4e−3 relatively off), which moves its composed top-k by
      // up to 0.06 at n = 20, k = 10 (the 'spread logits' case) — the fused kernel matches cpu there
      await tf.setBackend('cpu');
      useFusedKernels(false);
      const x = tf.tidy(() => logits());
      const shape = x.shape;
      const data = x.dataSync() as Float32Array;
      x.dispose();
      const reference = valueAndGradient(data, shape, k, temperature);
      useFusedKernels(true);
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      const buffersBefore = tf.engine().backend.numDataIds();
      tf.tidy(() => {
        expect(fusedRelaxedKHotApplies(tf.tensor(data, shape))).toBe(true);
        const ours = valueAndGradient(data, shape, k, temperature);
        // values in [0, k]: float32 rounding over k steps (measured ≤ 3.5e−6 at k = 50, n = 1000)
        expect(largestDifference(ours.value, reference.value)).toBeLessThan(2e-6 * k);
        // gradients: measured ≤ 1e−6 of their largest entry
        expect(largestDifference(ours.gradient, reference.gradient)).toBeLessThan(
          1e-5 * Math.max(1, largestMagnitude(reference.gradient)),
        );
        // and the soft k-hot sums to k in each row
        const sums = tf.sum(ours.value, -1);
        expect(largestDifference(sums, tf.fill(sums.shape, k))).toBeLessThan(1e-5 * k);
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
      tf.dispose([reference.value, reference.gradient]);
    });
  });
}

describe('fused relaxed k-hot: where it applies', () => {
  it('not with fused kernels off', async () => {
    await tf.setBackend('cpu');
    const x = tf.zeros([2, 4]);
    expect(fusedRelaxedKHotApplies(x)).toBe(true);
    useFusedKernels(false);
    expect(fusedRelaxedKHotApplies(x)).toBe(false);
    x.dispose();
  });
});
