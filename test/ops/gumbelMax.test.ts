import { describe, expect, it } from 'vitest';
import { gumbelMax, gumbelTopK, RandomGenerator, tf } from '../../src/index.js';
import { expectOnlyReturnedTensors, takeValues } from '../helpers/leaks.js';
import { chiSquareTest, softmaxOf } from '../helpers/stats.js';

const DRAWS = 200_000;

/** Counts how often each category is drawn when `draws` rows of the same logits are sampled. */
function countDraws(logits: number[], draws: number, seed: number): number[] {
  const rows = tf.tile(tf.tensor2d([logits]), [draws, 1]);
  const indices = takeValues(gumbelMax(rows, { seed }));
  rows.dispose();
  const counts = new Array<number>(logits.length).fill(0);
  for (const index of indices) counts[index]++;
  return counts;
}

describe('gumbelMax', () => {
  // Chi-square goodness of fit of 2·10^5 Gumbel-max draws against softmax(logits), several logit
  // vectors incl. masked ones; a correct sampler fails p > 0.001 with probability 0.001 per case.
  const cases: [string, number[]][] = [
    ['uniform', [0, 0, 0, 0]],
    ['skewed', [2, -1, 0.5, 3, -4]],
    ['large offsets', [1000, 1001, 999]],
    ['masked', [1, Number.NEGATIVE_INFINITY, 0, Number.NEGATIVE_INFINITY, -0.5]],
    ['rare category', [0, 0, -6]],
  ];
  for (const [name, logits] of cases) {
    it(`matches softmax(logits) by chi-square: ${name}`, () => {
      const counts = countDraws(logits, DRAWS, 17);
      const result = chiSquareTest(counts, softmaxOf(logits));
      expect(result.pValue).toBeGreaterThan(0.001);
      logits.forEach((l, i) => {
        if (l === Number.NEGATIVE_INFINITY) expect(counts[i]).toBe(0);
      });
    });
  }

  // Power check: the same test must reject a sampler that is slightly off (logits scaled by 1.1).
  it('the chi-square test rejects a slightly wrong distribution', () => {
    const logits = [2, -1, 0.5, 3, -4];
    const counts = countDraws(logits, DRAWS, 17);
    expect(chiSquareTest(counts, softmaxOf(logits.map((l) => l * 1.1))).pValue).toBeLessThan(1e-6);
  });

  it('samples along any axis, returning the shape without that axis', () => {
    const logits = tf.tensor3d([
      [
        [0, 50],
        [50, 0],
        [0, 0],
      ],
    ]); // shape [1, 3, 2]
    const alongMiddle = gumbelMax(logits, { axis: 1, seed: 1 });
    expect(alongMiddle.shape).toEqual([1, 2]);
    expect(alongMiddle.dtype).toBe('int32');
    expect(takeValues(alongMiddle)).toEqual([1, 0]);
    expect(takeValues(gumbelMax(logits, { axis: -1, seed: 1 })).slice(0, 2)).toEqual([1, 0]);
    logits.dispose();
  });

  it('is reproducible with a seed and differs without one', () => {
    const logits = tf.zeros([1000, 10]);
    expect(takeValues(gumbelMax(logits, { seed: 5 }))).toEqual(takeValues(gumbelMax(logits, { seed: 5 })));
    expect(takeValues(gumbelMax(logits))).not.toEqual(takeValues(gumbelMax(logits)));
    const generator = new RandomGenerator(5);
    expect(takeValues(gumbelMax(logits, { seed: generator }))).not.toEqual(
      takeValues(gumbelMax(logits, { seed: generator })),
    );
    logits.dispose();
  });

  it('adds exactly the returned tensor', () => {
    expectOnlyReturnedTensors(() => gumbelMax([[1, 2, 3]], { seed: 1 }));
  });
});

describe('gumbelTopK', () => {
  const logits = [1.5, 0, -1, 0.5];
  const probabilities = softmaxOf(logits);

  function draw(k: number, seed: number): number[][] {
    const rows = tf.tile(tf.tensor2d([logits]), [DRAWS, 1]);
    const result = gumbelTopK(rows, k, { seed });
    rows.dispose();
    expect(result.shape).toEqual([DRAWS, k]);
    const flat = takeValues(result);
    return Array.from({ length: DRAWS }, (_, r) => flat.slice(r * k, r * k + k));
  }

  // Chi-square of the first pick against softmax(logits).
  it('first pick follows softmax(logits) (chi-square)', () => {
    const counts = new Array<number>(logits.length).fill(0);
    for (const [first] of draw(2, 23)) counts[first]++;
    expect(chiSquareTest(counts, probabilities).pValue).toBeGreaterThan(0.001);
  });

  // Chi-square of the ordered pair (i, j) against sampling without replacement: p_i · p_j / (1 − p_i).
  it('ordered pairs follow sampling without replacement (chi-square over 12 cells)', () => {
    const K = logits.length;
    const counts = new Array<number>(K * K).fill(0);
    const expected = new Array<number>(K * K).fill(0);
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        if (i !== j) expected[i * K + j] = (probabilities[i] * probabilities[j]) / (1 - probabilities[i]);
      }
    }
    for (const [first, second] of draw(2, 29)) counts[first * K + second]++;
    expect(chiSquareTest(counts, expected).pValue).toBeGreaterThan(0.001);
  });

  it('returns distinct indices, never masked ones, along any axis', () => {
    const masked = tf.tensor2d([
      [0, Number.NEGATIVE_INFINITY],
      [1, 2],
      [2, 1],
      [Number.NEGATIVE_INFINITY, 0],
    ]); // categories along axis 0
    const picks = gumbelTopK(masked, 3, { axis: 0, seed: 3 });
    expect(picks.shape).toEqual([3, 2]);
    const values = takeValues(picks);
    const column0 = [values[0], values[2], values[4]];
    const column1 = [values[1], values[3], values[5]];
    expect(new Set(column0).size).toBe(3);
    expect(column0).not.toContain(3);
    expect(column1).not.toContain(0);
    masked.dispose();
  });

  it('rejects k outside [1, unmasked categories]', () => {
    expect(() => gumbelTopK([1, 2, 3], 4)).toThrow(
      /k must be an integer in \[1, 3 \(the number of categories\)\], got 4/,
    );
    expect(() => gumbelTopK([1, 2, 3], 0)).toThrow(/k must be an integer in \[1, 3/);
    expect(() => gumbelTopK([1, 2, 3], 1.5)).toThrow(/k must be an integer/);
    expect(() => gumbelTopK([1, Number.NEGATIVE_INFINITY, 3], 3)).toThrow(
      /k must be an integer in \[1, 2 \(the fewest unmasked categories in a slice\)\], got 3/,
    );
  });

  it('adds exactly the returned tensor', () => {
    expectOnlyReturnedTensors(() => gumbelTopK([[1, 2, 3]], 2, { seed: 1 }));
  });
});
