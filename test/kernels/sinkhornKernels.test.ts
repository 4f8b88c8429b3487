/**
 * The fused log-Sinkhorn kernels (all iterations forward in one call, backward in one call through
 * the stored potentials) against the composed TF.js ops of logSinkhorn (useFusedKernels(false)):
 * same log-matrices and same gradients of Σ w ⊙ logSinkhorn(x) within float32 rounding, on wasm and
 * cpu, at n that are and are not multiples of 4, batch 1, 1 and 50 iterations, −Infinity masks and
 * extreme log-scores whose rows underflow in linear space. Nothing leaks.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fusedKernelsActive, useFusedKernels } from '../../src/kernels/register.js';
import { fusedLogSinkhornApplies } from '../../src/kernels/sinkhornKernels.js';
import { logSinkhorn } from '../../src/structured/sinkhorn.js';
import { tf } from '../../src/tf.js';
import { largestDifference, largestMagnitude } from '../helpers/close.js';

const startBackend = tf.getBackend();
afterEach(() => useFusedKernels(true));
afterAll(async () => {
  await tf.setBackend(startBackend);
});

interface Case {
  name: string;
  shape: [number, number, number];
  iterations: number;
  scores: () => tf.Tensor;
}

const normal = (shape: number[], scale: number, seed: number) => () =>
  tf.randomNormal(shape, 0, scale, 'float32', seed);

const CASES: Case[] = [
  { name: 'batch 1, n = 4, 1 iteration', shape: [1, 4, 4], iterations: 1, scores: normal([1, 4, 4], 1, 1) },
  {
    name: 'n = 5 (tail of 1), 50 iterations',
    shape: [3, 5, 5],
    iterations: 50,
    scores: normal([3, 5, 5], 2, 2),
  },
  {
    name: 'n = 7 (tail of 3), 20 iterations',
    shape: [2, 7, 7],
    iterations: 20,
    scores: normal([2, 7, 7], 1, 3),
  },
  {
    name: 'n = 50, the bench shape in small',
    shape: [4, 50, 50],
    iterations: 20,
    scores: normal([4, 50, 50], 1, 4),
  },
  { name: 'n = 13, 50 iterations', shape: [2, 13, 13], iterations: 50, scores: normal([2, 13, 13], 1, 5) },
  {
    // τ = 0.01: entries spread over ±300, so exp of a row or column without its max underflows
    name: 'extreme log-scores (τ = 0.01), n = 6',
    shape: [2, 6, 6],
    iterations: 20,
    scores: normal([2, 6, 6], 100, 6),
  },
  {
    // one row 500 below all the others: in linear space its entries are 0 next to theirs
    name: 'a row far below the rest, n = 9',
    shape: [1, 9, 9],
    iterations: 30,
    scores: () =>
      tf.tidy(() =>
        tf.add(
          tf.randomNormal([1, 9, 9], 0, 1, 'float32', 7),
          tf
            .oneHot([[2]], 9)
            .reshape([1, 9, 1])
            .mul(-500),
        ),
      ),
  },
  {
    // one column 500 below the rest: after the rows are normalised its sum underflows in float32
    // from any shift but its maximum (the kernels' fallback)
    name: 'a column far below the rest, n = 10',
    shape: [2, 10, 10],
    iterations: 30,
    scores: () =>
      tf.tidy(() => tf.add(tf.randomNormal([2, 10, 10], 0, 1, 'float32', 9), tf.oneHot([7], 10).mul(-500))),
  },
  {
    name: '−Infinity masks (the diagonal), n = 6',
    shape: [2, 6, 6],
    iterations: 20,
    scores: () =>
      tf.tidy(() =>
        tf.where(
          tf.eye(6).cast('bool').expandDims(0).tile([2, 1, 1]),
          tf.fill([2, 6, 6], -Infinity),
          tf.randomNormal([2, 6, 6], 0, 1, 'float32', 8),
        ),
      ),
  },
];

for (const backend of ['wasm', 'cpu']) {
  describe(`fused log-Sinkhorn on ${backend}`, () => {
    it.each(CASES)(
      '$name: values and gradients as the composed ops',
      async ({ shape, iterations, scores }) => {
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        const buffersBefore = tf.engine().backend.numDataIds();
        tf.tidy(() => {
          const x = scores();
          const weights = tf.randomNormal(shape, 0, 1, 'float32', 11);
          const loss = (xi: tf.Tensor) =>
            tf.sum(
              tf.mul(tf.where(tf.isFinite(xi), logSinkhorn(xi, { iterations }), tf.zerosLike(xi)), weights),
            );
          useFusedKernels(true);
          expect(fusedLogSinkhornApplies(shape)).toBe(true);
          const ours = logSinkhorn(x, { iterations });
          const ourGradient = tf.grad(loss)(x);
          useFusedKernels(false);
          expect(fusedKernelsActive()).toBe(false);
          const reference = logSinkhorn(x, { iterations });
          const referenceGradient = tf.grad(loss)(x);
          // float32 rounding of log values of size up to max|x| (measured: ≤ 3e-6 at n = 50, 7.6e-5 at
          // max|x| ≈ 300), and of gradients (measured: ≤ 1e-6 of their largest entry)
          const scale = Math.max(1, largestMagnitude(x));
          expect(largestDifference(ours, reference)).toBeLessThan(4e-6 * scale);
          expect(largestDifference(ourGradient, referenceGradient)).toBeLessThan(
            1e-5 * Math.max(1, largestMagnitude(referenceGradient)),
          );
          // and the result is doubly stochastic where the composed one is (columns exactly)
          const columns = tf.sum(tf.exp(ours), shape.length - 2);
          expect(largestDifference(columns, tf.onesLike(columns))).toBeLessThan(1e-5);
        });
        expect(tf.memory().numTensors).toBe(before);
        expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
      },
    );
  });
}

describe('fused log-Sinkhorn with a tolerance', () => {
  it('stops after as many iterations as the composed ops (same values and gradients within rounding)', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomNormal([3, 9, 9], 0, 2, 'float32', 21);
      const weights = tf.randomNormal([3, 9, 9], 0, 1, 'float32', 22);
      const options = { iterations: 500, tolerance: 1e-3 };
      const run = () => {
        const gradient = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(logSinkhorn(xi, options), weights)))(x);
        return { value: logSinkhorn(x, options), gradient };
      };
      const ours = run();
      useFusedKernels(false);
      const reference = run();
      // all 500 iterations would differ from the early stop by far more than rounding
      const full = logSinkhorn(x, { iterations: 500 });
      expect(largestDifference(full, reference.value)).toBeGreaterThan(1e-4);
      expect(largestDifference(ours.value, reference.value)).toBeLessThan(4e-6 * largestMagnitude(x));
      expect(largestDifference(ours.gradient, reference.gradient)).toBeLessThan(
        1e-5 * largestMagnitude(reference.gradient),
      );
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('fused log-Sinkhorn: where it applies', () => {
  it('not for n < 4 (the composed ops run) nor with fused kernels off', async () => {
    await tf.setBackend('cpu');
    expect(fusedLogSinkhornApplies([2, 3, 3])).toBe(false);
    expect(fusedLogSinkhornApplies([2, 4, 4])).toBe(true);
    useFusedKernels(false);
    expect(fusedLogSinkhornApplies([2, 4, 4])).toBe(false);
  });
});
