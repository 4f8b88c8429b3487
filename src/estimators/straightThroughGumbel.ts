import type { Tensor } from '../tf.js';
import type { DownstreamLoss, Estimate, TemperatureOptions } from './estimator.js';
import { relaxedSampleEstimate } from './gumbelSoftmax.js';

/**
 * Straight-through Gumbel-softmax (Jang et al. 2017): the forward value is the exact one-hot of
 * argmax(logits + g), g ~ Gumbel(0, 1), an exact categorical sample; the backward pass is the
 * gradient of the soft sample softmax((logits + g)/τ) of the same noise. Biased; the bias falls and
 * the variance grows as τ → 0.
 *
 * @param options - `temperature` τ > 0 (default 1).
 * @throws {@link ArgumentError} for bad logits, τ ≤ 0 or a loss of the wrong shape.
 * @example
 * ```ts
 * const { loss } = estimators.straightThroughGumbel(logits, decoderLoss, { temperature: 0.5, seed: 3 });
 * ```
 */
export function straightThroughGumbel(
  logits: Tensor,
  loss: DownstreamLoss,
  options: TemperatureOptions = {},
): Estimate {
  return relaxedSampleEstimate(logits, loss, options, true);
}
