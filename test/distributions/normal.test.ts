import { describe, expect, it } from 'vitest';
import { Normal, tf } from '../../src/index.js';
import { centralDifferences, expectArgumentError, expectClose, read, take } from './helpers.js';

const LOG_TWO_PI = Math.log(2 * Math.PI);

function normalLogDensity(x: number, mean: number, std: number): number {
  return -((x - mean) ** 2) / (2 * std * std) - Math.log(std) - 0.5 * LOG_TWO_PI;
}

describe('Normal', () => {
  it('logProb matches the Gaussian log-density, broadcasting value against the batch', () => {
    const normal = new Normal({ loc: [0.5, -1], scale: [[1], [3]] });
    expect(normal.batchShape).toEqual([2, 2]);
    const xs = [0.2, 4];
    const expected = [
      normalLogDensity(0.2, 0.5, 1),
      normalLogDensity(4, -1, 1),
      normalLogDensity(0.2, 0.5, 3),
      normalLogDensity(4, -1, 3),
    ];
    expectClose(take(normal.logProb(xs)), expected);
    normal.dispose();
  });

  it('entropy, mean, mode, variance and stddev match their closed forms with the batch shape', () => {
    const normal = new Normal({ loc: [1, 2, 3], scale: 2 });
    expectClose(take(normal.entropy()), new Array(3).fill(0.5 + 0.5 * LOG_TWO_PI + Math.log(2)));
    expectClose(take(normal.mean), [1, 2, 3]);
    expectClose(take(normal.mode), [1, 2, 3]);
    expectClose(take(normal.variance), [4, 4, 4]);
    expectClose(take(normal.stddev), [2, 2, 2]);
    normal.dispose();
  });

  it('samples have the right mean and variance', () => {
    // Moment check, n = 200,000 draws of N(1.5, 0.7²). Tolerances are 5 standard errors
    // (σ/√n for the mean, σ²√(2/n) for the variance), so a correct sampler fails with probability
    // below 1e−6, while a scale error of 1% in σ (2% in σ²) would already be caught.
    const n = 200_000;
    const normal = new Normal({ loc: 1.5, scale: 0.7 });
    const draws = take(normal.sample({ sampleShape: [n], seed: 11 }));
    const mean = draws.reduce((a, b) => a + b, 0) / n;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean - 1.5)).toBeLessThan((5 * 0.7) / Math.sqrt(n));
    expect(Math.abs(variance - 0.49)).toBeLessThan(5 * 0.49 * Math.sqrt(2 / n));
    normal.dispose();
  });

  it('prepends sampleShape, repeats with a seed and differs between seeds', () => {
    const normal = new Normal({ loc: [0, 0], scale: [1, 1] });
    const a = normal.rsample({ sampleShape: [3, 4], seed: 5 });
    expect(a.shape).toEqual([3, 4, 2]);
    expect(take(normal.rsample({ sampleShape: [3, 4], seed: 5 }))).toEqual(read(a));
    expect(take(normal.rsample({ sampleShape: [3, 4], seed: 6 }))).not.toEqual(read(a));
    a.dispose();
    normal.dispose();
  });

  it('rsample gradients w.r.t. loc and scale match central finite differences', () => {
    const locValues = [0.3, -0.2];
    const scaleValues = [0.8, 1.7];
    const weights = tf.tensor([[1, -2]]);
    const objective = (loc: tf.Tensor, scale: tf.Tensor): tf.Tensor => {
      const normal = new Normal({ loc, scale });
      return tf.sum(tf.mul(normal.rsample({ sampleShape: [3], seed: 9 }), weights));
    };
    const asNumber = (loc: number[], scale: number[]): number =>
      tf.tidy(() => objective(tf.tensor(loc), tf.tensor(scale)).dataSync()[0]);
    const loc = tf.tensor(locValues);
    const scale = tf.tensor(scaleValues);
    const [dLoc, dScale] = tf.grads(objective)([loc, scale]);
    expectClose(
      take(dLoc),
      centralDifferences((l) => asNumber(l, scaleValues), locValues),
      2e-3,
      2e-3,
    );
    expectClose(
      take(dScale),
      centralDifferences((s) => asNumber(locValues, s), scaleValues),
      2e-3,
      2e-3,
    );
    loc.dispose();
    scale.dispose();
    weights.dispose();
  });

  it('logProb gradients w.r.t. loc and scale match finite differences of the density', () => {
    const x = 1.3;
    const loc = tf.scalar(0.4);
    const scale = tf.scalar(0.9);
    const [dLoc, dScale] = tf.grads((l: tf.Tensor, s: tf.Tensor) =>
      new Normal({ loc: l, scale: s }).logProb(x),
    )([loc, scale]);
    const [expectedLoc, expectedScale] = centralDifferences(
      ([m, s]) => normalLogDensity(x, m, s),
      [0.4, 0.9],
      1e-5,
    );
    expectClose(take(dLoc), [expectedLoc], 1e-4, 1e-4);
    expectClose(take(dScale), [expectedScale], 1e-4, 1e-4);
    loc.dispose();
    scale.dispose();
  });

  it('sample carries no gradient', () => {
    const loc = tf.tensor([1, 2]);
    const gradient = tf.grad((l: tf.Tensor) => tf.sum(new Normal({ loc: l, scale: 1 }).sample({ seed: 1 })))(
      loc,
    );
    expect(take(gradient)).toEqual([0, 0]);
    loc.dispose();
  });

  it('rejects bad parameters and values with an ArgumentError naming them', () => {
    expectArgumentError(() => new Normal({ loc: Number.NaN, scale: 1 }), 'loc');
    expectArgumentError(() => new Normal({ loc: Number.POSITIVE_INFINITY, scale: 1 }), 'loc');
    expectArgumentError(() => new Normal({ loc: tf.tensor([1], undefined, 'int32'), scale: 1 }), 'loc');
    for (const scale of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectArgumentError(() => new Normal({ loc: 0, scale }), 'scale');
    }
    expectArgumentError(() => new Normal({ loc: [1, 2], scale: [1, 2, 3] }), 'scale');
    const normal = new Normal({ loc: 0, scale: 1 });
    expectArgumentError(() => normal.logProb(Number.NaN), 'value');
    expectArgumentError(() => normal.rsample({ sampleShape: [-1] }), 'sampleShape');
    normal.dispose();
  });
});
