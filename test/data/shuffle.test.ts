import { describe, expect, it } from 'vitest';
import { DataStream, epochGenerator, epochPermutation, seededPermutation } from '../../src/data/shuffle.js';
import { RandomGenerator } from '../../src/random/generator.js';

describe('seededPermutation', () => {
  it('is a permutation of 0 … count − 1, the same for the same seed', () => {
    const order = seededPermutation(1000, 7);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(seededPermutation(1000, 7)).toEqual(order);
    expect(seededPermutation(1000, 8)).not.toEqual(order);
    expect(seededPermutation(0, 1)).toEqual(new Uint32Array(0));
    expect(seededPermutation(1, 1)).toEqual(Uint32Array.from([0]));
  });

  it('draws all 24 orders of 4 items equally often (chi-square, 23 df)', () => {
    // 24,000 shuffles, 1,000 expected per order. The 0.1% critical value of chi-square with 23 df
    // is 49.73. The classic bug of drawing j from [0, n) at every step gives orders with
    // probabilities from 8/256 to 15/256 instead of 1/24 and an expected statistic near 715.
    const generator = new RandomGenerator(2024);
    const counts = new Map<string, number>();
    for (let draw = 0; draw < 24_000; draw++) {
      const key = seededPermutation(4, generator).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    const chiSquare = [...counts.values()].reduce((sum, observed) => sum + (observed - 1000) ** 2 / 1000, 0);
    expect(chiSquare).toBeLessThan(49.73);
  });

  it('rejects a bad count', () => {
    expect(() => seededPermutation(-1, 1)).toThrow('count must be an integer');
    expect(() => seededPermutation(2.5, 1)).toThrow('count must be an integer');
  });
});

describe('epochGenerator and epochPermutation', () => {
  it('depend on (seed, stream, epoch) alone, and differ when any of them changes', () => {
    const words = (seed: number, stream: 0 | 1, epoch: number) =>
      Array.from(epochGenerator(seed, stream, epoch).nextUint32(4));
    expect(words(3, DataStream.shuffle, 5)).toEqual(words(3, DataStream.shuffle, 5));
    expect(words(3, DataStream.shuffle, 5)).not.toEqual(words(3, DataStream.shuffle, 4));
    expect(words(3, DataStream.shuffle, 5)).not.toEqual(words(3, DataStream.dynamicBinarization, 5));
    expect(words(3, DataStream.shuffle, 5)).not.toEqual(words(4, DataStream.shuffle, 5));
    expect(epochPermutation(50, 1, 2)).toEqual(epochPermutation(50, 1, 2));
    expect(epochPermutation(50, 1, 2)).not.toEqual(epochPermutation(50, 1, 3));
  });

  it('rejects a negative epoch', () => {
    expect(() => epochPermutation(5, 1, -1)).toThrow('epoch must be an integer >= 0');
  });
});
