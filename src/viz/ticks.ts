/** Round tick values for plot axes. */
import { ArgumentError } from '../validate.js';

/** An axis range widened to round ends, with the ticks between them. */
export interface NiceScale {
  /** The lowest tick (≤ the data minimum). */
  min: number;
  /** The highest tick (≥ the data maximum). */
  max: number;
  /** The distance between ticks: 1, 2 or 5 times a power of ten. */
  step: number;
  /** The tick values from `min` to `max`, ascending. */
  ticks: number[];
}

/** Below this, a range or value is treated as 0 (far above the subnormal floats, ~1e-308). */
const TINY = 1e-200;

/**
 * The round step nearest `roughStep`: 1, 2 or 5 × 10^k, switching at the geometric means √2, √10
 * and √50 (the rule of d3-array's `tickIncrement`).
 */
function roundStep(roughStep: number): number {
  const power = 10 ** Math.floor(Math.log10(roughStep));
  const mantissa = roughStep / power;
  if (mantissa >= Math.sqrt(50)) return 10 * power;
  if (mantissa >= Math.sqrt(10)) return 5 * power;
  if (mantissa >= Math.sqrt(2)) return 2 * power;
  return power;
}

/** Decimal places that show every multiple of `step` exactly (0 for steps of 1 or more). */
function decimalsOf(step: number): number {
  return Math.min(20, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

/**
 * Round ticks covering `[min, max]`: `step` apart, where `step` is 1, 2 or 5 times a power of ten
 * chosen so that about `intervalCount` steps span the data, from the last multiple of `step` at or
 * below `min` to the first at or above `max`. An empty range (`min === max`, a constant series) is
 * widened by 10% of the value each way (±1 around 0, or around values under 1e-200) so there is
 * never a division by zero.
 *
 * @throws {ArgumentError} when `min` or `max` is not finite, `min > max`, or `intervalCount < 1`.
 */
export function niceTicks(min: number, max: number, intervalCount = 5): NiceScale {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new ArgumentError('min', `and max must be finite with min <= max, got [${min}, ${max}]`);
  }
  if (!Number.isInteger(intervalCount) || intervalCount < 1) {
    throw new ArgumentError('intervalCount', `must be an integer >= 1, got ${intervalCount}`);
  }
  let low = min;
  let high = max;
  // A range lost in the rounding of its values, or too small for its step to be a normal float,
  // is treated as no range at all; values that small count as 0.
  const magnitude = Math.max(Math.abs(low), Math.abs(high));
  if (high - low <= Math.max(magnitude * 1e-12, TINY)) {
    const pad = magnitude <= TINY ? 1 : magnitude * 0.1;
    low -= pad;
    high += pad;
  }
  const step = roundStep((high - low) / intervalCount);
  const first = Math.floor(low / step);
  const last = Math.ceil(high / step);
  const ticks: number[] = [];
  for (let index = first; index <= last; index++) {
    // 15 digits drop the float fuzz of index · step (0.30000000000000004 → 0.3); + 0 turns −0 into 0.
    ticks.push(Number((index * step).toPrecision(15)) + 0);
  }
  return { min: ticks[0], max: ticks[ticks.length - 1], step, ticks };
}

/**
 * A tick label: as many decimals as `step` needs (`0.25` → "0.25" for step 0.05, `100` → "100"),
 * or exponent notation for values of a million or more and steps under 10⁻⁴.
 */
export function formatTick(value: number, step: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 1e6 || step < 1e-4) {
    const digits = Math.floor(Math.log10(Math.abs(value))) - Math.floor(Math.log10(step) + 1e-9);
    return value.toExponential(Math.min(6, Math.max(0, digits)));
  }
  return value.toFixed(decimalsOf(step));
}
