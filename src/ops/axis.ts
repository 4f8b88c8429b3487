import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';

/** Softmax along any axis, max subtracted first (−Infinity entries give exactly 0). */
export function softmaxAlong(scores: Tensor, axis: number): Tensor {
  return tf.tidy(() => {
    const shifted = tf.sub(scores, tf.max(scores, axis, true));
    const exps = tf.exp(shifted);
    return tf.div(exps, tf.sum(exps, axis, true));
  });
}

/** Log-softmax along any axis, max subtracted first. */
export function logSoftmaxAlong(scores: Tensor, axis: number): Tensor {
  return tf.tidy(() => {
    const shifted = tf.sub(scores, tf.max(scores, axis, true));
    return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
  });
}

/**
 * Float32 one-hot of int32 `indices`, with the new axis of size `depth` inserted at `axis` of the
 * result (tf.oneHot only appends it last). Exactly one 1 per slice.
 *
 * Built with tf.oneHot (int32) and a cast: on wasm, comparing against a broadcast range with
 * tf.equal was measured 50× slower, and tf.oneHot with a float32 dtype returns wrong values.
 */
export function oneHotAlong(indices: Tensor, depth: number, axis: number): Tensor {
  return tf.tidy(() => {
    const oneHotLast = tf.cast(tf.oneHot(indices, depth), 'float32');
    const rank = indices.rank;
    if (axis === rank) return oneHotLast;
    const permutation = [...Array(rank + 1).keys()].map((i) => (i < axis ? i : i === axis ? rank : i - 1));
    return tf.transpose(oneHotLast, permutation);
  });
}

/** Sums a broadcast gradient back down to `shape` (the shape of the input that was broadcast). */
export function sumToShape(gradient: Tensor, shape: number[]): Tensor {
  return tf.tidy(() => {
    const axes = tf.backend_util.getReductionAxes(shape, gradient.shape);
    const summed = axes.length > 0 ? tf.sum(gradient, axes) : gradient;
    return tf.reshape(summed, shape);
  });
}

/** Moves `axis` to the last position and returns the permutation that was applied. */
export function moveAxisLast(tensor: Tensor, axis: number): { moved: Tensor; permutation: number[] } {
  const permutation = [...Array(tensor.rank).keys()].filter((a) => a !== axis).concat(axis);
  return { moved: axis === tensor.rank - 1 ? tensor : tf.transpose(tensor, permutation), permutation };
}

/** Inverse of {@link moveAxisLast}. */
export function moveLastAxisTo(tensor: Tensor, permutation: number[]): Tensor {
  if (permutation.every((a, i) => a === i)) return tensor;
  const inverse = new Array<number>(permutation.length);
  permutation.forEach((source, target) => {
    inverse[source] = target;
  });
  return tf.transpose(tensor, inverse);
}
