/**
 * The learned part of RELAX's control variate: a one-hidden-layer network r(y) = w₂·tanh(W₁ᵀy + b₁) + b₂
 * of one relaxed categorical sample y (categories on the last axis), with its directional derivative,
 * so that the variance gradient needs only first-order autodiff (TF.js's second-order gradients are
 * wrong for ops that save their output, such as exp and tanh).
 */
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';

/** The network's weights as tensors. */
export interface ControlVariateWeights {
  /** W₁, [categories, hidden]. */
  hidden: Tensor;
  /** b₁, [hidden]. */
  hiddenBias: Tensor;
  /** w₂, [hidden, 1]. */
  output: Tensor;
  /** b₂, [1]. */
  outputBias: Tensor;
}

/** How many numbers the weights of a network with `categories` inputs and `hidden` units hold. */
export function weightCount(categories: number, hidden: number): number {
  return hidden === 0 ? 0 : categories * hidden + 2 * hidden + 1;
}

/** Splits a flat array into the weight tensors (the order of {@link ControlVariateWeights}). */
export function weightsFromArray(
  flat: Float32Array,
  categories: number,
  hidden: number,
): ControlVariateWeights {
  const sizes = [categories * hidden, hidden, hidden, 1];
  const shapes = [[categories, hidden], [hidden], [hidden, 1], [1]];
  let start = 0;
  const [hiddenWeights, hiddenBias, output, outputBias] = sizes.map((size, i) => {
    const tensor = tf.tensor(flat.subarray(start, start + size), shapes[i]);
    start += size;
    return tensor;
  });
  return { hidden: hiddenWeights, hiddenBias, output, outputBias };
}

function preActivation(weights: ControlVariateWeights, relaxed: Tensor): Tensor {
  const categories = relaxed.shape[relaxed.rank - 1];
  return tf.add(tf.matMul(tf.reshape(relaxed, [-1, categories]), weights.hidden), weights.hiddenBias);
}

/** r(y) for relaxed samples [..., K]: one value per categorical, shape [...]. */
export function networkValue(weights: ControlVariateWeights, relaxed: Tensor): Tensor {
  return tf.tidy(() => {
    const hidden = tf.tanh(preActivation(weights, relaxed));
    const value = tf.add(tf.matMul(hidden, weights.output), weights.outputBias);
    return tf.reshape(value, relaxed.shape.slice(0, -1));
  });
}

/** The directional derivative Dr(y)[ẏ] = w₂·((1 − h²) ⊙ W₁ᵀẏ), one per categorical, shape [...]. */
export function networkTangent(weights: ControlVariateWeights, relaxed: Tensor, tangent: Tensor): Tensor {
  return tf.tidy(() => {
    const categories = relaxed.shape[relaxed.rank - 1];
    const hidden = tf.tanh(preActivation(weights, relaxed));
    const hiddenTangent = tf.mul(
      tf.sub(1, tf.square(hidden)),
      tf.matMul(tf.reshape(tangent, [-1, categories]), weights.hidden),
    );
    return tf.reshape(tf.matMul(hiddenTangent, weights.output), relaxed.shape.slice(0, -1));
  });
}
