import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';

/**
 * Evaluates a boolean `predicate` of `x` without recording its ops for autodiff, and returns the
 * mask. TF.js registers no gradient for most comparison and logical ops (Greater, Less, Equal,
 * LogicalNot, Any, …), and `tf.grad` throws when one of them lies between the differentiated input
 * and the output — even as the condition of a `tf.where`, which carries no gradient anyway.
 * Ops run inside a custom gradient's forward pass are not recorded, so the mask is computed there
 * and reports a zero gradient.
 */
export function untrackedMask(x: Tensor, predicate: (x: Tensor) => Tensor): Tensor {
  const masked = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([input as Tensor]);
    return {
      value: predicate(input as Tensor),
      gradFunc: (_dy: Tensor, saved: Tensor[]) => tf.zerosLike(saved[0]),
    };
  });
  return masked(x);
}
