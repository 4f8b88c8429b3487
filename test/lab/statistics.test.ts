import { describe, expect, it } from 'vitest';
import { EstimateAccumulator } from '../../src/lab/statistics.js';

describe('EstimateAccumulator', () => {
  it('computes bias, variance and cosine of known estimates', () => {
    const exact = [1, 0];
    const accumulator = new EstimateAccumulator(exact);
    // Estimates (2, 0), (0, 2), (1, −2), (1, 0), added in two batches.
    accumulator.add([2, 0, 0, 2]);
    accumulator.add([1, -2, 1, 0]);
    const result = accumulator.result();
    // Mean (1, 0) → bias 0. Variances: x: (1+1+0+0)/3 = 2/3, y: (0+4+4+0)/3 = 8/3.
    expect(result.estimates).toBe(4);
    expect(result.bias).toBeCloseTo(0, 12);
    expect(result.variance).toBeCloseTo(10 / 3, 12);
    expect(result.biasStandardError).toBeCloseTo(Math.sqrt(10 / 3 / 4), 12);
    // Cosines: 1, 0, 1/√5, 1.
    expect(result.cosine).toBeCloseTo((2 + 1 / Math.sqrt(5)) / 4, 12);
  });

  it('measures a constant offset as bias with zero variance', () => {
    const accumulator = new EstimateAccumulator([3, 4]);
    accumulator.add([3, 5, 3, 5, 3, 5]);
    const result = accumulator.result();
    expect(result.bias).toBeCloseTo(1, 12);
    expect(result.relativeBias).toBeCloseTo(0.2, 12);
    expect(result.variance).toBe(0);
  });
});
