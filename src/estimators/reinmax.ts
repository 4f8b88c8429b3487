import { softmaxAlong } from '../ops/axis.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import type { DownstreamLoss, Estimate, TemperatureOptions } from './estimator.js';
import { argmaxOneHot, callLoss, pathwiseOp, prepareEstimatorLogits, softmaxBackward } from './shared.js';

/** Checks ReinMax's temperature: a finite number ≥ 1. */
export function checkReinmaxTemperature(temperature: number): void {
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 1) {
    throw new ArgumentError(
      'temperature',
      `must be a finite number >= 1 for ReinMax (its second-order approximation needs τ ≥ 1; Liu et al. 2023), got ${temperature}`,
    );
  }
}

/**
 * ReinMax (Liu et al. 2023, Algorithm 2), a second-order straight-through estimator: the forward
 * value is a one-hot sample D of Categorical(π₀), π₀ = softmax(logits); the backward pass applies
 * Heun's method instead of ST's Euler step,
 * ∇ = 2·J(π₁)ᵀdy − ½·J(π₀)ᵀdy with π₁ = (D + softmax(logits/τ))/2 and J(π)ᵀdy = π ⊙ (dy − Σ dy ⊙ π),
 * as in the authors' `ReinMax_Auto`. Needs τ ≥ 1.
 *
 * @param options - `temperature` τ ≥ 1 (default 1).
 * @throws {@link ArgumentError} for τ < 1 (naming the range), bad logits or a loss of the wrong shape.
 * @example
 * ```ts
 * const { loss } = estimators.reinmax(logits, decoderLoss, { temperature: 1.3, seed: 3 });
 * ```
 */
export function reinmax(logits: Tensor, loss: DownstreamLoss, options: TemperatureOptions = {}): Estimate {
  const temperature = options.temperature ?? 1;
  checkReinmaxTemperature(temperature);
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(logits, options);
    const noise = gumbelNoise(prepared.shape, options.seed);
    const sample = pathwiseOp(
      prepared,
      (input) => {
        const value = argmaxOneHot(tf.add(input, noise));
        const probabilities = softmaxAlong(input, -1);
        const midpoint = tf.mul(tf.add(value, softmaxAlong(tf.div(input, temperature), -1)), 0.5);
        return { value, saved: [probabilities, midpoint] };
      },
      (dy, [probabilities, midpoint]) =>
        tf.sub(tf.mul(softmaxBackward(dy, midpoint), 2), tf.mul(softmaxBackward(dy, probabilities), 0.5)),
    );
    return { sample, loss: callLoss(loss, sample, prepared.shape) };
  });
}
