import { describe, expect, it } from 'vitest';
import { ArgumentError, logSinkhorn, normalArray, sinkhorn, tf } from '../../src/index.js';
import { expectOnlyReturnedTensors, takeValues } from '../helpers/leaks.js';
import { referenceSinkhorn } from './reference.js';

const NEG = Number.NEGATIVE_INFINITY;

/** Row sums and column sums of each n×n matrix in `values` (row-major, matrices one after another). */
function marginals(values: ArrayLike<number>, n: number): { rows: number[]; columns: number[] } {
  const rows: number[] = [];
  const columns: number[] = [];
  for (let start = 0; start < values.length; start += n * n) {
    for (let i = 0; i < n; i++) {
      let row = 0;
      let column = 0;
      for (let j = 0; j < n; j++) {
        row += values[start + i * n + j];
        column += values[start + j * n + i];
      }
      rows.push(row);
      columns.push(column);
    }
  }
  return { rows, columns };
}

describe('sinkhorn', () => {
  it('rows and columns of random inputs sum to 1 within the tolerance asked for (seed 5, 16 matrices of 6×6)', () => {
    const n = 6;
    const scores = Array.from(normalArray(16 * n * n, 5), (v) => 2 * v);
    for (const tolerance of [1e-2, 1e-4]) {
      const values = takeValues(sinkhorn(tf.tensor3d(scores, [16, n, n]), { iterations: 500, tolerance }));
      const { rows, columns } = marginals(values, n);
      for (const sum of rows) expect(Math.abs(sum - 1)).toBeLessThan(tolerance);
      for (const sum of columns) expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
      expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
  });

  it('stops early at the tolerance: the result equals a run of fewer iterations, not of all 500', () => {
    const scores = tf.tensor2d(Array.from(normalArray(25, 8)), [5, 5]);
    const early = takeValues(sinkhorn(scores, { iterations: 500, tolerance: 1e-3 }));
    const full = takeValues(sinkhorn(scores, { iterations: 500 }));
    expect(early.some((v, i) => Math.abs(v - full[i]) > 1e-6)).toBe(true);
    const matchesSome = [...Array(499).keys()].some((k) => {
      const shorter = takeValues(sinkhorn(scores, { iterations: k + 1 }));
      return shorter.every((v, i) => v === early[i]);
    });
    expect(matchesSome).toBe(true);
    scores.dispose();
  });

  it('with a tolerance, the gradient is that of the iterations actually run', () => {
    const scores = tf.tensor2d(Array.from(normalArray(16, 14)), [4, 4]);
    const weights = tf.tensor2d(Array.from(normalArray(16, 15)), [4, 4]);
    const early = takeValues(sinkhorn(scores, { iterations: 500, tolerance: 1e-4 }));
    const ran = [...Array(500).keys()]
      .map((k) => k + 1)
      .find((k) => takeValues(sinkhorn(scores, { iterations: k })).every((v, i) => v === early[i]));
    expect(ran).toBeDefined();
    expect(ran).toBeLessThan(500);
    const gradientOf = (options: { iterations: number; tolerance?: number }) =>
      takeValues(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(sinkhorn(x, options), weights)))(scores));
    expect(gradientOf({ iterations: 500, tolerance: 1e-4 })).toEqual(
      gradientOf({ iterations: ran as number }),
    );
    tf.dispose([scores, weights]);
  });

  it('equals Sinkhorn–Knopp in probability space (float64, written in the test) for 1, 3 and 20 iterations', () => {
    const n = 4;
    const scores = Array.from(normalArray(3 * n * n, 11));
    for (const iterations of [1, 3, 20]) {
      const values = takeValues(sinkhorn(tf.tensor3d(scores, [3, n, n]), { iterations }));
      const expected = referenceSinkhorn(scores, n, iterations);
      values.forEach((v, i) => {
        expect(Math.abs(v - expected[i])).toBeLessThan(2e-6);
      });
    }
  });

  it('logSinkhorn is the log of sinkhorn; a 2-D input is one matrix', () => {
    const scores = [
      [0.5, -1, 2],
      [1, 0, 0],
      [-2, 3, 1],
    ];
    const logs = takeValues(logSinkhorn(scores, { iterations: 7 }));
    const values = takeValues(sinkhorn(scores, { iterations: 7 }));
    logs.forEach((v, i) => {
      expect(Math.exp(v)).toBeCloseTo(values[i], 6);
    });
    const expected = referenceSinkhorn(scores.flat(), 3, 7);
    values.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 6);
    });
  });

  it('−Infinity entries stay exactly 0, with no NaN in values or gradients, even at τ = 1e-3', () => {
    const scores = tf.tensor2d([
      [1, NEG, 0.5],
      [NEG, 2, 0],
      [0.3, 0.1, NEG],
    ]);
    const weights = tf.tensor2d([1, -2, 3, 0.5, 1, -1, 2, 2, -3], [3, 3]);
    const values = takeValues(sinkhorn(tf.div(scores, 1e-3), { iterations: 50 }));
    expect(values[1]).toBe(0);
    expect(values[3]).toBe(0);
    expect(values[8]).toBe(0);
    expect(values.every(Number.isFinite)).toBe(true);
    const gradient = takeValues(
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(sinkhorn(tf.div(x, 0.01), { iterations: 30 }), weights)))(
        scores,
      ),
    );
    expect(gradient.every(Number.isFinite)).toBe(true);
    expect([gradient[1], gradient[3], gradient[8]].map(Math.abs)).toEqual([0, 0, 0]);
    tf.dispose([scores, weights]);
  });

  it('gradients match central finite differences of the float64 reference (2 matrices 4×4, 6 iterations)', () => {
    const n = 4;
    const scores = Array.from(normalArray(2 * n * n, 3));
    const weights = Array.from(normalArray(2 * n * n, 4));
    const referenceLoss = (x: number[]) =>
      referenceSinkhorn(x, n, 6).reduce((sum, v, i) => sum + v * weights[i], 0);
    const step = 1e-5;
    const expected = scores.map((value, i) => {
      const plus = [...scores];
      const minus = [...scores];
      plus[i] = value + step;
      minus[i] = value - step;
      return (referenceLoss(plus) - referenceLoss(minus)) / (2 * step);
    });
    const weightTensor = tf.tensor3d(weights, [2, n, n]);
    const input = tf.tensor3d(scores, [2, n, n]);
    const gradient = takeValues(
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(sinkhorn(x, { iterations: 6 }), weightTensor)))(input),
    );
    const scale = Math.max(...expected.map(Math.abs));
    gradient.forEach((g, i) => {
      expect(Math.abs(g - expected[i])).toBeLessThan(1e-4 * Math.max(1, scale));
    });
    tf.dispose([weightTensor, input]);
  });

  it('returns only its result (no leaked tensors), with and without tolerance', () => {
    const scores = tf.tensor3d(Array.from(normalArray(2 * 9, 1)), [2, 3, 3]);
    expectOnlyReturnedTensors(() => sinkhorn(scores, { iterations: 5 }));
    expectOnlyReturnedTensors(() => logSinkhorn(scores, { iterations: 50, tolerance: 1e-3 }));
    expectOnlyReturnedTensors(() => tf.grad((x: tf.Tensor) => tf.sum(tf.square(sinkhorn(x))))(scores));
    scores.dispose();
  });

  it('bad input: non-square, rank 1, NaN, +Infinity, a fully −Infinity row or column, iterations, tolerance', () => {
    const before = tf.memory().numTensors;
    expect(() => sinkhorn([[1, 2, 3]])).toThrow(
      /logScores must hold square n×n matrices .* got shape \[1,3\]/,
    );
    expect(() => sinkhorn([1, 2])).toThrow(/logScores must have rank >= 2/);
    expect(() =>
      sinkhorn([
        [1, Number.NaN],
        [0, 0],
      ]),
    ).toThrow(/got NaN at flat index 1/);
    expect(() =>
      sinkhorn([
        [1, 0],
        [Number.POSITIVE_INFINITY, 0],
      ]),
    ).toThrow(/got Infinity at flat index 2/);
    expect(() =>
      sinkhorn([
        [NEG, NEG],
        [0, 0],
      ]),
    ).toThrow(/row where every entry is −Infinity \(matrix 0, row 0\)/);
    expect(() =>
      sinkhorn([
        [NEG, 0],
        [NEG, 0],
      ]),
    ).toThrow(/column where every entry is −Infinity \(matrix 0, column 0\)/);
    for (const iterations of [0, -1, 1.5, Number.NaN]) {
      expect(() => sinkhorn([[1]], { iterations })).toThrow(ArgumentError);
      expect(() => sinkhorn([[1]], { iterations })).toThrow(/iterations must be an integer >= 1/);
    }
    for (const tolerance of [0, -1e-3, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sinkhorn([[1]], { tolerance })).toThrow(/tolerance must be a finite number > 0/);
    }
    const ints = tf.tensor2d(
      [
        [1, 2],
        [3, 4],
      ],
      [2, 2],
      'int32',
    );
    expect(() => sinkhorn(ints)).toThrow(/logScores must be a float32 tensor/);
    ints.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
