import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, type Temperature } from '../validate.js';
import { softmaxAlong, sumToShape } from './axis.js';

/**
 * y = softmax((logits + noise) / temperature) along `axis`, with the analytic gradient
 * ∂L/∂logits = (1/τ)·y⊙(ḡ − Σ ḡ⊙y) and ∂L/∂τ = −Σ (∂L/∂scores)⊙scores/τ instead of autodiff
 * through the composition. Masked (−Infinity) logits get y = 0 and gradient 0, never NaN.
 *
 * `noise` is a constant (no gradient) whose shape may extend the logits' (leading sample axes).
 * A tensor temperature must broadcast against the sample without enlarging it; gradients are summed
 * back to the logits' and the temperature's own shapes.
 */
export function relaxedSoftmax(
  logits: Tensor,
  noise: Tensor,
  temperature: Temperature,
  axis: number,
): Tensor {
  if (typeof temperature === 'number') {
    const withNumber = tf.customGrad((logitsInput, save) => {
      const [soft, scores] = forward(logitsInput as Tensor, noise, temperature, axis);
      (save as tf.GradSaveFunc)([soft, scores]);
      return {
        value: soft,
        gradFunc: (dy: Tensor, saved: Tensor[]) =>
          tf.tidy(() => sumToShape(tf.div(scoreGradient(dy, saved[0], axis), temperature), logits.shape)),
      };
    });
    return withNumber(logits);
  }
  checkTemperatureShape(temperature, tf.broadcast_util.assertAndGetBroadcastShape(logits.shape, noise.shape));
  const withTensor = tf.customGrad((logitsInput, temperatureInput, save) => {
    const tau = temperatureInput as Tensor;
    const [soft, scores] = forward(logitsInput as Tensor, noise, tau, axis);
    (save as tf.GradSaveFunc)([soft, scores, tau]);
    return {
      value: soft,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [savedSoft, savedScores, savedTau] = saved;
        return tf.tidy(() => {
          const dScores = scoreGradient(dy, savedSoft, axis);
          const finiteScores = tf.where(tf.isFinite(savedScores), savedScores, tf.zerosLike(savedScores));
          const perElement = tf.neg(tf.div(tf.mul(dScores, finiteScores), savedTau));
          return [
            sumToShape(tf.div(dScores, savedTau), logits.shape),
            sumToShape(perElement, savedTau.shape),
          ];
        });
      },
    };
  });
  return withTensor(logits, temperature);
}

/** Throws unless a tensor temperature broadcasts against samples of `sampleShape` without enlarging them. */
export function checkTemperatureShape(temperature: Tensor, sampleShape: number[]): void {
  let broadcast: number[] = [];
  try {
    broadcast = tf.broadcast_util.assertAndGetBroadcastShape(sampleShape, temperature.shape);
  } catch {
    // reported below
  }
  if (broadcast.length !== sampleShape.length || broadcast.some((d, i) => d !== sampleShape[i])) {
    throw new ArgumentError(
      'temperature',
      `must broadcast against samples of shape [${sampleShape}] without enlarging them, got shape [${temperature.shape}]`,
    );
  }
}

function forward(logits: Tensor, noise: Tensor, temperature: Temperature, axis: number): [Tensor, Tensor] {
  return tf.tidy(() => {
    const scores = tf.div(tf.add(logits, noise), temperature);
    return [softmaxAlong(scores, axis), scores];
  });
}

/** Softmax backward: ∂L/∂scores = y⊙(dy − Σ_axis dy⊙y). */
function scoreGradient(dy: Tensor, soft: Tensor, axis: number): Tensor {
  return tf.tidy(() => tf.mul(soft, tf.sub(dy, tf.sum(tf.mul(dy, soft), axis, true))));
}
