import { describe, expect, it } from 'vitest';
import { ArgumentError, hungarian, matching, normalArray, RandomGenerator, tf } from '../../src/index.js';
import { expectOnlyReturnedTensors, takeValues } from '../helpers/leaks.js';
import { bruteForceMatching } from './reference.js';

const NEG = Number.NEGATIVE_INFINITY;

function bruteForceBest(scores: ArrayLike<number>, n: number): number {
  return bruteForceMatching(scores, n).best;
}

function totalOf(scores: ArrayLike<number>, n: number, assignment: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += scores[i * n + assignment[i]];
  return total;
}

function expectPermutation(assignment: ArrayLike<number>, n: number): void {
  expect(Array.from(assignment).sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
}

describe('matching (Hungarian algorithm)', () => {
  it('finds the best permutation of random float32 matrices, n = 1 … 7, as brute force does (20 each)', () => {
    for (let n = 1; n <= 7; n++) {
      const scores = Float32Array.from(normalArray(20 * n * n, 100 + n));
      const assignments = takeValues(matching(tf.tensor3d(scores, [20, n, n])));
      for (let m = 0; m < 20; m++) {
        const block = scores.subarray(m * n * n, (m + 1) * n * n);
        const assignment = assignments.slice(m * n, (m + 1) * n);
        expectPermutation(assignment, n);
        expect(Math.abs(totalOf(block, n, assignment) - bruteForceBest(block, n))).toBeLessThan(1e-9);
      }
    }
  });

  it('with many ties (integer scores in 0 … 2), returns one of the best permutations', () => {
    const generator = new RandomGenerator(7);
    for (let n = 2; n <= 7; n++) {
      for (let trial = 0; trial < 30; trial++) {
        const scores = Array.from(generator.nextUint32(n * n), (word) => word % 3);
        const assignment = hungarian(scores, n);
        expectPermutation(assignment, n);
        expect(totalOf(scores, n, assignment)).toBe(bruteForceBest(scores, n));
      }
    }
    expect(Array.from(hungarian(new Array(16).fill(0), 4)).sort()).toEqual([0, 1, 2, 3]);
  });

  it('never uses a −Infinity entry, and is still optimal among the allowed permutations (n ≤ 7)', () => {
    const generator = new RandomGenerator(9);
    let tested = 0;
    for (let n = 2; n <= 7; n++) {
      for (let trial = 0; trial < 40; trial++) {
        const words = generator.nextUint32(n * n);
        const noise = normalArray(n * n, generator);
        // About a third of the entries are forbidden; keep the matrices that still admit a permutation.
        const scores = Array.from(noise, (v, i) => (words[i] % 3 === 0 ? NEG : v));
        const best = bruteForceBest(scores, n);
        if (best === NEG) {
          expect(() => hungarian(scores, n)).toThrow(/admits no permutation with finite scores only/);
          continue;
        }
        const assignment = hungarian(scores, n);
        expectPermutation(assignment, n);
        for (let i = 0; i < n; i++) expect(scores[i * n + assignment[i]]).not.toBe(NEG);
        expect(Math.abs(totalOf(scores, n, assignment) - best)).toBeLessThan(1e-9);
        tested++;
      }
    }
    expect(tested).toBeGreaterThan(60);
  });

  it('takes the only allowed permutation, however bad its scores', () => {
    const scores = [
      [NEG, -1000, NEG],
      [NEG, NEG, -500],
      [3, 1e6, 7],
    ];
    expect(takeValues(matching(scores))).toEqual([1, 2, 0]);
  });

  it('keeps the leading axes: [2, 3, n, n] scores give [2, 3, n] int32 indices', () => {
    const result = matching(tf.tensor4d(Array.from(normalArray(6 * 16, 1)), [2, 3, 4, 4]));
    expect(result.shape).toEqual([2, 3, 4]);
    expect(result.dtype).toBe('int32');
    result.dispose();
  });

  it('the example: [[1, 5], [2, 3]] → [1, 0]', () => {
    expect(
      takeValues(
        matching([
          [1, 5],
          [2, 3],
        ]),
      ),
    ).toEqual([1, 0]);
  });

  it('errors clearly when the −Infinity entries forbid every permutation, or the input is bad', () => {
    const before = tf.memory().numTensors;
    // Rows 0 and 1 can both only use column 0: every row and column has a finite entry, yet no permutation exists.
    const blocked = [
      [0, NEG, NEG],
      [1, NEG, NEG],
      [2, 3, 4],
    ];
    expect(() => matching(blocked)).toThrow(ArgumentError);
    expect(() => matching(blocked)).toThrow(/logScores admits no permutation with finite scores only/);
    expect(() => matching([[1, 2]])).toThrow(/must hold square n×n matrices/);
    expect(() => matching([[Number.NaN]])).toThrow(/got NaN at flat index 0/);
    expect(() =>
      matching([
        [NEG, NEG],
        [0, 0],
      ]),
    ).toThrow(/row where every entry is −Infinity/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returns only its result', () => {
    const scores = tf.tensor3d(Array.from(normalArray(18, 2)), [2, 3, 3]);
    expectOnlyReturnedTensors(() => matching(scores));
    scores.dispose();
  });
});
