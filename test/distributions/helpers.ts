import { expect } from 'vitest';
import { ArgumentError, tf } from '../../src/index.js';

/** Reads a tensor's values into a plain array and disposes it. */
export function take(tensor: tf.Tensor): number[] {
  const values = Array.from(tensor.dataSync() as ArrayLike<number>);
  tensor.dispose();
  return values;
}

/** Reads a tensor's values without disposing it. */
export function read(tensor: tf.Tensor): number[] {
  return Array.from(tensor.dataSync() as ArrayLike<number>);
}

/** Expects |actual − expected| ≤ absolute + relative·|expected| elementwise (equal infinities pass). */
export function expectClose(actual: number[], expected: number[], absolute = 1e-5, relative = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => {
    if (!Number.isFinite(expected[i])) {
      expect(value, `index ${i}`).toBe(expected[i]);
      return;
    }
    const tolerance = absolute + relative * Math.abs(expected[i]);
    expect(
      Math.abs(value - expected[i]),
      `index ${i}: got ${value}, expected ${expected[i]}`,
    ).toBeLessThanOrEqual(tolerance);
  });
}

/** Expects every value to be a number (no NaN). */
export function expectNoNaN(values: number[]): void {
  values.forEach((value, i) => {
    expect(Number.isNaN(value), `NaN at index ${i}`).toBe(false);
  });
}

/** Central finite differences (f(x + h·e_i) − f(x − h·e_i)) / 2h of a scalar function of an array. */
export function centralDifferences(f: (x: number[]) => number, x: number[], step = 1e-3): number[] {
  return x.map((_, i) => {
    const up = x.slice();
    const down = x.slice();
    up[i] += step;
    down[i] -= step;
    return (f(up) - f(down)) / (2 * step);
  });
}

/** log Σ exp(v), with the max subtracted. */
export function logSumExp(values: number[]): number {
  const max = Math.max(...values);
  if (max === Number.NEGATIVE_INFINITY) return max;
  return max + Math.log(values.reduce((sum, v) => sum + Math.exp(v - max), 0));
}

/** log-softmax of plain numbers. */
export function logSoftmax(logits: number[]): number[] {
  const normalizer = logSumExp(logits);
  return logits.map((l) => l - normalizer);
}

/** log((n − 1)!) = log Γ(n) for a positive integer n, by summing logs. */
export function logFactorialOf(n: number): number {
  let total = 0;
  for (let k = 2; k < n; k++) total += Math.log(k);
  return total;
}

/**
 * Expects `make` to add exactly `count` tensors to tf.memory() (the tensors it returns), then
 * disposes what it returned.
 */
export function expectAllocates(make: () => tf.Tensor | tf.Tensor[], count = 1): void {
  const before = tf.memory().numTensors;
  const made = make();
  const tensors = Array.isArray(made) ? made : [made];
  expect(tf.memory().numTensors - before).toBe(count);
  for (const tensor of tensors) tensor.dispose();
  expect(tf.memory().numTensors).toBe(before);
}

/** Expects `action` to throw an ArgumentError whose `argument` is `name` and whose message names it. */
export function expectArgumentError(action: () => unknown, name: string): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected an ArgumentError naming ${name}`).toBeInstanceOf(ArgumentError);
  expect((caught as ArgumentError).argument).toBe(name);
  expect((caught as ArgumentError).message).toContain(name);
}

/** Counts of each integer in [0, k) among `values`. */
export function histogram(values: number[], k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const v of values) counts[v]++;
  return counts;
}

/** Pearson's chi-square statistic of `counts` against `probs`. */
export function chiSquare(counts: number[], probs: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.reduce((sum, c, i) => {
    const expected = total * probs[i];
    return expected === 0 ? sum : sum + (c - expected) ** 2 / expected;
  }, 0);
}

/** Midpoint-rule ∫ f over [a, b] with n panels. */
export function integrate(f: (x: number) => number, a: number, b: number, n: number): number {
  const width = (b - a) / n;
  let total = 0;
  for (let i = 0; i < n; i++) total += f(a + (i + 0.5) * width);
  return total * width;
}
