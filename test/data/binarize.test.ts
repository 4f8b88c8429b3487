import { beforeAll, describe, expect, it } from 'vitest';
import {
  bernoulliBinarize,
  dynamicBinarize,
  staticBinarize,
  staticBinarizeSplits,
} from '../../src/data/binarize.js';
import type { Dataset, DatasetSplits } from '../../src/data/dataset.js';
import { loadMnistSplits } from '../../src/data/mnist.js';

let mnist: DatasetSplits;
beforeAll(() => {
  mnist = loadMnistSplits();
});

function sum(values: Float32Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** Σ p(1 − p): the variance of the number of ones among independent Bernoulli(p) pixels. */
function bernoulliVariance(greyLevels: Float32Array): number {
  let total = 0;
  for (const p of greyLevels) total += p * (1 - p);
  return total;
}

function countDifferences(a: Float32Array, b: Float32Array): number {
  let differences = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differences++;
  return differences;
}

describe('static binarization', () => {
  it('gives only 0s and 1s, keeps labels and shape, and leaves the grey levels alone', () => {
    const train = mnist.train;
    const before = train.images.slice(0, 784);
    const binary = staticBinarize(train, 1);
    expect(binary.images.every((value) => value === 0 || value === 1)).toBe(true);
    expect([binary.count, binary.height, binary.width, binary.images.length]).toEqual([
      8000,
      28,
      28,
      8000 * 784,
    ]);
    expect(binary.labels).toBe(train.labels);
    expect(train.images.slice(0, 784)).toEqual(before);
  });

  it('gives the identical binary set for the same seed, and another for another seed', () => {
    const first = staticBinarize(mnist.validation, 11).images;
    const again = staticBinarize(mnist.validation, 11).images;
    expect(countDifferences(first, again)).toBe(0);
    expect(countDifferences(first, staticBinarize(mnist.validation, 12).images)).toBeGreaterThan(1000);
  });

  it('keeps the mean ink of the MNIST training split (binomial bound)', () => {
    // The number of ones is a sum of independent Bernoulli(p_i): mean Σ p_i, variance Σ p_i(1 − p_i).
    // A 5-standard-deviation bound fails a correct implementation with probability < 1e-6; for
    // these 6,272,000 pixels it is about 4e-4 in the mean, while drawing 1 with probability 1 − p
    // or 0.5 would move the mean by more than 0.3.
    const greyLevels = mnist.train.images;
    const ones = sum(staticBinarize(mnist.train, 5).images);
    const bound = 5 * Math.sqrt(bernoulliVariance(greyLevels));
    expect(Math.abs(ones - sum(greyLevels))).toBeLessThan(bound);
  });

  it('draws 1 with probability equal to the grey level, level by level (binomial bound)', () => {
    // 50,000 pixels per level; each level's frequency of ones must lie within 5 standard deviations
    // sqrt(p(1 − p) / 50,000) of p (≤ 0.0112 at p = 0.5). Grey 0 and 1 are certain.
    const perLevel = 50_000;
    const levels = [0, 0.1, 0.25, 0.5, 0.8, 1];
    const greyLevels = new Float32Array(levels.length * perLevel);
    levels.forEach((level, k) => {
      greyLevels.fill(level, k * perLevel, (k + 1) * perLevel);
    });
    const binary = bernoulliBinarize(greyLevels, 99);
    levels.forEach((level, k) => {
      const frequency = sum(binary.subarray(k * perLevel, (k + 1) * perLevel)) / perLevel;
      const p = Math.fround(level);
      expect(Math.abs(frequency - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / perLevel));
    });
  });

  it('gives each split its own draws, so equal grey images binarize differently across splits', () => {
    const same: Dataset = { ...mnist.test };
    const splits = staticBinarizeSplits({ train: same, validation: same, test: same }, 3);
    expect(countDifferences(splits.train.images, splits.test.images)).toBeGreaterThan(1000);
    expect(countDifferences(splits.validation.images, splits.test.images)).toBeGreaterThan(1000);
    const again = staticBinarizeSplits({ train: same, validation: same, test: same }, 3);
    expect(countDifferences(splits.test.images, again.test.images)).toBe(0);
  });

  it('rejects grey levels outside [0, 1]', () => {
    expect(() => bernoulliBinarize(Float32Array.from([0.5, 1.5]), 1)).toThrow(
      'greyLevels must lie in [0, 1], got 1.5 at index 1',
    );
    expect(() => bernoulliBinarize(Float32Array.from([Number.NaN]), 1)).toThrow('got NaN at index 0');
  });
});

describe('dynamic binarization', () => {
  it('redraws each epoch: pixels differ between epochs as often as independent draws do (binomial bound)', () => {
    // Two independent draws of pixel i differ with probability q_i = 2 p_i (1 − p_i); the count of
    // differing pixels has mean Σ q_i and variance Σ q_i (1 − q_i). Reusing one epoch's draw for
    // the next would give 0 differences; a 5-sd bound accepts the correct rate.
    const greyLevels = mnist.validation.images;
    const epoch0 = dynamicBinarize(greyLevels, 8, 0);
    const epoch1 = dynamicBinarize(greyLevels, 8, 1);
    let mean = 0;
    let variance = 0;
    for (const p of greyLevels) {
      const q = 2 * p * (1 - p);
      mean += q;
      variance += q * (1 - q);
    }
    expect(mean).toBeGreaterThan(10_000);
    expect(Math.abs(countDifferences(epoch0, epoch1) - mean)).toBeLessThan(5 * Math.sqrt(variance));
  });

  it('is fixed by (seed, epoch), so a resumed run redraws the same images', () => {
    const greyLevels = mnist.test.images;
    expect(countDifferences(dynamicBinarize(greyLevels, 8, 4), dynamicBinarize(greyLevels, 8, 4))).toBe(0);
    expect(
      countDifferences(dynamicBinarize(greyLevels, 8, 4), dynamicBinarize(greyLevels, 9, 4)),
    ).toBeGreaterThan(1000);
  });
});
