import { gumbelSoftmax as gumbelSoftmaxOp } from '../ops/gumbelSoftmax.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import type { DownstreamLoss, Estimate, TemperatureOptions } from './estimator.js';
import { callLoss, prepareEstimatorLogits, temperatureOption } from './shared.js';

/**
 * The Gumbel-softmax (Concrete) relaxation itself (Jang et al. 2017; Maddison et al. 2017): f is
 * evaluated at the soft sample softmax((logits + g)/τ), not at a one-hot, and differentiated
 * exactly. It is the unbiased gradient of the relaxed objective E[f(soft)], a biased one of
 * E[f(one-hot)]. Listed for comparison: its `sample` is not one-hot.
 *
 * @param options - `temperature` τ > 0 (default 1).
 * @throws {@link ArgumentError} for bad logits, τ ≤ 0 or a loss of the wrong shape.
 * @example
 * ```ts
 * const { sample, loss } = estimators.gumbelSoftmax(logits, decoderLoss, { temperature: 0.5 });
 * ```
 */
export function gumbelSoftmax(
  logits: Tensor,
  loss: DownstreamLoss,
  options: TemperatureOptions = {},
): Estimate {
  return relaxedSampleEstimate(logits, loss, options, false);
}

/**
 * f at one Gumbel-softmax draw: the soft sample, or with `hard` its straight-through one-hot (only
 * the view asked for is built). Shared by {@link gumbelSoftmax} and `straightThroughGumbel`.
 */
export function relaxedSampleEstimate(
  logits: Tensor,
  loss: DownstreamLoss,
  options: TemperatureOptions,
  hard: boolean,
): Estimate {
  const temperature = temperatureOption(options.temperature);
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(logits, options);
    const sample = gumbelSoftmaxOp(prepared, { temperature, hard, seed: options.seed, validateArgs: false });
    return { sample, loss: callLoss(loss, sample, prepared.shape) };
  });
}
