import { expect } from 'vitest';

/** Expects `actual[i]` to be within 10^-digits/2 of `expected[i]` for every i (vitest's toBeCloseTo). */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i], digits);
}
