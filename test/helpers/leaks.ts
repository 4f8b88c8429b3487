import { expect } from 'vitest';
import { tf } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';

type Returned = Tensor | Tensor[] | Record<string, Tensor>;

function tensorsIn(value: Returned): Tensor[] {
  if (value instanceof tf.Tensor) return [value];
  return Array.isArray(value) ? value : Object.values(value);
}

/**
 * Runs `work` and checks `tf.memory().numTensors` grew by exactly the tensors it returned, then
 * disposes them and checks the count is back where it started.
 */
export function expectOnlyReturnedTensors(work: () => Returned): void {
  const before = tf.memory().numTensors;
  const tensors = tensorsIn(work());
  expect(tf.memory().numTensors - before).toBe(tensors.length);
  tf.dispose(tensors);
  expect(tf.memory().numTensors).toBe(before);
}

/** Copies a tensor's values out and disposes it. */
export function takeValues(tensor: Tensor): number[] {
  const values = Array.from(tensor.dataSync());
  tensor.dispose();
  return values;
}
