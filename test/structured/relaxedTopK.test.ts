import { describe, expect, it } from 'vitest';
import { gumbelArray, KSubset, relaxedTopK, relaxedTopKSample, tf } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';
import { expectOnlyReturnedTensors, takeValues } from '../helpers/leaks.js';
import { chiSquareTest, softmaxOf } from '../helpers/stats.js';

/** Xie & Ermon's relaxed k-hot of one row, written here in double precision. */
function relaxedKHotReference(perturbed: number[], k: number, temperature: number): number[] {
  const weights = [...perturbed];
  const total = weights.map(() => 0);
  for (let step = 0; step < k; step++) {
    const p = softmaxOf(weights.map((w) => w / temperature));
    p.forEach((value, i) => {
      total[i] += value;
      weights[i] += Math.log1p(-value);
    });
  }
  return total;
}

/** All k-subsets of {0, …, n − 1} in lexicographic order. */
function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...subsets(n - 1, k), ...subsets(n - 1, k - 1).map((s) => [...s, n - 1])];
}

/** P(the Gumbel top-k is the set S) = Σ over the orders of S of Π p_{s_j}/(1 − Σ_{l<j} p_{s_l}). */
function withoutReplacementProbability(probabilities: number[], set: number[]): number {
  const orders = (rest: number[]): number[][] =>
    rest.length === 0
      ? [[]]
      : rest.flatMap((x, i) => orders(rest.filter((_, j) => j !== i)).map((o) => [x, ...o]));
  let total = 0;
  for (const order of orders(set)) {
    let probability = 1;
    let taken = 0;
    for (const item of order) {
      probability *= probabilities[item] / (1 - taken);
      taken += probabilities[item];
    }
    total += probability;
  }
  return total;
}

