import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';

/**
 * The straight-through estimator: forward value exactly `hard`, backward gradient that of `soft`
 * (no gradient reaches `hard`). Unlike the usual `hard − stopGradient(soft) + soft`, the forward
 * value is bit-for-bit `hard`, so a one-hot stays exactly one-hot.
 */
export function straightThrough(hard: Tensor, soft: Tensor): Tensor {
  if (hard.shape.length !== soft.shape.length || hard.shape.some((d, i) => d !== soft.shape[i])) {
    throw new ArgumentError('hard', `must have the shape of soft [${soft.shape}], got [${hard.shape}]`);
  }
  const passThrough = tf.customGrad((softInput) => ({
    value: tf.cast(hard, (softInput as Tensor).dtype),
    gradFunc: (dy: Tensor) => tf.clone(dy),
  }));
  return passThrough(soft);
}
