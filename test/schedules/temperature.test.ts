import { describe, expect, it } from 'vitest';
import { checkSchedule, DEFAULT_SCHEDULE, temperatureAt } from '../../src/schedules/temperature.js';

const EXPONENTIAL = { kind: 'exponential', initial: 1, minimum: 0.5, rate: 3e-5, interval: 1000 } as const;

describe('temperature schedules', () => {
  it("exponential: the paper's max(0.5, exp(−3e−5·t)) updated every 1000 steps", () => {
    expect(temperatureAt(DEFAULT_SCHEDULE, 0)).toBe(1);
    expect(temperatureAt(DEFAULT_SCHEDULE, 999)).toBe(1);
    expect(temperatureAt(DEFAULT_SCHEDULE, 1000)).toBeCloseTo(Math.exp(-0.03), 12);
    expect(temperatureAt(DEFAULT_SCHEDULE, 10_500)).toBeCloseTo(Math.exp(-0.3), 12);
    // exp(−3e−5·t) reaches 0.5 at t ≈ 23,105; from step 24,000 the floor holds.
    expect(temperatureAt(DEFAULT_SCHEDULE, 24_000)).toBe(0.5);
  });

  it('linear and constant', () => {
    const linear = { kind: 'linear', initial: 2, minimum: 0.5, steps: 100, interval: 10 } as const;
    expect(temperatureAt(linear, 0)).toBe(2);
    expect(temperatureAt(linear, 55)).toBeCloseTo(2 - 1.5 * 0.5, 12);
    expect(temperatureAt(linear, 1000)).toBe(0.5);
    expect(temperatureAt({ kind: 'constant', initial: 0.7 }, 123)).toBe(0.7);
  });

  it('rejects bad numbers, naming them', () => {
    expect(() => checkSchedule({ ...EXPONENTIAL, initial: 0 })).toThrow(
      /temperature must be a finite number > 0/,
    );
    expect(() => checkSchedule({ ...EXPONENTIAL, minimum: -1 })).toThrow(/minTemperature must be/);
    expect(() => checkSchedule({ ...EXPONENTIAL, interval: 0 })).toThrow(
      /anneal interval must be an integer >= 1/,
    );
    expect(() => checkSchedule({ ...EXPONENTIAL, rate: Number.NaN })).toThrow(/anneal rate must be/);
  });
});
