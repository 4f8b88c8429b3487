import { describe, expect, it } from 'vitest';
import { Gumbel, tf } from '../../src/index.js';
import { centralDifferences, expectArgumentError, expectClose, take } from './helpers.js';

const EULER = 0.5772156649015329;

function gumbelLogDensity(x: number, loc: number, scale: number): number {
  const z = (x - loc) / scale;
  return -z - Math.exp(-z) - Math.log(scale);
}

describe('Gumbel', () => {
  it('logProb matches the Gumbel log-density', () => {
    const gumbel = new Gumbel({ loc: [0, 1], scale: [[0.5], [2]] });
    const xs = [-1, 3];
    const expected = [
      gumbelLogDensity(-1, 0, 0.5),
      gumbelLogDensity(3, 1, 0.5),
      gumbelLogDensity(-1, 0, 2),
      gumbelLogDensity(3, 1, 2),
    ];
    expectClose(take(gumbel.logProb(xs)), expected);
    gumbel.dispose();
  });

  it('entropy, mean, mode, variance and stddev match their closed forms', () => {
    const gumbel = new Gumbel({ loc: [0, 1], scale: 2 });
    expectClose(take(gumbel.entropy()), [Math.log(2) + 1 + EULER, Math.log(2) + 1 + EULER]);
    expectClose(take(gumbel.mean), [2 * EULER, 1 + 2 * EULER]);
    expectClose(take(gumbel.mode), [0, 1]);
    expectClose(take(gumbel.variance), [(Math.PI ** 2 * 4) / 6, (Math.PI ** 2 * 4) / 6]);
    expectClose(take(gumbel.stddev), [(Math.PI * 2) / Math.sqrt(6), (Math.PI * 2) / Math.sqrt(6)]);
    gumbel.dispose();
  });

  it('samples have the Gumbel mean and variance', () => {
    // Moment check with n = 200,000 draws of Gumbel(−0.5, 1.5): mean μ + βγ, variance π²β²/6.
    // Tolerances are 5 standard errors; the variance of the sample variance uses the Gumbel excess
    // kurtosis 12/5: Var(s²) ≈ σ⁴(2 + 2.4)/n. A correct sampler fails with probability below 1e−6.
    const n = 200_000;
    const gumbel = new Gumbel({ loc: -0.5, scale: 1.5 });
    const draws = take(gumbel.sample({ sampleShape: [n], seed: 21 }));
    const mean = draws.reduce((a, b) => a + b, 0) / n;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    const sigma2 = (Math.PI ** 2 * 2.25) / 6;
    expect(Math.abs(mean - (-0.5 + 1.5 * EULER))).toBeLessThan((5 * Math.sqrt(sigma2)) / Math.sqrt(n));
    expect(Math.abs(variance - sigma2)).toBeLessThan(5 * sigma2 * Math.sqrt(4.4 / n));
    gumbel.dispose();
  });

  it('samples follow the Gumbel CDF (Kolmogorov–Smirnov)', () => {
    // KS test of n = 20,000 draws against F(x) = exp(−exp(−(x − μ)/β)). The critical value 1.95/√n
    // has level 0.001, so a correct sampler passes with probability 0.999.
    const n = 20_000;
    const gumbel = new Gumbel({ loc: 2, scale: 0.5 });
    const draws = take(gumbel.sample({ sampleShape: [n], seed: 3 })).sort((a, b) => a - b);
    let statistic = 0;
    draws.forEach((x, i) => {
      const cdf = Math.exp(-Math.exp(-(x - 2) / 0.5));
      statistic = Math.max(statistic, Math.abs(cdf - i / n), Math.abs(cdf - (i + 1) / n));
    });
    expect(statistic).toBeLessThan(1.95 / Math.sqrt(n));
    gumbel.dispose();
  });

  it('rsample gradients w.r.t. loc and scale match central finite differences', () => {
    const locValues = [0.3, -0.2];
    const scaleValues = [0.8, 1.7];
    const weights = tf.tensor([[1, -2]]);
    const objective = (loc: tf.Tensor, scale: tf.Tensor): tf.Tensor =>
      tf.sum(tf.mul(new Gumbel({ loc, scale }).rsample({ sampleShape: [4], seed: 8 }), weights));
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
    const x = 0.7;
    const loc = tf.scalar(-0.1);
    const scale = tf.scalar(1.3);
    const [dLoc, dScale] = tf.grads((l: tf.Tensor, s: tf.Tensor) =>
      new Gumbel({ loc: l, scale: s }).logProb(x),
    )([loc, scale]);
    const [expectedLoc, expectedScale] = centralDifferences(
      ([m, s]) => gumbelLogDensity(x, m, s),
      [-0.1, 1.3],
      1e-5,
    );
    expectClose(take(dLoc), [expectedLoc], 1e-4, 1e-4);
    expectClose(take(dScale), [expectedScale], 1e-4, 1e-4);
    loc.dispose();
    scale.dispose();
  });

  it('rejects bad parameters and values with an ArgumentError naming them', () => {
    expectArgumentError(() => new Gumbel({ loc: [0, Number.NaN], scale: 1 }), 'loc');
    for (const scale of [0, -2, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectArgumentError(() => new Gumbel({ loc: 0, scale }), 'scale');
    }
    expectArgumentError(() => new Gumbel({ loc: 0, scale: tf.tensor([1], undefined, 'int32') }), 'scale');
    expectArgumentError(() => new Gumbel({ loc: [1, 2], scale: [1, 2, 3] }), 'scale');
    const gumbel = new Gumbel({ loc: 0, scale: 1 });
    expectArgumentError(() => gumbel.logProb([0, Number.NaN]), 'value');
    gumbel.dispose();
    const pair = new Gumbel({ loc: [0, 1], scale: 1 });
    expectArgumentError(() => pair.logProb([1, 2, 3]), 'value');
    pair.dispose();
  });
});
