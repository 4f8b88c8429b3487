import { expect } from 'vitest';

/**
 * C = op(A)·op(B) in float64 from row-major float32 A and B (op = transpose where asked), with
 * Σ|a||b| for each entry: the scale of its float32 rounding error.
 */
export function referenceProduct(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rows: number,
  shared: number,
  columns: number,
  transposeA: boolean,
  transposeB: boolean,
): { value: Float64Array; magnitude: Float64Array } {
  const value = new Float64Array(rows * columns);
  const magnitude = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < shared; p++) {
      const x = transposeA ? a[p * rows + i] : a[i * shared + p];
      for (let j = 0; j < columns; j++) {
        const y = transposeB ? b[j * shared + p] : b[p * columns + j];
        value[i * columns + j] += x * y;
        magnitude[i * columns + j] += Math.abs(x * y);
      }
    }
  }
  return { value, magnitude };
}

/**
 * Expects `ours` within float32 summation rounding of the float64 product: each entry within
 * terms·2⁻²⁴·Σ|a||b| (the first-order bound for a sum of `terms` products, with mul+add or FMA).
 */
export function expectWithinSummationRounding(
  ours: ArrayLike<number>,
  expected: { value: Float64Array; magnitude: Float64Array },
  terms: number,
): void {
  expect(ours.length).toBe(expected.value.length);
  let worst = 0;
  for (let i = 0; i < ours.length; i++) {
    const bound = terms * 2 ** -24 * expected.magnitude[i] + 1e-30;
    worst = Math.max(worst, Math.abs(ours[i] - expected.value[i]) / bound);
  }
  expect(worst).toBeLessThan(1);
}
