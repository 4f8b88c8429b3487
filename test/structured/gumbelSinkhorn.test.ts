import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  gumbelArray,
  gumbelNoise,
  gumbelSinkhorn,
  gumbelSinkhornSample,
  normalArray,
  permutationMatrix,
  tf,
} from '../../src/index.js';
import { expectOnlyReturnedTensors, takeValues } from '../helpers/leaks.js';
import { bruteForceMatching, referenceSinkhorn } from './reference.js';

const NEG = Number.NEGATIVE_INFINITY;
const BATCH = 3;
const SAMPLES = 4;
const N = 5;
const SCORES = Array.from(normalArray(BATCH * N * N, 31));

/** logScores + g, with the matrix of batch b repeated for each of its SAMPLES draws, g = gumbelArray(…, seed). */
function perturbedScores(seed: number): number[] {
  const noise = gumbelArray(BATCH * SAMPLES * N * N, seed);
  return Array.from(noise, (g, flat) => {
    const b = Math.floor(flat / (SAMPLES * N * N));
    return SCORES[b * N * N + (flat % (N * N))] + g;
  });
}

describe('gumbelSinkhorn', () => {
  const scores = tf.tensor3d(SCORES, [BATCH, N, N]);

  it('is sinkhorn((X + g)/τ) with the seed’s Gumbel noise, g drawn per sample (float64 reference in the test)', () => {
    const soft = gumbelSinkhorn(scores, { temperature: 0.5, iterations: 10, seed: 4, samples: SAMPLES });
    expect(soft.shape).toEqual([BATCH, SAMPLES, N, N]);
    const values = takeValues(soft);
    const expected = referenceSinkhorn(
      perturbedScores(4).map((v) => v / 0.5),
      N,
      10,
    );
    values.forEach((v, i) => {
      expect(Math.abs(v - expected[i])).toBeLessThan(1e-5);
    });
  });

  it('indices are the exact best permutation of X + g (brute force over all 120 permutations)', () => {
    const { indices, soft, hard } = gumbelSinkhornSample(scores, { seed: 6, samples: SAMPLES });
    const perturbed = perturbedScores(6);
    const found = takeValues(indices);
    for (let m = 0; m < BATCH * SAMPLES; m++) {
      const { permutation } = bruteForceMatching(perturbed.slice(m * N * N, (m + 1) * N * N), N);
      expect(found.slice(m * N, (m + 1) * N)).toEqual(permutation);
    }
    tf.dispose([soft, hard]);
  });

  it('approaches the matching’s permutation matrix as τ → 0 (mean |soft − hard| falls below 1e-3 at τ = 0.01)', () => {
    const distances = [1, 0.1, 0.01].map((temperature) => {
      const { soft, hard, indices } = gumbelSinkhornSample(scores, {
        temperature,
        iterations: 300,
        seed: 8,
        samples: SAMPLES,
      });
      const distance = takeValues(tf.mean(tf.abs(tf.sub(soft, hard))));
      tf.dispose([soft, hard, indices]);
      return distance[0];
    });
    expect(distances[1]).toBeLessThan(distances[0]);
    expect(distances[2]).toBeLessThan(distances[1]);
    expect(distances[2]).toBeLessThan(1e-3);
  });

  it('hard is exactly the permutation matrix forward and has the soft gradient backward', () => {
    const weights = tf.tensor3d(Array.from(normalArray(BATCH * N * N, 12)), [BATCH, N, N]);
    const options = { temperature: 0.7, iterations: 15, seed: 13 };
    const { hard, indices, soft } = gumbelSinkhornSample(scores, options);
    const exact = permutationMatrix(indices);
    expect(takeValues(hard)).toEqual(takeValues(exact));
    soft.dispose();
    indices.dispose();
    const loss = (hardOption: boolean) => (x: tf.Tensor) =>
      tf.sum(tf.mul(gumbelSinkhorn(x, { ...options, hard: hardOption }), weights));
    const hardGradient = takeValues(tf.grad(loss(true))(scores));
    const softGradient = takeValues(tf.grad(loss(false))(scores));
    expect(hardGradient).toEqual(softGradient);
    expect(hardGradient.some((g) => g !== 0)).toBe(true);
    weights.dispose();
  });

  it('the same seed gives the same draw; the noise option replaces the seed', () => {
    const first = takeValues(gumbelSinkhorn(scores, { seed: 2 }));
    const again = takeValues(gumbelSinkhorn(scores, { seed: 2 }));
    const noise = gumbelNoise([BATCH, N, N], 2);
    const given = takeValues(gumbelSinkhorn(scores, { noise, seed: 99 }));
    expect(again).toEqual(first);
    expect(given).toEqual(first);
    noise.dispose();
  });

  it('a [n, n] matrix with samples gives [samples, n, n]; without samples, the input shape', () => {
    const single = tf.tensor2d(SCORES.slice(0, N * N), [N, N]);
    const drawn = gumbelSinkhorn(single, { samples: 3, seed: 1 });
    expect(drawn.shape).toEqual([3, N, N]);
    const once = gumbelSinkhorn(single, { seed: 1, hard: true });
    expect(once.shape).toEqual([N, N]);
    tf.dispose([single, drawn, once]);
  });

  it('−Infinity entries are never in the hard permutation and stay 0 in the soft one, with finite gradients', () => {
    const masked = tf.tensor2d([
      [0, NEG, 1, 0.5],
      [NEG, 0, 0, NEG],
      [2, 0.3, NEG, 0],
      [0, 1, 0.2, NEG],
    ]);
    const { soft, hard, indices } = gumbelSinkhornSample(masked, { seed: 3, samples: 50, temperature: 0.1 });
    const maskedAt = [1, 4, 7, 10, 15];
    const softValues = takeValues(soft);
    const hardValues = takeValues(hard);
    indices.dispose();
    for (let s = 0; s < 50; s++) {
      for (const flat of maskedAt) {
        expect(softValues[s * 16 + flat]).toBe(0);
        expect(hardValues[s * 16 + flat]).toBe(0);
      }
    }
    const gradient = takeValues(
      tf.grad((x: tf.Tensor) =>
        tf.sum(tf.square(gumbelSinkhorn(x, { seed: 3, samples: 5, temperature: 0.1 }))),
      )(masked),
    );
    expect(gradient.every(Number.isFinite)).toBe(true);
    masked.dispose();
  });

  it('returns only its results', () => {
    expectOnlyReturnedTensors(() => gumbelSinkhorn(scores, { seed: 1, hard: true, samples: 2 }));
    expectOnlyReturnedTensors(() => ({ ...gumbelSinkhornSample(scores, { seed: 1, tolerance: 1e-3 }) }));
    expectOnlyReturnedTensors(() =>
      tf.grad((x: tf.Tensor) => tf.sum(gumbelSinkhorn(x, { seed: 1, hard: true })))(scores),
    );
  });

  it('bad input: τ ≤ 0 or NaN, samples < 1, iterations < 1, noise of the wrong shape, non-square scores', () => {
    const before = tf.memory().numTensors;
    for (const temperature of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => gumbelSinkhorn(scores, { temperature })).toThrow(ArgumentError);
      expect(() => gumbelSinkhorn(scores, { temperature })).toThrow(
        /temperature must be a finite number > 0/,
      );
    }
    expect(() => gumbelSinkhorn(scores, { samples: 0 })).toThrow(/samples must be an integer >= 1, got 0/);
    expect(() => gumbelSinkhorn(scores, { iterations: 0 })).toThrow(/iterations must be an integer >= 1/);
    const noise = tf.zeros([BATCH, N, N]);
    expect(() => gumbelSinkhorn(scores, { noise, samples: 2 })).toThrow(
      /noise must have the output's shape \[3,2,5,5\]/,
    );
    noise.dispose();
    expect(() => gumbelSinkhorn([[1, 2, 3]])).toThrow(/logScores must hold square n×n matrices/);
    expect(() => gumbelSinkhornSample([[Number.NaN]])).toThrow(/got NaN/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
