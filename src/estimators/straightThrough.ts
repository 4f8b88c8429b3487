import { softmaxAlong } from '../ops/axis.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import type { DownstreamLoss, Estimate, TemperatureOptions } from './estimator.js';
import {
  argmaxOneHot,
  callLoss,
  pathwiseOp,
  prepareEstimatorLogits,
  softmaxBackward,
  temperatureOption,
} from './shared.js';

/**
 * The straight-through estimator without noise in the backward pass (Bengio et al. 2013): the
 * forward value is a one-hot sample of Categorical(softmax(logits)) (drawn by Gumbel-max), the
 * backward pass is the gradient of the probabilities softmax(logits/τ), as if dz/dlogits were
 * ∂softmax(logits/τ)/∂logits. Biased; low variance.
 *
 * @param options - `temperature` τ > 0 (default 1) of the backward softmax.
 * @throws {@link ArgumentError} for bad logits, τ ≤ 0 or a loss of the wrong shape.
 * @example
 * ```ts
 * const { loss } = estimators.straightThrough(logits, (z) => tf.sum(tf.mul(z, costs), -1), { seed: 3 });
 * ```
 */
export function straightThrough(
  logits: Tensor,
  loss: DownstreamLoss,
  options: TemperatureOptions = {},
): Estimate {
  const temperature = temperatureOption(options.temperature);
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(logits, options);
    const noise = gumbelNoise(prepared.shape, options.seed);
    const sample = pathwiseOp(
      prepared,
      (input) => ({
        value: argmaxOneHot(tf.add(input, noise)),
        saved: [softmaxAlong(tf.div(input, temperature), -1)],
      }),
      (dy, [probabilities]) => tf.div(softmaxBackward(dy, probabilities), temperature),
    );
    return { sample, loss: callLoss(loss, sample, prepared.shape) };
  });
}
