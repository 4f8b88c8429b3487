import { describe, expect, it } from 'vitest';
import { gumbelArray, gumbelMax, gumbelSoftmax, gumbelSoftmaxSample, tf } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';
import { expectOnlyReturnedTensors, takeValues } from '../helpers/leaks.js';
import { chiSquareTest, softmaxOf } from '../helpers/stats.js';

/** Largest component of each row of a [rows, K] tensor, averaged. */
function meanMaxComponent(samples: tf.Tensor): number {
  const values = takeValues(tf.max(samples, -1));
  samples.dispose();
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('gumbelSoftmax', () => {
  const logits = tf.tensor2d([
    [1, 2, 3, 0.5],
    [0, 0, 0, 0],
    [-2, 4, Number.NEGATIVE_INFINITY, 1],
  ]);

  it('equals softmax((logits + g)/τ) with the seeded noise, computed here in double precision', () => {
    const temperature = 0.7;
    const noise = gumbelArray(12, 3);
    const rows = logits.arraySync() as number[][];
    const expected = rows.flatMap((row, r) =>
      softmaxOf(row.map((l, c) => (l + noise[r * 4 + c]) / temperature)),
    );
    const actual = takeValues(gumbelSoftmax(logits, { temperature, seed: 3 }));
    expectAllClose(actual, expected, 6);
  });

  it('uses given noise instead of drawing it, and rejects noise of another shape', () => {
    const noise = tf.tensor2d(gumbelArray(12, 3), [3, 4]);
    const given = takeValues(gumbelSoftmax(logits, { temperature: 0.7, noise, seed: 99 }));
    const drawn = takeValues(gumbelSoftmax(logits, { temperature: 0.7, seed: 3 }));
    expect(given).toEqual(drawn);
    const wrong = tf.zeros([3, 3]);
    expect(() => gumbelSoftmax(logits, { noise: wrong })).toThrow(
      /noise must have the logits' shape \[3,4\]/,
    );
    tf.dispose([noise, wrong]);
  });

  it('sums to 1 along the chosen axis, for every axis of a 3-D tensor', () => {
    const scores = tf.randomNormal([3, 4, 5], 0, 2, 'float32', 1);
    for (const axis of [0, 1, 2, -1, -2]) {
      const sums = takeValues(
        tf.sum(gumbelSoftmax(scores, { axis, temperature: 0.3, seed: axis + 10 }), axis),
      );
      expectAllClose(sums, new Array(sums.length).fill(1), 5);
    }
    scores.dispose();
  });

  it('tends to one-hot as τ → 0 and to uniform as τ → ∞', () => {
    const many = tf.tile(tf.tensor2d([[1, 0.5, 0, -0.5, -1]]), [2000, 1]);
    const maxAt = (temperature: number) => meanMaxComponent(gumbelSoftmax(many, { temperature, seed: 8 }));
    const [cold, medium, hot, veryHot] = [0.001, 1, 100, 1e4].map(maxAt);
    expect(cold).toBeGreaterThan(0.999);
    expect(cold).toBeGreaterThan(medium);
    expect(medium).toBeGreaterThan(hot);
    expect(hot).toBeLessThan(0.24);
    expect(Math.abs(veryHot - 0.2)).toBeLessThan(1e-3);
    many.dispose();
  });

  // Chi-square: the argmax of the soft sample (= the hard sample's index) is Gumbel-max and hence
  // an exact draw from softmax(logits) at any temperature.
  it('hard samples follow softmax(logits) at high temperature too (chi-square)', () => {
    const probabilities = softmaxOf([1, -1, 0, 2]);
    const rows = tf.tile(tf.tensor2d([[1, -1, 0, 2]]), [100_000, 1]);
    const index = takeValues(tf.argMax(gumbelSoftmax(rows, { temperature: 5, hard: true, seed: 4 }), -1));
    rows.dispose();
    const counts = [0, 0, 0, 0];
    for (const i of index) counts[i]++;
    expect(chiSquareTest(counts, probabilities).pValue).toBeGreaterThan(0.001);
  });

  it('hard is exactly one-hot along the axis, at the argmax of the soft sample', () => {
    for (const axis of [0, 1]) {
      const { soft, hard, index } = gumbelSoftmaxSample(logits, { temperature: 2, axis, seed: 12 });
      const hardValues = hard.arraySync() as number[][];
      const softIndex = takeValues(tf.argMax(soft, axis));
      expect(takeValues(index)).toEqual(softIndex);
      const slices = axis === 1 ? hardValues : hardValues[0].map((_, c) => hardValues.map((row) => row[c]));
      slices.forEach((slice, s) => {
        expect(slice.filter((v) => v === 1)).toHaveLength(1);
        expect(slice.filter((v) => v === 0)).toHaveLength(slice.length - 1);
        expect(slice.indexOf(1)).toBe(softIndex[s]);
      });
      tf.dispose([soft, hard]);
    }
  });

  it('breaks ties to a single index (never multi-hot)', () => {
    // Equal logits at τ far below the noise gap would still tie only if noises tie; force a tie by
    // huge logits where +noise rounds away in float32.
    const tied = tf.tensor2d([[1e9, 1e9, 1e9]]);
    const hard = takeValues(gumbelSoftmax(tied, { hard: true, seed: 1 }));
    expect(hard.filter((v) => v === 1)).toHaveLength(1);
    tied.dispose();
  });

  it('index matches gumbelMax for the same seed (one noise draw)', () => {
    const rows = tf.randomNormal([500, 7], 0, 1, 'float32', 2);
    const { soft, hard, index } = gumbelSoftmaxSample(rows, { temperature: 0.5, seed: 77 });
    expect(takeValues(index)).toEqual(takeValues(gumbelMax(rows, { seed: 77 })));
    tf.dispose([soft, hard, rows]);
  });

  it('gives masked categories probability 0 in soft and hard samples', () => {
    const { soft, hard, index } = gumbelSoftmaxSample(tf.tile(logits, [300, 1]), { seed: 2 });
    const softValues = soft.arraySync() as number[][];
    const hardValues = hard.arraySync() as number[][];
    for (let r = 2; r < softValues.length; r += 3) {
      expect(softValues[r][2]).toBe(0);
      expect(hardValues[r][2]).toBe(0);
    }
    tf.dispose([soft, hard, index]);
  });

  it('accepts plain arrays and a broadcast tensor temperature', () => {
    const temperature = tf.tensor2d([[0.1], [10]]);
    const y = gumbelSoftmax(
      [
        [3, 0, 0],
        [3, 0, 0],
      ],
      { temperature, seed: 1 },
    );
    const [cold, hot] = y.arraySync() as number[][];
    expect(Math.max(...cold)).toBeGreaterThan(Math.max(...hot));
    tf.dispose([y, temperature]);
  });

  it('adds exactly the returned tensors', () => {
    expectOnlyReturnedTensors(() => gumbelSoftmax(logits, { seed: 1 }));
    expectOnlyReturnedTensors(() => gumbelSoftmax(logits, { seed: 1, hard: true }));
    expectOnlyReturnedTensors(() => {
      const { soft, hard, index } = gumbelSoftmaxSample(logits, { seed: 1 });
      return [soft, hard, index];
    });
  });
});
