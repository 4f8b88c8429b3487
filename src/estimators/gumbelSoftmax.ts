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
  const temperature = temperatureOption(options.temperature);
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(logits, options);
    // the soft view alone: the fused kernel then skips the one-hot
    const soft = gumbelSoftmaxOp(prepared, { temperature, seed: options.seed, validateArgs: false });
    return { sample: soft, loss: callLoss(loss, soft, prepared.shape) };
  });
}
