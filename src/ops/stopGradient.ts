import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';

/**
 * Returns a copy of `x` through which no gradient flows (its gradient is zero), like PyTorch's
 * `detach()` and JAX's `lax.stop_gradient`, which TF.js lacks.
 */
export function stopGradient<T extends Tensor>(x: T): T {
  const blocked = tf.customGrad((input) => ({
    value: tf.clone(input as Tensor),
    gradFunc: (dy: Tensor) => tf.zerosLike(dy),
  }));
  return blocked(x) as T;
}
