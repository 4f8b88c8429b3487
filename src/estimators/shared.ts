/**
 * Building blocks shared by the estimators: input checks, the call of the downstream loss, an
 * off-tape one-hot sample, a pathwise op with a hand-written backward pass, and the zero-valued
 * surrogates that carry score-function and control-variate gradients.
 */
import { oneHotAlong, softmaxAlong } from '../ops/axis.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, checkLogits, checkPositiveNumber, toFloatTensor } from '../validate.js';
import type { DownstreamLoss, EstimatorOptions } from './estimator.js';

/** Converts and (unless `validateArgs` is false) checks logits with categories on the last axis. */
export function prepareEstimatorLogits(logits: Tensor, options: EstimatorOptions): Tensor {
  const tensor = toFloatTensor(logits, 'logits');
  if (tensor.rank < 1) {
    throw new ArgumentError('logits', 'must have rank >= 1 (categories on the last axis), got a scalar');
  }
  if (options.validateArgs !== false) checkLogits(tensor, tensor.rank - 1);
  return tensor;
}

/** The temperature option: default 1, otherwise a finite number > 0. */
export function temperatureOption(temperature: number | undefined): number {
  if (temperature === undefined) return 1;
  checkPositiveNumber(temperature, 'temperature');
  return temperature;
}

/** Checks an integer count option is at least `minimum`. */
export function checkCount(value: number, minimum: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new ArgumentError(name, `must be an integer >= ${minimum}, got ${value}`);
  }
}

/**
 * Calls the downstream loss and checks it returned one float loss per example: a shape that is a
 * leading part of the logits' shape without the category axis.
 */
export function callLoss(loss: DownstreamLoss, sample: Tensor, logitsShape: number[]): Tensor {
  const value = loss(sample);
  const batchShape = logitsShape.slice(0, -1);
  const fits =
    value instanceof tf.Tensor &&
    value.dtype === 'float32' &&
    value.rank <= batchShape.length &&
    value.shape.every((size, i) => size === batchShape[i]);
  if (!fits) {
    const got =
      value instanceof tf.Tensor ? `a ${value.dtype} tensor of shape [${value.shape}]` : typeof value;
    throw new ArgumentError(
      'loss',
      `must return a float32 tensor whose shape is a leading part of [${batchShape}] (a scalar or one loss per example), got ${got}`,
    );
  }
  return value;
}

/** Softmax backward: Jᵀdy = soft ⊙ (dy − Σ_last dy ⊙ soft). */
export function softmaxBackward(dy: Tensor, soft: Tensor): Tensor {
  return tf.tidy(() => tf.mul(soft, tf.sub(dy, tf.sum(tf.mul(dy, soft), -1, true))));
}

/** The exact one-hot of argmax(logits + noise) along the last axis (ties to the first index). */
export function argmaxOneHot(perturbed: Tensor): Tensor {
  return tf.tidy(() =>
    oneHotAlong(tf.argMax(perturbed, -1), perturbed.shape[perturbed.rank - 1], perturbed.rank - 1),
  );
}

/**
 * The one-hot of argmax(logits + noise) as a tensor through which no gradient flows. It is computed
 * inside a custom op, so no comparison op lands on the gradient tape (tf.grad cannot differentiate
 * those).
 */
export function sampleOneHot(logits: Tensor, noise: Tensor): Tensor {
  const draw = tf.customGrad((input) => ({
    value: argmaxOneHot(tf.add(input as Tensor, noise)),
    gradFunc: (dy: Tensor) => tf.zerosLike(dy),
  }));
  return draw(logits);
}

/**
 * A pathwise estimator's op: `forward` computes the value (a one-hot) and the tensors the backward
 * pass needs, off the gradient tape; `backward` maps dL/d(value) to dL/d(logits).
 */
export function pathwiseOp(
  logits: Tensor,
  forward: (logits: Tensor) => { value: Tensor; saved: Tensor[] },
  backward: (dy: Tensor, saved: Tensor[]) => Tensor,
): Tensor {
  const op = tf.customGrad((input, save) => {
    const { value, saved } = forward(input as Tensor);
    (save as tf.GradSaveFunc)(saved);
    return { value, gradFunc: (dy: Tensor, kept: Tensor[]) => tf.tidy(() => backward(dy, kept)) };
  });
  return op(logits);
}

/**
 * A tensor of zeros of the loss's shape whose gradient with respect to the logits is the
 * score-function term Σ_s w_s ∇log p(z_s) = Σ_s w_s (z_s − softmax(logits)), scaled by the incoming
 * gradient. `samples` are one-hots `[S, ...logits.shape]`, `weights` constants `[S, ...lossShape]`.
 * Adding it to a loss changes the loss's gradient, not its value.
 */
export function scoreSurrogate(logits: Tensor, samples: Tensor, weights: Tensor): Tensor {
  const lossShape = weights.shape.slice(1);
  const trailing = new Array<number>(logits.rank - lossShape.length).fill(1);
  const op = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([input as Tensor, samples, weights]);
    return {
      value: tf.zeros(lossShape),
      gradFunc: (dy: Tensor, [savedLogits, savedSamples, savedWeights]: Tensor[]) =>
        tf.tidy(() => {
          const probabilities = softmaxAlong(savedLogits, -1);
          const scaled = tf.reshape(tf.mul(savedWeights, dy), [
            savedWeights.shape[0],
            ...lossShape,
            ...trailing,
          ]);
          return tf.sum(tf.mul(scaled, tf.sub(savedSamples, probabilities)), 0);
        }),
    };
  });
  return op(logits);
}

/** Zeros forward, the identity backward: adds `x`'s gradient to a loss without changing its value. */
export function gradientOnly(x: Tensor): Tensor {
  const op = tf.customGrad((input) => ({
    value: tf.zerosLike(input as Tensor),
    gradFunc: (dy: Tensor) => tf.clone(dy),
  }));
  return op(x);
}
