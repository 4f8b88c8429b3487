import { describe, expect, it } from 'vitest';
import { lgamma, lgammaTensor, tf } from '../../src/index.js';
import { expectAllocates, expectClose, take } from '../distributions/helpers.js';

const EULER_GAMMA = 0.5772156649015329;
const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);

/** log((n − 1)!) by summing logs, independent of any Γ approximation. */
function logFactorial(n: number): number {
  let total = 0;
  for (let k = 2; k <= n; k++) total += Math.log(k);
  return total;
}

/** Known values: Γ(½) = √π, Γ(3/2) = √π/2, Γ(5/2) = 3√π/4, Γ(−½) = −2√π, Γ(−3/2) = 4√π/3. */
const HALF_INTEGERS: [number, number][] = [
  [0.5, LOG_SQRT_PI],
  [1.5, LOG_SQRT_PI - Math.log(2)],
  [2.5, LOG_SQRT_PI + Math.log(3 / 4)],
  [-0.5, LOG_SQRT_PI + Math.log(2)],
  [-1.5, LOG_SQRT_PI + Math.log(4 / 3)],
];

describe('lgamma (numbers)', () => {
  it('gives log((n − 1)!) at the positive integers', () => {
    for (let n = 1; n <= 30; n++) {
      expect(Math.abs(lgamma(n) - logFactorial(n - 1))).toBeLessThan(
        1e-12 * Math.max(1, logFactorial(n - 1)),
      );
    }
    expect(Math.abs(lgamma(171) - logFactorial(170)) / logFactorial(170)).toBeLessThan(1e-13);
  });

  it('matches Γ(½) = √π and the other half-integer values, negative ones by reflection', () => {
    for (const [x, expected] of HALF_INTEGERS) expect(Math.abs(lgamma(x) - expected)).toBeLessThan(1e-13);
  });

  it('follows Stirling’s series for large x', () => {
    const x = 1e6;
    const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x);
    expect(Math.abs(lgamma(x) - stirling) / stirling).toBeLessThan(1e-14);
  });

  it('behaves like −log x near 0 (Γ(x) ≈ 1/x − γ)', () => {
    expect(Math.abs(lgamma(1e-8) - (-Math.log(1e-8) - EULER_GAMMA * 1e-8))).toBeLessThan(1e-12);
  });

  it('returns +Infinity at the poles and for infinite input, NaN for NaN', () => {
    for (const pole of [0, -1, -2, -10]) expect(lgamma(pole)).toBe(Number.POSITIVE_INFINITY);
    expect(lgamma(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(lgamma(Number.NaN))).toBe(true);
  });
});

describe('lgammaTensor', () => {
  it('matches factorials and Γ(½) = √π in float32', () => {
    const xs = [0.5, 1, 1.5, 2, 2.5, 3, 5, 10, 20];
    const expected = [
      LOG_SQRT_PI,
      0,
      LOG_SQRT_PI - Math.log(2),
      0,
      LOG_SQRT_PI + Math.log(3 / 4),
      Math.log(2),
      logFactorial(4),
      logFactorial(9),
      logFactorial(19),
    ];
    expectClose(take(lgammaTensor(tf.tensor(xs))), expected, 2e-6, 2e-6);
  });

  it('agrees with the double-precision version from 1e−3 to 1e3', () => {
    const xs = [1e-3, 0.01, 0.1, 0.3, 0.7, 1.2, 3.7, 7.5, 42, 123.4, 1000];
    expectClose(take(lgammaTensor(xs)), xs.map(lgamma), 1e-5, 2e-6);
  });

  it('has the digamma function as gradient: ψ(1) = −γ, ψ(½) = −γ − 2 log 2, ψ(n) = H(n−1) − γ', () => {
    const xs = tf.tensor([1, 0.5, 2, 5]);
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(lgammaTensor(x)))(xs);
    const expected = [
      -EULER_GAMMA,
      -EULER_GAMMA - 2 * Math.log(2),
      1 - EULER_GAMMA,
      1 + 1 / 2 + 1 / 3 + 1 / 4 - EULER_GAMMA,
    ];
    expectClose(take(gradient), expected, 1e-4, 1e-4);
    xs.dispose();
  });

  it('returns exactly one new tensor', () => {
    const xs = tf.tensor([1, 2, 3]);
    expectAllocates(() => lgammaTensor(xs));
    expectAllocates(() => lgammaTensor([1, 2, 3]));
    xs.dispose();
  });
});
