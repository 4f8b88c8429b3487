import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  applyPermutation,
  invertPermutation,
  kendallTau,
  permutationMatrix,
  RandomGenerator,
  tf,
} from '../../src/index.js';
import { expectOnlyReturnedTensors, takeValues } from '../helpers/leaks.js';
import { allPermutations } from './reference.js';

/** A random permutation of 0 … n−1 by Fisher–Yates from the generator's words. */
function shuffled(n: number, generator: RandomGenerator): number[] {
  const items = [...Array(n).keys()];
  const words = generator.nextUint32(n);
  for (let i = n - 1; i > 0; i--) {
    const j = words[i] % (i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Kendall's τ of two tie-free orderings from its definition: 1 − 4·(discordant pairs)/(n(n − 1)). */
function tauFromDiscordantPairs(a: number[], b: number[]): number {
  const n = a.length;
  let discordant = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) if ((a[i] - a[j]) * (b[i] - b[j]) < 0) discordant++;
  return 1 - (4 * discordant) / (n * (n - 1));
}

/**
 * τ_b from the tie-group form: (n_c − n_d)/√((n₀ − n₁)(n₀ − n₂)), n₀ = n(n−1)/2 and n₁ = Σ t(t−1)/2
 * over the groups of tied values in a (n₂ likewise in b), the textbook (Kendall 1945) statement.
 */
function tauB(a: number[], b: number[]): number {
  const n = a.length;
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const product = (a[i] - a[j]) * (b[i] - b[j]);
      if (product > 0) concordant++;
      if (product < 0) discordant++;
    }
  }
  const tiedPairs = (values: number[]) => {
    const groups = new Map<number, number>();
    for (const v of values) groups.set(v, (groups.get(v) ?? 0) + 1);
    return [...groups.values()].reduce((sum, t) => sum + (t * (t - 1)) / 2, 0);
  };
  const n0 = (n * (n - 1)) / 2;
  return (concordant - discordant) / Math.sqrt((n0 - tiedPairs(a)) * (n0 - tiedPairs(b)));
}

describe('permutation helpers', () => {
  it('applyPermutation equals multiplying by permutationMatrix, batched, with feature axes', () => {
    const generator = new RandomGenerator(3);
    const indices = [shuffled(6, generator), shuffled(6, generator)];
    const values = [...Array(2 * 6 * 2).keys()].map((v) => v * 1.5 - 4);
    const valueTensor = tf.tensor3d(values, [2, 6, 2]);
    const applied = takeValues(applyPermutation(valueTensor, indices));
    const multiplied = takeValues(tf.matMul(permutationMatrix(indices), valueTensor));
    expect(applied).toEqual(multiplied);
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < 6; i++) {
        expect(applied.slice((b * 6 + i) * 2, (b * 6 + i) * 2 + 2)).toEqual(
          values.slice((b * 6 + indices[b][i]) * 2, (b * 6 + indices[b][i]) * 2 + 2),
        );
      }
    }
    valueTensor.dispose();
  });

  it('invertPermutation undoes every permutation of 5 items; the example of applyPermutation', () => {
    const permutations = allPermutations(5);
    const inverse = takeValues(invertPermutation(permutations));
    const items = [10, 20, 30, 40, 50];
    permutations.forEach((permutation, p) => {
      const inv = inverse.slice(p * 5, p * 5 + 5);
      for (let i = 0; i < 5; i++) expect(inv[permutation[i]]).toBe(i);
      const there = takeValues(applyPermutation(items, permutation));
      expect(takeValues(applyPermutation(there, inv))).toEqual(items);
    });
    expect(takeValues(applyPermutation([10, 20, 30], [2, 0, 1]))).toEqual([30, 10, 20]);
  });

  it('applyPermutation passes gradients to the values (a permuted copy of dy)', () => {
    const values = tf.tensor1d([1, 2, 3]);
    const weights = tf.tensor1d([5, 7, 11]);
    const gradient = takeValues(
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(applyPermutation(x, [2, 0, 1]), weights)))(values),
    );
    expect(gradient).toEqual([7, 11, 5]);
    tf.dispose([values, weights]);
  });

  it('kendallTau of random permutations equals 1 − 4·discordant/(n(n−1)), batched (n = 2 … 30)', () => {
    const generator = new RandomGenerator(17);
    for (const n of [2, 3, 7, 30]) {
      const a = [...Array(8)].map(() => shuffled(n, generator));
      const b = [...Array(8)].map(() => shuffled(n, generator));
      const taus = takeValues(kendallTau(a, b));
      taus.forEach((tau, row) => {
        expect(tau).toBeCloseTo(tauFromDiscordantPairs(a[row], b[row]), 6);
      });
    }
    expect(takeValues(kendallTau([0, 1, 2, 3], [3, 2, 1, 0]))).toEqual([-1]);
    expect(takeValues(kendallTau([0, 1, 2, 3], [0, 2, 1, 3]))[0]).toBeCloseTo(2 / 3, 6);
  });

  it('kendallTau with ties is τ_b (textbook tie-group formula); floats and ints compare by order only', () => {
    const generator = new RandomGenerator(23);
    for (let trial = 0; trial < 20; trial++) {
      const a = Array.from(generator.nextUint32(12), (w) => w % 4);
      const b = Array.from(generator.nextUint32(12), (w) => w % 5);
      expect(takeValues(kendallTau(a, b))[0]).toBeCloseTo(tauB(a, b), 6);
    }
    expect(takeValues(kendallTau([0.1, 0.7, 0.3], tf.tensor1d([0, 2, 1], 'int32')))).toEqual([1]);
  });

  it('return only their results', () => {
    const indices = tf.tensor2d([[1, 0, 2]], [1, 3], 'int32');
    expectOnlyReturnedTensors(() => permutationMatrix(indices));
    expectOnlyReturnedTensors(() => invertPermutation(indices));
    expectOnlyReturnedTensors(() => applyPermutation([[4, 5, 6]], indices));
    expectOnlyReturnedTensors(() => kendallTau(indices, indices));
    expectOnlyReturnedTensors(() => permutationMatrix([[2, 1, 0]]));
    indices.dispose();
  });

  it('bad input: not a permutation, non-integers, shapes, n < 2 or all ties for τ, NaN', () => {
    const before = tf.memory().numTensors;
    expect(() => permutationMatrix([0, 0, 1])).toThrow(ArgumentError);
    expect(() => permutationMatrix([0, 0, 1])).toThrow(
      /indices must be permutations of 0 … 2 .* got 0 at flat index 1/,
    );
    expect(() => invertPermutation([0, 3, 1])).toThrow(/got 3 at flat index 1/);
    expect(() => invertPermutation([0, 1.5])).toThrow(/indices must hold integers/);
    const floats = tf.tensor1d([0, 1]);
    expect(() => invertPermutation(floats)).toThrow(/indices must be an int32 tensor/);
    floats.dispose();
    expect(() => applyPermutation([[1, 2, 3]], [0, 1, 2])).toThrow(
      /values must start with the shape of indices \[3\]/,
    );
    expect(() => kendallTau([0, 1, 2], [0, 1])).toThrow(/b must have the shape of a \[3\]/);
    expect(() => kendallTau([0], [0])).toThrow(/at least 2 items/);
    expect(() => kendallTau([1, 1, 1], [0, 1, 2])).toThrow(/a has a slice \(0\) whose values are all equal/);
    expect(() => kendallTau([0, Number.NaN], [0, 1])).toThrow(/a must be finite, got NaN at flat index 1/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
