import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { philoxBlock, RandomGenerator, uniformArray } from '../../src/index.js';
import { chiSquareTest } from '../helpers/stats.js';

function block(counter: number[], key0: number, key1: number): string[] {
  const out = new Uint32Array(4);
  philoxBlock(counter, key0, key1, out);
  return [...out].map((w) => w.toString(16).padStart(8, '0'));
}

describe('philoxBlock', () => {
  // Known-answer vectors of Philox-4x32-10 from the Random123 distribution (kat_vectors).
  it('matches the Random123 known-answer vectors', () => {
    expect(block([0, 0, 0, 0], 0, 0)).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    expect(block([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], 0xffffffff, 0xffffffff)).toEqual([
      '408f276d',
      '41c83b0e',
      'a20bc7c6',
      '6d5451fd',
    ]);
    expect(block([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], 0xa4093822, 0x299f31d0)).toEqual([
      'd16cfe09',
      '94fdcceb',
      '5001e420',
      '24126ea1',
    ]);
  });
});

describe('RandomGenerator', () => {
  it('gives the same words for the same seed and different words for different seeds', () => {
    expect(new RandomGenerator(42).nextUint32(64)).toEqual(new RandomGenerator(42).nextUint32(64));
    expect(new RandomGenerator(42).nextUint32(64)).not.toEqual(new RandomGenerator(43).nextUint32(64));
  });

  it('produces the same stream whatever the request sizes', () => {
    const whole = new RandomGenerator(7).nextUint32(16);
    const pieces = new RandomGenerator(7);
    expect([...pieces.nextUint32(4), ...pieces.nextUint32(12)]).toEqual([...whole]);
  });

  it('splits into children whose streams differ from each other and from the parent', () => {
    const parent = new RandomGenerator(5);
    const [a, b] = parent.split();
    const [c] = parent.split(1);
    const streams = [parent, a, b, c].map((g) => [...g.nextUint32(8)].join());
    expect(new Set(streams).size).toBe(4);
    const [again] = new RandomGenerator(5).split();
    expect(again.nextUint32(8)).toEqual(new RandomGenerator(5).split()[0].nextUint32(8));
  });

  it('rejects seeds that are not integers in [0, 2^53 − 1]', () => {
    for (const seed of [-1, 1.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY]) {
      expect(() => new RandomGenerator(seed)).toThrow(/seed must be an integer in \[0, 2\^53 - 1\]/);
    }
    expect(() => uniformArray(4, '3' as unknown as number)).toThrow(
      /seed must be an integer or a RandomGenerator/,
    );
    expect(() => new RandomGenerator(1).split(0)).toThrow(/count must be an integer >= 1/);
  });
});

describe('uniformArray', () => {
  it('stays strictly inside (0, 1) for any seed (property test)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (seed) => {
        const values = uniformArray(1000, seed);
        return values.every((u) => u > 0 && u < 1);
      }),
      { numRuns: 200 },
    );
  });

  it('maps the extreme words to values inside (0, 1) in float32', () => {
    // The extreme 23-bit codes give 2^-24 and 1 - 2^-24, both exactly representable in float32.
    expect(Math.fround((0 + 0.5) * 2 ** -23)).toBeGreaterThan(0);
    expect(Math.fround((2 ** 23 - 1 + 0.5) * 2 ** -23)).toBeLessThan(1);
    const values = uniformArray(1_000_000, 11);
    let min = 1;
    let max = 0;
    for (const u of values) {
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThan(0);
    expect(max).toBeLessThan(1);
  });

  // Chi-square goodness of fit of 10^6 uniforms in 100 equal bins against the flat distribution.
  it('is uniform (chi-square, 100 bins, 10^6 draws, p > 0.001)', () => {
    const counts = new Array<number>(100).fill(0);
    for (const u of uniformArray(1_000_000, 2026)) counts[Math.floor(u * 100)]++;
    expect(chiSquareTest(counts, new Array(100).fill(0.01)).pValue).toBeGreaterThan(0.001);
  });
});

describe('RandomGenerator.foldIn', () => {
  it('is a pure function of (seed, data) and differs across data and from split children', () => {
    const parent = new RandomGenerator(8);
    parent.nextUint32(12); // drawing does not change what foldIn gives
    expect(parent.foldIn(3).nextUint32(8)).toEqual(new RandomGenerator(8).foldIn(3).nextUint32(8));
    const streams = [parent.foldIn(0), parent.foldIn(1), new RandomGenerator(8).split(1)[0]].map((g) =>
      [...g.nextUint32(8)].join(),
    );
    expect(new Set(streams).size).toBe(3);
    expect(() => parent.foldIn(-1)).toThrow(/data must be an integer in \[0, 2\^53 - 1\], got -1/);
  });
});
