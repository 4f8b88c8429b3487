import type { Tensor, TensorLike } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, type TensorInput } from '../validate.js';

/** How far from 1 a relaxed sample may sum (or from 0 its log-sum-exp) and still be in the support. */
export const SIMPLEX_TOLERANCE = 1e-4;

/**
 * Throws an ArgumentError naming 'value' unless every element of the boolean tensor `inSupport` is
 * true. `support` completes the sentence "value must …".
 */
export function requireSupport(inSupport: Tensor, support: string): void {
  const flags = inSupport.dataSync();
  for (let i = 0; i < flags.length; i++) {
    if (!flags[i]) throw new ArgumentError('value', `must ${support}; it does not at flat index ${i}`);
  }
}

/** Checks a real-valued sample has no NaN (±Infinity are allowed: their density is 0). */
export function requireNotNaN(value: Tensor): void {
  tf.tidy(() => requireSupport(tf.logicalNot(tf.isNaN(value)), 'be a real number, not NaN'));
}

/** Checks `value` has `categories` entries on its last axis (always checked: the shapes must fit). */
export function checkEventSize(value: Tensor, categories: number): void {
  if (value.rank < 1 || value.shape[value.rank - 1] !== categories) {
    throw new ArgumentError(
      'value',
      `must have ${categories} categories on its last axis, got shape [${value.shape}]`,
    );
  }
}

/**
 * Converts category indices to an int32 tensor: an int32 `Tensor` is used as given; numbers and
 * arrays must hold integers. Other tensor dtypes are rejected rather than silently cast.
 */
export function toIndexTensor(value: TensorInput): Tensor {
  if (value instanceof tf.Tensor) {
    if (value.dtype !== 'int32') {
      throw new ArgumentError(
        'value',
        `must be an int32 tensor of category indices, got dtype ${value.dtype}`,
      );
    }
    return value;
  }
  if (typeof value === 'string' || typeof value === 'boolean') {
    throw new ArgumentError('value', `must hold integer category indices, got ${typeof value}`);
  }
  const numbers = tf.tensor(value as TensorLike);
  const values = numbers.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isInteger(values[i])) {
      numbers.dispose();
      throw new ArgumentError(
        'value',
        `must hold integer category indices, got ${values[i]} at flat index ${i}`,
      );
    }
  }
  const indices = tf.cast(numbers, 'int32');
  numbers.dispose();
  return indices;
}

/**
 * Reads `value` and the boolean `unmasked`, broadcast against each other, as flat arrays whose
 * consecutive runs of `categories` entries are the slices along the last axis. (The checks below
 * run in JS: the WebAssembly backend miscomputes tf.where on boolean branches.)
 */
function readSlices(
  value: Tensor,
  unmasked: Tensor,
): { values: ArrayLike<number>; flags: ArrayLike<number> } {
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(value.shape, unmasked.shape);
  const [broadcastValue, broadcastFlags] = tf.tidy(() => [
    tf.broadcastTo(value, shape),
    tf.broadcastTo(tf.cast(unmasked, 'float32'), shape),
  ]);
  const slices = { values: broadcastValue.dataSync(), flags: broadcastFlags.dataSync() };
  broadcastValue.dispose();
  broadcastFlags.dispose();
  return slices;
}

function sliceError(
  support: string,
  values: ArrayLike<number>,
  start: number,
  categories: number,
): ArgumentError {
  const slice = Array.from({ length: categories }, (_, i) => values[start + i]);
  return new ArgumentError(
    'value',
    `must ${support}; got [${slice.join(', ')}] (slice ${start / categories})`,
  );
}

/** Checks every slice along the last axis is one-hot: entries 0 or 1, exactly one 1. */
export function requireOneHot(value: Tensor): void {
  const categories = value.shape[value.rank - 1];
  const values = value.dataSync() as ArrayLike<number>;
  for (let start = 0; start < values.length; start += categories) {
    let ones = 0;
    let binary = true;
    for (let i = start; i < start + categories; i++) {
      if (values[i] === 1) ones++;
      else if (values[i] !== 0) binary = false;
    }
    if (!binary || ones !== 1) {
      throw sliceError('be one-hot along the last axis (0s and a single 1)', values, start, categories);
    }
  }
}

/**
 * Checks every slice of `value` lies in the simplex with masked categories removed: y > 0 where
 * `unmasked`, y = 0 where masked, and Σ y = 1 within {@link SIMPLEX_TOLERANCE}.
 */
export function requireSimplex(value: Tensor, unmasked: Tensor): void {
  const categories = value.shape[value.rank - 1];
  const { values, flags } = readSlices(value, unmasked);
  const support =
    'lie in the open simplex along the last axis (entries > 0 summing to 1; exactly 0 where a category is masked)';
  for (let start = 0; start < values.length; start += categories) {
    let total = 0;
    for (let i = start; i < start + categories; i++) {
      const inSupport = flags[i] ? values[i] > 0 && values[i] <= 1 : values[i] === 0;
      if (!inSupport) throw sliceError(support, values, start, categories);
      total += values[i];
    }
    if (!(Math.abs(total - 1) <= SIMPLEX_TOLERANCE)) throw sliceError(support, values, start, categories);
  }
}

/**
 * Checks every slice of `value` lies in the log-simplex with masked categories removed: finite
 * entries where `unmasked`, −Infinity where masked, and log Σ exp = 0 within {@link SIMPLEX_TOLERANCE}.
 */
export function requireLogSimplex(value: Tensor, unmasked: Tensor): void {
  const categories = value.shape[value.rank - 1];
  const { values, flags } = readSlices(value, unmasked);
  const support =
    'lie in the log-simplex along the last axis (finite entries with log-sum-exp 0; exactly −Infinity where a category is masked)';
  for (let start = 0; start < values.length; start += categories) {
    let largest = Number.NEGATIVE_INFINITY;
    for (let i = start; i < start + categories; i++) {
      const inSupport = flags[i]
        ? Number.isFinite(values[i]) && values[i] <= SIMPLEX_TOLERANCE
        : values[i] === Number.NEGATIVE_INFINITY;
      if (!inSupport) throw sliceError(support, values, start, categories);
      largest = Math.max(largest, values[i]);
    }
    let total = 0;
    for (let i = start; i < start + categories; i++) total += Math.exp(values[i] - largest);
    if (!(Math.abs(largest + Math.log(total)) <= SIMPLEX_TOLERANCE)) {
      throw sliceError(support, values, start, categories);
    }
  }
}

/** Checks every element lies strictly inside (0, 1). */
export function requireOpenUnitInterval(value: Tensor): void {
  tf.tidy(() =>
    requireSupport(tf.logicalAnd(tf.greater(value, 0), tf.less(value, 1)), 'lie in the open interval (0, 1)'),
  );
}
