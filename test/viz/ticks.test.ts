import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTick, niceTicks } from '../../src/viz/ticks.js';
import { expectArgumentError } from './png.js';

describe('niceTicks', () => {
  it('picks steps of 1, 2 or 5 × 10^k giving about intervalCount intervals, with exact decimal ticks', () => {
    expect(niceTicks(0, 1)).toEqual({ min: 0, max: 1, step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(niceTicks(113.2, 587.9)).toEqual({
      min: 100,
      max: 600,
      step: 100,
      ticks: [100, 200, 300, 400, 500, 600],
    });
    expect(niceTicks(0.5, 1, 6).ticks).toEqual([0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(niceTicks(0, 50_000, 6).ticks).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
  });

  it('widens an empty range around a constant (no division by zero), ±1 around 0', () => {
    const five = niceTicks(5, 5);
    expect(five.min).toBeLessThan(5);
    expect(five.max).toBeGreaterThan(5);
    expect(five.ticks).toContain(5);
    expect(niceTicks(0, 0).ticks).toEqual([-1, -0.5, 0, 0.5, 1]);
    const huge = niceTicks(1e10, 1e10 + 1e-6);
    expect(huge.max - huge.min).toBeGreaterThan(1e8);
  });

  it('gives +0, never −0, for a tick at zero', () => {
    const zero = niceTicks(-0.3, 0.7).ticks.find((tick) => tick === 0);
    expect(Object.is(zero, 0)).toBe(true);
  });

  it('covers the data with a handful of evenly spaced multiples of the step (property)', () => {
    const value = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(value, value, fc.integer({ min: 1, max: 10 }), (a, b, intervalCount) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const { min, max, step, ticks } = niceTicks(low, high, intervalCount);
        // Covered up to float rounding (a tick may miss the data by an ulp, or by a subnormal).
        const slack = 1e-9 * (max - min);
        expect(min).toBeLessThanOrEqual(low + slack);
        expect(max).toBeGreaterThanOrEqual(high - slack);
        expect(ticks.length).toBeGreaterThanOrEqual(2);
        // The step is rounded down by at most √10 / 2 ≈ 1.58, plus a partial interval at each end.
        expect(ticks.length - 1).toBeLessThanOrEqual(2 * intervalCount + 2);
        for (let i = 1; i < ticks.length; i++) {
          expect(ticks[i] - ticks[i - 1]).toBeCloseTo(step, 6);
        }
        const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
        expect([1, 2, 5].some((nice) => Math.abs(mantissa - nice) < 1e-9)).toBe(true);
      }),
      { seed: 20240601, numRuns: 300 },
    );
  });

  it('rejects non-finite or reversed ranges and fewer than 1 interval', () => {
    expectArgumentError(() => niceTicks(Number.NaN, 1), 'min');
    expectArgumentError(() => niceTicks(0, Number.POSITIVE_INFINITY), 'min');
    expectArgumentError(() => niceTicks(2, 1), 'min');
    expectArgumentError(() => niceTicks(0, 1, 0), 'intervalCount');
    expectArgumentError(() => niceTicks(0, 1, 2.5), 'intervalCount');
  });
});

describe('formatTick', () => {
  it('shows the decimals the step needs, exponents for the very large and very fine', () => {
    expect(formatTick(0.6, 0.2)).toBe('0.6');
    expect(formatTick(-0.25, 0.05)).toBe('-0.25');
    expect(formatTick(300, 100)).toBe('300');
    expect(formatTick(40_000, 10_000)).toBe('40000');
    expect(formatTick(1, 0.5)).toBe('1.0');
    expect(formatTick(0, 0.1)).toBe('0');
    expect(formatTick(2_500_000, 500_000)).toBe('2.5e+6');
    expect(formatTick(0.00003, 0.00001)).toBe('3e-5');
  });
});