describe('relaxedTopK', () => {
  const logits = tf.tensor2d([
    [1, 2, 3, 0.5, -1],
    [0, 0, 0, 0, 0],
    [-2, 4, Number.NEGATIVE_INFINITY, 1, 0.3],
  ]);

  it('equals k successive softmaxes of the seeded perturbed logits, computed here in double precision', () => {
    const noise = gumbelArray(15, 4);
    const rows = logits.arraySync() as number[][];
    for (const [k, temperature] of [
      [1, 0.7],
      [2, 0.5],
      [3, 2],
    ]) {
      const expected = rows.flatMap((row, r) =>
        relaxedKHotReference(
          row.map((l, c) => l + noise[r * 5 + c]),
          k,
          temperature,
        ),
      );
      expectAllClose(takeValues(relaxedTopK(logits, k, { temperature, seed: 4 })), expected, 5);
    }
  });

  it('sums to k along every axis of a 3-D tensor, entries ≥ 0', () => {
    const scores = tf.randomNormal([4, 5, 6], 0, 3, 'float32', 1);
    for (const axis of [0, 1, 2, -1]) {
      const size = scores.shape[axis < 0 ? axis + 3 : axis];
      const k = size - 2;
      const soft = relaxedTopK(scores, k, { axis, temperature: 0.3, seed: axis + 10 });
      const values = Array.from(soft.dataSync());
      expect(values.every((v) => v >= 0)).toBe(true);
      const sums = takeValues(tf.sum(soft, axis));
      expectAllClose(sums, new Array(sums.length).fill(k), 4);
      soft.dispose();
    }
    scores.dispose();
  });

  it("can exceed 1 per entry at moderate τ, as Xie & Ermon's relaxation does (n = 2, k = 2, τ = 1)", () => {
    // Step 1 gives (p, 1 − p); the second softmax ∝ (e^{α₁}(1 − p), e^{α₂}p) is (½, ½) exactly, so the
    // entries are p + ½ and 3/2 − p: the larger exceeds 1. Each entry tends to {0, 1} only as τ → 0.
    const noise = gumbelArray(2, 6);
    const p = softmaxOf([2 + noise[0], noise[1]])[0];
    expectAllClose(takeValues(relaxedTopK([2, 0], 2, { temperature: 1, seed: 6 })), [p + 0.5, 1.5 - p], 5);
  });

  it('hard: the exact k-hot of the Gumbel top-k of the same perturbed logits', () => {
    const noise = gumbelArray(15, 9);
    const rows = logits.arraySync() as number[][];
    const { soft, hard, indices } = relaxedTopKSample(logits, 2, { temperature: 0.5, seed: 9 });
    const hardValues = takeValues(hard);
    const indexRows = indices.arraySync() as number[][];
    rows.forEach((row, r) => {
      const perturbed = row.map((l, c) => l + noise[r * 5 + c]);
      const order = [...perturbed.keys()].sort((a, b) => perturbed[b] - perturbed[a]);
      expect(indexRows[r]).toEqual(order.slice(0, 2));
      const kHot = row.map((_, c) => (order.slice(0, 2).includes(c) ? 1 : 0));
      expect(hardValues.slice(r * 5, r * 5 + 5)).toEqual(kHot);
    });
    tf.dispose([soft, indices]);
  });

  it('hard along any axis: an exact k-hot of the indices, from the same draw as soft', () => {
    const scores = tf.randomNormal([4, 5, 6], 0, 1, 'float32', 3);
    for (const axis of [0, 1]) {
      const size = scores.shape[axis];
      const { soft, hard, indices } = relaxedTopKSample(scores, 2, { axis, temperature: 0.001, seed: 4 });
      expect(indices.shape[axis]).toBe(2);
      expect(indices.dtype).toBe('int32');
      const sums = takeValues(tf.sum(hard, axis));
      expect(sums.every((v) => v === 2)).toBe(true);
      expect(takeValues(tf.sum(tf.mul(hard, tf.sub(1, hard)))).every((v) => v === 0)).toBe(true); // 0s and 1s
      // At τ = 0.001 the soft sample sits on the same k-hot on average. Not in every slice: where the
      // top two perturbed logits are within ~τ, step 1 splits between them, log(1 − p) (not scaled
      // by τ) pushes both below the third, and step 2 takes the third, which hard does not.
      expect(takeValues(tf.mean(tf.abs(tf.sub(soft, hard))))[0]).toBeLessThan(0.01);
      expect(size).toBeGreaterThan(2);
      tf.dispose([soft, hard, indices]);
    }
    const wrongNoise = tf.zeros([3, 4]);
    expect(() => relaxedTopK(logits, 2, { noise: wrongNoise })).toThrow(
      /noise must have the logits' shape \[3,5\]/,
    );
    tf.dispose([scores, wrongNoise]);
  });

  it('hard backward is exactly the soft gradient (straight-through)', () => {
    const weights = tf.tensor1d([0.3, -1, 2, 0.7, -0.2]);
    const gradientOf = (hard: boolean) =>
      takeValues(
        tf.grad((x: tf.Tensor) =>
          tf.sum(tf.mul(relaxedTopK(x, 3, { temperature: 0.8, seed: 5, hard }), weights)),
        )(logits),
      );
    expect(gradientOf(true)).toEqual(gradientOf(false));
    weights.dispose();
  });

  it('approaches the hard k-hot as τ → 0', () => {
    const many = tf.tile(tf.tensor2d([[1, 0.5, 0, -0.5, -1, 2]]), [500, 1]);
    const distance = (temperature: number) => {
      const { soft, hard, indices } = relaxedTopKSample(many, 3, { temperature, seed: 8 });
      const gap = takeValues(tf.mean(tf.abs(tf.sub(soft, hard))));
      tf.dispose([soft, hard, indices]);
      return gap[0];
    };
    const [warm, cool, cold] = [1, 0.1, 0.001].map(distance);
    expect(cool).toBeLessThan(warm);
    expect(cold).toBeLessThan(cool);
    expect(cold).toBeLessThan(0.01);
    many.dispose();
  });

  it('its hard indices, as a set, follow the without-replacement law, not the KSubset law', () => {
    // n = 5, k = 2: 10 cells, 20,000 draws, seed fixed. Under the right law the p-value is uniform
    // (a false alarm 1 time in 1000 at this threshold); the KSubset law differs by up to 0.03 per
    // cell here, which 20,000 draws detect with p ≪ 1e-6.
    const row = [1.5, 0.5, 0, -0.5, -1.2];
    const draws = 20_000;
    const { soft, hard, indices } = relaxedTopKSample(tf.tile(tf.tensor2d([row]), [draws, 1]), 2, {
      temperature: 0.5,
      seed: 21,
    });
    const sets = subsets(5, 2);
    const counts = new Array(sets.length).fill(0);
    const chosen = indices.arraySync() as number[][];
    for (const pair of chosen) {
      const key = [...pair].sort((a, b) => a - b).join();
      counts[sets.findIndex((s) => s.join() === key)]++;
    }
    const p = softmaxOf(row);
    const withoutReplacement = sets.map((s) => withoutReplacementProbability(p, s));
    const weights = sets.map((s) => Math.exp(s.reduce((sum, i) => sum + row[i], 0)));
    const total = weights.reduce((a, b) => a + b, 0);
    const kSubsetLaw = weights.map((w) => w / total);
    expect(withoutReplacement.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(chiSquareTest(counts, withoutReplacement).pValue).toBeGreaterThan(1e-3);
    expect(chiSquareTest(counts, kSubsetLaw).pValue).toBeLessThan(1e-6);
    tf.dispose([soft, hard, indices]);
    // The library's KSubset agrees that its law is the other one.
    const law = new KSubset({ logits: row, k: 2 });
    const logProbabilities = takeValues(
      law.logProb(tf.tensor2d(sets.map((s) => row.map((_, i) => (s.includes(i) ? 1 : 0))))),
    );
    expectAllClose(logProbabilities.map(Math.exp), kSubsetLaw, 5);
    law.dispose();
  });

  it('has the gradient of a central difference of the double-precision formula', () => {
    const row = [0.4, -0.3, 1.1, 0.2, -0.8, 0.6];
    const noise = tf.tensor1d(gumbelArray(6, 13));
    const noiseValues = Array.from(noise.dataSync());
    const weights = [0.5, -1.5, 0.25, 2, -0.75, 1];
    for (const [k, temperature] of [
      [2, 0.7],
      [4, 1.5],
    ]) {
      const objective = (theta: number[]) =>
        relaxedKHotReference(
          theta.map((t, i) => t + noiseValues[i]),
          k,
          temperature,
        ).reduce((sum, y, i) => sum + y * weights[i], 0);
      const gradient = takeValues(
        tf.grad((x: tf.Tensor) =>
          tf.sum(tf.mul(relaxedTopK(x, k, { temperature, noise }), tf.tensor1d(weights))),
        )(tf.tensor1d(row)),
      );
      const step = 1e-5;
      const expected = row.map((_, j) => {
        const up = row.map((t, i) => (i === j ? t + step : t));
        const down = row.map((t, i) => (i === j ? t - step : t));
        return (objective(up) - objective(down)) / (2 * step);
      });
      expectAllClose(gradient, expected, 3);
    }
    noise.dispose();
  });

  it('never takes a masked item and stays finite (values and gradients) at extreme logits and τ', () => {
    const masked = tf.tensor2d([
      [50, -50, Number.NEGATIVE_INFINITY, 49.9, 0, Number.NEGATIVE_INFINITY],
      [-50, 50, 50, Number.NEGATIVE_INFINITY, -49, 10],
    ]);
    for (const temperature of [1e-3, 0.1, 10]) {
      const { soft, hard, indices } = relaxedTopKSample(masked, 3, { temperature, seed: 2 });
      const softValues = takeValues(soft);
      const hardValues = takeValues(hard);
      for (const flat of [2, 5, 9]) {
        expect(softValues[flat]).toBe(0);
        expect(hardValues[flat]).toBe(0);
      }
      expect(softValues.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      expectAllClose(
        [softValues.slice(0, 6), softValues.slice(6)].map((r) => r.reduce((a, b) => a + b, 0)),
        [3, 3],
        4,
      );
      const [first, second] = indices.arraySync() as number[][];
      indices.dispose();
      expect(first.some((i) => i === 2 || i === 5)).toBe(false);
      expect(second.includes(3)).toBe(false);
      const gradient = takeValues(
        tf.grad((x: tf.Tensor) =>
          tf.sum(
            tf.mul(
              relaxedTopK(x, 3, { temperature, seed: 2, hard: true }),
              tf.reshape(tf.range(0, 12), [2, 6]),
            ),
          ),
        )(masked),
      );
      expect(gradient.every(Number.isFinite)).toBe(true);
      for (const flat of [2, 5, 9]) expect(gradient[flat]).toBe(0);
    }
    masked.dispose();
  });

  it('rejects a bad k or temperature with an ArgumentError naming it and the range', () => {
    const masked = tf.tensor1d([0, 1, Number.NEGATIVE_INFINITY, 2]);
    expect(() => relaxedTopK([0, 1, 2, 3, 4], 6)).toThrow(
      /k must be an integer in \[1, 5 \(the number of categories\)\], got 6/,
    );
    expect(() => relaxedTopK(masked, 4)).toThrow(/k must be an integer in \[1, 3 \(the fewest unmasked/);
    expect(() => relaxedTopK(logits, 0)).toThrow(/k must be an integer/);
    expect(() => relaxedTopK(logits, 2.5)).toThrow(/k must be an integer/);
    for (const temperature of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => relaxedTopK(logits, 2, { temperature })).toThrow(
        /temperature must be a finite number > 0/,
      );
    }
    expect(() => relaxedTopK(tf.tensor1d([0, Number.NaN]), 1)).toThrow(/logits must not contain NaN/);
    masked.dispose();
  });

  it('leaks no tensor, in the sample and under tf.grad', () => {
    expectOnlyReturnedTensors(() => {
      const { soft, hard, indices } = relaxedTopKSample(logits, 2, { seed: 1 });
      return [soft, hard, indices];
    });
    expectOnlyReturnedTensors(() =>
      tf.grad((x: tf.Tensor) => tf.sum(relaxedTopK(x, 3, { seed: 1, hard: true })))(logits),
    );
    expectOnlyReturnedTensors(() => relaxedTopK([[1, 2, 3]], 2, { seed: 1, axis: 1 }));
  });
});
