import { describe, expect, it } from 'vitest';
import {
  gumbelArray,
  gumbelNoise,
  logisticArray,
  normalArray,
  normalNoise,
  RandomGenerator,
  sampleGumbel,
} from '../../src/index.js';
import { expectOnlyReturnedTensors, takeValues } from '../helpers/leaks.js';
import { chiSquareTest, EULER_GAMMA, moments, upperIncompleteGammaQ } from '../helpers/stats.js';

const COUNT = 1_000_000;

describe('test helpers', () => {
  it('chi-square p-values match closed forms', () => {
    // With 2 degrees of freedom the chi-square survival function is exp(-x/2).
    expect(upperIncompleteGammaQ(1, 3.1)).toBeCloseTo(Math.exp(-3.1), 12);
    // The 95% quantile of chi-square with 9 dof is 16.919.
    expect(upperIncompleteGammaQ(4.5, 16.919 / 2)).toBeCloseTo(0.05, 4);
  });
});

describe('Gumbel noise', () => {
  // Moments: Gumbel(0,1) has mean γ and variance π²/6. Standard errors at n = 10^6: mean 1.3e-3,
  // variance ≈ 3.4e-3 (excess kurtosis 2.4); tolerances are about 5 standard errors.
  it('has mean γ and variance π²/6', () => {
    const { mean, variance } = moments(gumbelArray(COUNT, 1));
    expect(Math.abs(mean - EULER_GAMMA)).toBeLessThan(0.0065);
    expect(Math.abs(variance - Math.PI ** 2 / 6)).toBeLessThan(0.017);
  });

  // Chi-square goodness of fit against the Gumbel CDF exp(−exp(−x)), 50 equiprobable bins.
  it('follows the Gumbel CDF (chi-square, 50 equiprobable bins, p > 0.001)', () => {
    const bins = 50;
    const counts = new Array<number>(bins).fill(0);
    for (const g of gumbelArray(COUNT, 2)) {
      counts[Math.min(bins - 1, Math.floor(Math.exp(-Math.exp(-g)) * bins))]++;
    }
    expect(chiSquareTest(counts, new Array(bins).fill(1 / bins)).pValue).toBeGreaterThan(0.001);
  });

  it('is always finite (10^7 draws)', () => {
    const generator = new RandomGenerator(3);
    for (let chunk = 0; chunk < 10; chunk++) {
      expect(gumbelArray(COUNT, generator).every(Number.isFinite)).toBe(true);
    }
  });

  it('sampleGumbel applies loc and scale: mean μ + βγ, variance π²β²/6', () => {
    const samples = sampleGumbel([COUNT], { loc: 2, scale: 3, seed: 4 });
    const { mean, variance } = moments(samples.dataSync());
    samples.dispose();
    expect(Math.abs(mean - (2 + 3 * EULER_GAMMA))).toBeLessThan(0.02);
    expect(Math.abs(variance / (9 * (Math.PI ** 2 / 6)) - 1)).toBeLessThan(0.012);
  });

  it('same seed, same tensor; no seed, different draws', () => {
    expect(takeValues(sampleGumbel([100], { seed: 9 }))).toEqual(
      takeValues(sampleGumbel([100], { seed: 9 })),
    );
    expect(takeValues(sampleGumbel([100]))).not.toEqual(takeValues(sampleGumbel([100])));
  });

  it('rejects bad scale, loc and shape', () => {
    expect(() => sampleGumbel([2], { scale: 0 })).toThrow(/scale must be a finite number > 0, got 0/);
    expect(() => sampleGumbel([2], { scale: Number.NaN })).toThrow(
      /scale must be a finite number > 0, got NaN/,
    );
    expect(() => sampleGumbel([2], { loc: Number.POSITIVE_INFINITY })).toThrow(/loc must be a finite number/);
    expect(() => sampleGumbel([2, -1])).toThrow(/shape must be an array of non-negative integers/);
  });

  it('adds exactly one tensor', () => {
    expectOnlyReturnedTensors(() => sampleGumbel([3, 4], { loc: 1, scale: 2, seed: 1 }));
    expectOnlyReturnedTensors(() => gumbelNoise([3, 4], 1));
  });
});

describe('normal and logistic noise', () => {
  // Moments of N(0,1): mean 0 (SE 1e-3), variance 1 (SE 1.4e-3); tolerances ≈ 5 SE.
  it('normal noise has mean 0 and variance 1, odd count included', () => {
    const { mean, variance } = moments(normalArray(COUNT + 1, 5));
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1)).toBeLessThan(0.007);
    expectOnlyReturnedTensors(() => normalNoise([3], 1));
  });

  // Logistic(0,1) has mean 0 and variance π²/3 (SE of the variance ≈ 0.0073 with kurtosis 4.2).
  it('logistic noise has mean 0 and variance π²/3, always finite', () => {
    const values = logisticArray(COUNT, 6);
    const { mean, variance } = moments(values);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - Math.PI ** 2 / 3)).toBeLessThan(0.037);
    expect(values.every(Number.isFinite)).toBe(true);
  });
});
