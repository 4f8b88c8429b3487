import { layerPlan, type VaeShape } from '../model.js';

/** A contiguous range [start, start + count). */
export interface Range {
  start: number;
  count: number;
}

/**
 * Cuts `total` items into `parts` contiguous, nearly equal ranges in order (the first
 * `total % parts` get one more).
 */
export function splitEvenly(total: number, parts: number): Range[] {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  const ranges: Range[] = [];
  let start = 0;
  for (let part = 0; part < parts; part++) {
    const count = base + (part < extra ? 1 : 0);
    ranges.push({ start, count });
    start += count;
  }
  return ranges;
}

/** Columns `range` of a row-major [rows, columns] array, as a new row-major [rows, range.count] array. */
export function takeColumns(values: Float32Array, rows: number, columns: number, range: Range): Float32Array {
  const part = new Float32Array(rows * range.count);
  for (let row = 0; row < rows; row++) {
    const from = row * columns + range.start;
    part.set(values.subarray(from, from + range.count), row * range.count);
  }
  return part;
}

/** The inverse of {@link takeColumns}: row-major parts [rows, ranges[i].count] side by side. */
export function joinColumns(parts: Float32Array[], rows: number, ranges: Range[]): Float32Array {
  const columns = ranges.reduce((sum, range) => sum + range.count, 0);
  const values = new Float32Array(rows * columns);
  parts.forEach((part, i) => {
    const { start, count } = ranges[i];
    for (let row = 0; row < rows; row++) {
      values.set(part.subarray(row * count, (row + 1) * count), row * columns + start);
    }
  });
  return values;
}

/**
 * Each parameter tensor of the model in `CategoricalVae.parameters()` order, as a matrix whose
 * columns are the layer's units (a kernel [inputs, units], a bias [1, units]).
 */
export function parameterMatrices(shape: VaeShape): { rows: number; units: number }[] {
  return layerPlan(shape).flatMap(({ inputs, units }) => [
    { rows: inputs, units },
    { rows: 1, units },
  ]);
}

/** The largest layer width or input size: the widest row of activations or input gradients. */
export function widestLayer(shape: VaeShape): number {
  return Math.max(...layerPlan(shape).flatMap(({ inputs, units }) => [inputs, units]));
}
