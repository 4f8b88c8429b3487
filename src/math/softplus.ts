import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';

/**
 * softplus(x) = log(1 + eˣ), computed as max(x, 0) + log1p(e^(−|x|)) so it neither overflows for
 * large x nor loses the tail for very negative x. Its gradient, by autodiff, is sigmoid(x).
 *
 * @returns a new tensor of the shape of `x`.
 */
export function softplus(x: Tensor): Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
}
