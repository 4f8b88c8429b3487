import { expect } from 'vitest';
import type { Tensor } from '../../src/tf.js';

/** Expects `actual[i]` to be within 10^-digits/2 of `expected[i]` for every i (vitest's toBeCloseTo). */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i], digits);
}

/**
 * max |a − b| over the entries where `b` is finite; where it is not (±Infinity, NaN), `a` must hold
 * the same value. Both tensors must have as many entries.
 */
export function largestDifference(a: Tensor, b: Tensor): number {
  const ours = a.dataSync();
  const expected = b.dataSync();
  expect(ours.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < ours.length; i++) {
    if (!Number.isFinite(expected[i])) expect(ours[i]).toBe(expected[i]);
    else worst = Math.max(worst, Math.abs(ours[i] - expected[i]));
  }
  return worst;
}

/** The largest |value| over the finite entries of `t` (0 if none). */
export function largestMagnitude(t: Tensor): number {
  return Array.from(t.dataSync()).reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
}
