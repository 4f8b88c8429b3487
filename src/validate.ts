import type { Tensor, TensorLike } from './tf.js';
import { tf } from './tf.js';

/**
 * Thrown for bad input. `argument` names the offending argument; the message says what was
 * allowed and what was given.
 */
export class ArgumentError extends RangeError {
  /** The name of the argument that was rejected. */
  readonly argument: string;

  constructor(argument: string, problem: string) {
    super(`${argument} ${problem}`);
    this.name = 'ArgumentError';
    this.argument = argument;
  }
}

/** A tensor, or anything `tf.tensor` accepts (numbers, nested arrays, typed arrays). */
export type TensorInput = Tensor | TensorLike;

/** Converts to a float32 tensor, rejecting non-float tensors instead of silently casting them. */
export function toFloatTensor(value: TensorInput, name: string): Tensor {
  if (value instanceof tf.Tensor) {
    if (value.dtype !== 'float32') {
      throw new ArgumentError(name, `must be a float32 tensor, got dtype ${value.dtype}`);
    }
    return value;
  }
  if (typeof value === 'string' || typeof value === 'boolean') {
    throw new ArgumentError(name, `must be numeric, got ${typeof value}`);
  }
  const tensor = tf.tensor(value as TensorLike);
  if (tensor.dtype !== 'float32') {
    tensor.dispose();
    throw new ArgumentError(name, 'must hold numbers');
  }
  return tensor;
}

/** Resolves `axis` (negative counts from the end) against `rank`, or throws naming the range. */
export function normalizeAxis(axis: number, rank: number, name = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ArgumentError(
      name,
      `must be an integer in [${-rank}, ${rank - 1}] for a rank-${rank} tensor, got ${axis}`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

function describe(value: number): string {
  return Number.isNaN(value) ? 'NaN' : String(value);
}

/** Checks a scalar number is finite and > 0 (temperatures, scales). */
export function checkPositiveNumber(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ArgumentError(name, `must be a finite number > 0, got ${describe(value)}`);
  }
}

/** Checks every element of a tensor is finite and > 0 (reads the values: one sync). */
export function checkPositiveTensor(value: Tensor, name: string): void {
  const values = value.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || v <= 0) {
      throw new ArgumentError(
        name,
        `must be finite and > 0 everywhere, got ${describe(v)} at flat index ${i}`,
      );
    }
  }
}

/** A temperature: a number, or a float tensor broadcastable against the logits. */
export type Temperature = number | Tensor;

/** Checks a temperature (number or tensor) is finite and > 0. */
export function checkTemperature(temperature: Temperature, name = 'temperature'): void {
  if (temperature instanceof tf.Tensor) {
    toFloatTensor(temperature, name);
    checkPositiveTensor(temperature, name);
  } else {
    checkPositiveNumber(temperature, name);
  }
}

/** Checks every element is finite (not NaN, not ±Infinity). */
export function checkFinite(value: Tensor, name: string): void {
  const values = value.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new ArgumentError(name, `must be finite, got ${describe(values[i])} at flat index ${i}`);
    }
  }
}

/**
 * Checks logits: no NaN, no +Infinity (−Infinity is a mask meaning probability 0), and at least
 * one unmasked entry in every slice along `axis`. Returns the number of unmasked entries in the
 * sparsest slice.
 */
export function checkLogits(logits: Tensor, axis: number, name = 'logits'): number {
  if (logits.rank < 1) throw new ArgumentError(name, 'must have rank >= 1 (one axis of categories)');
  const values = logits.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) {
      throw new ArgumentError(
        name,
        `must not contain NaN or +Infinity (−Infinity masks a category), got ${describe(v)} at flat index ${i}`,
      );
    }
  }
  const shape = logits.shape;
  const size = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = values.length / (size * inner);
  let fewest = size;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let unmasked = 0;
      for (let c = 0; c < size; c++) {
        if (values[(o * size + c) * inner + j] !== Number.NEGATIVE_INFINITY) unmasked++;
      }
      if (unmasked === 0) {
        throw new ArgumentError(name, 'has a slice where every category is masked by −Infinity');
      }
      fewest = Math.min(fewest, unmasked);
    }
  }
  return fewest;
}
