import { describe, expect, it } from 'vitest';
import { Categorical, tf } from '../../src/index.js';
import {
  centralDifferences,
  chiSquare,
  expectArgumentError,
  expectClose,
  expectNoNaN,
  histogram,
  logSoftmax,
  take,
} from './helpers.js';

const NEG_INF = Number.NEGATIVE_INFINITY;

function entropyOf(logits: number[]): number {
  return -logSoftmax(logits).reduce((sum, l) => (l === NEG_INF ? sum : sum + Math.exp(l) * l), 0);
}

describe('Categorical', () => {
  it('logits are normalized log-probabilities and probs their exponentials', () => {
    const rows = [
      [1, 2, 3],
      [0, -1, 0.5],
    ];
    const categorical = new Categorical({ logits: rows });
    expect(categorical.batchShape).toEqual([2]);
    expect(categorical.categoryCount).toBe(3);
    expectClose(take(categorical.logits), rows.flatMap(logSoftmax));
    expectClose(
      take(categorical.probs),
      rows.flatMap((r) => logSoftmax(r).map(Math.exp)),
    );
    categorical.dispose();
  });

  it('logProb picks log p[index], broadcasting indices against the batch', () => {
    const rows = [
      [1, 2, 3],
      [0, -1, 0.5],
    ];
    const categorical = new Categorical({ logits: rows });
    const indices = tf.tensor(
      [
        [0, 2],
        [1, 1],
        [2, 0],
      ],
      undefined,
      'int32',
    );
    const normalized = rows.map(logSoftmax);
    const expected = [
      [0, 2],
      [1, 1],
      [2, 0],
    ].flatMap(([a, b]) => [normalized[0][a], normalized[1][b]]);
    expectClose(take(categorical.logProb(indices)), expected);
    expectClose(take(categorical.logProb([2, 0])), [normalized[0][2], normalized[1][0]]);
    indices.dispose();
    categorical.dispose();
  });

  it('entropy and mode match their closed forms', () => {
    const rows = [
      [1, 2, 3],
      [0.5, -1, 0],
    ];
    const categorical = new Categorical({ logits: rows });
    expectClose(take(categorical.entropy()), rows.map(entropyOf));
    const mode = categorical.mode;
    expect(mode.dtype).toBe('int32');
    expect(take(mode)).toEqual([2, 0]);
    categorical.dispose();
  });

  it('probs parameters are renormalized and give log p as logits', () => {
    const categorical = new Categorical({ probs: [0.2, 0.3, 0.5] });
    expectClose(take(categorical.logits), [0.2, 0.3, 0.5].map(Math.log));
    expectClose(take(categorical.entropy()), [
      -(0.2 * Math.log(0.2) + 0.3 * Math.log(0.3) + 0.5 * Math.log(0.5)),
    ]);
    categorical.dispose();
  });

  it('samples int32 indices with the categorical frequencies (chi-square)', () => {
    // Chi-square goodness of fit of n = 20,000 draws against p = (0.1, 0.2, 0.3, 0.4); 3 degrees of
    // freedom, critical value 21.11 at level 1e−4. Drawing from p' = (0.11, 0.2, 0.3, 0.39) instead
    // would give an expected statistic near 11 — caught at larger n; swapping categories fails surely.
    const probs = [0.1, 0.2, 0.3, 0.4];
    const categorical = new Categorical({ logits: probs.map(Math.log) });
    const draws = categorical.sample({ sampleShape: [20_000], seed: 42 });
    expect(draws.dtype).toBe('int32');
    expect(draws.shape).toEqual([20_000]);
    expect(chiSquare(histogram(take(draws), 4), probs)).toBeLessThan(21.11);
    categorical.dispose();
  });

  it('prepends sampleShape to the batch shape', () => {
    const categorical = new Categorical({ logits: tf.zeros([2, 5]) });
    const draws = categorical.sample({ sampleShape: [3, 4], seed: 1 });
    expect(draws.shape).toEqual([3, 4, 2]);
    draws.dispose();
    categorical.dispose();
  });

  it('never samples a masked category; masks give probability 0 and no NaN anywhere', () => {
    const logitsValues = [0, NEG_INF, 1, NEG_INF];
    const categorical = new Categorical({ logits: logitsValues });
    const counts = histogram(take(categorical.sample({ sampleShape: [5000], seed: 7 })), 4);
    expect(counts[1]).toBe(0);
    expect(counts[3]).toBe(0);
    expect(take(categorical.probs)[1]).toBe(0);
    expect(take(categorical.logProb(1))).toEqual([NEG_INF]);
    expectClose(take(categorical.entropy()), [entropyOf([0, 1])]);
    categorical.dispose();

    const logits = tf.tensor(logitsValues);
    const entropyGradient = take(tf.grad((l: tf.Tensor) => new Categorical({ logits: l }).entropy())(logits));
    expectNoNaN(entropyGradient);
    // d/dl of the entropy over the unmasked pair (0, 1), by central differences in the test.
    const pairGradient = centralDifferences(([a, b]) => entropyOf([a, b]), [0, 1], 1e-5);
    expectClose(entropyGradient, [pairGradient[0], 0, pairGradient[1], 0], 1e-4, 1e-4);
    const logProbGradient = take(
      tf.grad((l: tf.Tensor) => new Categorical({ logits: l }).logProb(2))(logits),
    );
    expectNoNaN(logProbGradient);
    logits.dispose();
  });

  it('zero probs act as masks, with finite entropy and gradients', () => {
    const probs = tf.tensor([0.25, 0, 0.75]);
    const categorical = new Categorical({ probs });
    expect(take(categorical.logits)[1]).toBe(NEG_INF);
    expect(histogram(take(categorical.sample({ sampleShape: [3000], seed: 2 })), 3)[1]).toBe(0);
    expectClose(take(categorical.entropy()), [-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))]);
    expectNoNaN(take(tf.grad((p: tf.Tensor) => new Categorical({ probs: p }).entropy())(probs)));
    categorical.dispose();
    probs.dispose();
  });

  it('logProb gradient w.r.t. logits matches central finite differences', () => {
    const values = [0.3, -1.2, 0.8];
    const logits = tf.tensor(values);
    const gradient = tf.grad((l: tf.Tensor) => new Categorical({ logits: l }).logProb(1))(logits);
    expectClose(
      take(gradient),
      centralDifferences((l) => logSoftmax(l)[1], values, 1e-5),
      1e-4,
      1e-4,
    );
    logits.dispose();
  });

  it('rejects bad parameters with an ArgumentError naming them', () => {
    expectArgumentError(() => new Categorical({} as never), 'logits');
    expectArgumentError(() => new Categorical({ logits: [1, 2], probs: [0.5, 0.5] } as never), 'logits');
    expectArgumentError(() => new Categorical({ logits: [0, Number.NaN] }), 'logits');
    expectArgumentError(() => new Categorical({ logits: [0, Number.POSITIVE_INFINITY] }), 'logits');
    expectArgumentError(() => new Categorical({ logits: [NEG_INF, NEG_INF] }), 'logits');
    expectArgumentError(() => new Categorical({ logits: 1 }), 'logits');
    expectArgumentError(() => new Categorical({ logits: tf.tensor([1, 2], undefined, 'int32') }), 'logits');
    expectArgumentError(() => new Categorical({ probs: [-0.1, 1.1] }), 'probs');
    expectArgumentError(() => new Categorical({ probs: [0.5, 0.6] }), 'probs');
    expectArgumentError(() => new Categorical({ probs: [Number.NaN, 1] }), 'probs');
  });

  it('rejects values outside {0, …, K − 1} with an ArgumentError naming value', () => {
    const categorical = new Categorical({ logits: [0, 0, 0] });
    expectArgumentError(() => categorical.logProb(3), 'value');
    expectArgumentError(() => categorical.logProb(-1), 'value');
    expectArgumentError(() => categorical.logProb(1.5), 'value');
    expectArgumentError(() => categorical.logProb(tf.tensor([1])), 'value');
    categorical.dispose();
    const unchecked = new Categorical({ logits: [0, 0, 0], validateArgs: false });
    expect(take(unchecked.logProb([3, -1]))).toEqual([NEG_INF, NEG_INF]);
    unchecked.dispose();
  });
});
