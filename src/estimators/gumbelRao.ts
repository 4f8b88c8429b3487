import { softmaxAlong } from '../ops/axis.js';
import { resolveGenerator } from '../random/generator.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { conditionalGumbel } from './conditionalGumbel.js';
import type { DownstreamLoss, Estimate, TemperatureOptions } from './estimator.js';
import {
  argmaxOneHot,
  callLoss,
  checkCount,
  pathwiseOp,
  prepareEstimatorLogits,
  softmaxBackward,
  temperatureOption,
} from './shared.js';

/** Options of {@link gumbelRao}. */
export interface GumbelRaoOptions extends TemperatureOptions {
  /** k ≥ 1 (default 10): conditional Gumbel draws averaged per estimate. k = 1 is ST Gumbel-softmax. */
  k?: number;
}

/**
 * Gumbel-Rao (Paulus et al. 2021, Eq. 9), the Rao-Blackwellized straight-through Gumbel-softmax:
 * the forward value is the exact one-hot D of argmax(logits + g); the backward pass averages the
 * soft sample's Jacobian ∂softmax((logits + G)/τ)/∂logits over k Gumbel draws G conditioned on
 * argmax(logits + G) = D (see {@link conditionalGumbel}). Same expectation as ST Gumbel-softmax, lower
 * variance; k = 1 has ST Gumbel-softmax's distribution. Costs k softmaxes, but f is evaluated once.
 *
 * @param options - `temperature` τ > 0 (default 1), `k` (default 10).
 * @throws {@link ArgumentError} for bad logits, τ ≤ 0, k not an integer ≥ 1, a loss of the wrong shape.
 * @example
 * ```ts
 * const { loss } = estimators.gumbelRao(logits, decoderLoss, { temperature: 0.5, k: 10, seed: 3 });
 * ```
 */
export function gumbelRao(logits: Tensor, loss: DownstreamLoss, options: GumbelRaoOptions = {}): Estimate {
  const temperature = temperatureOption(options.temperature);
  const draws = options.k ?? 10;
  checkCount(draws, 1, 'k');
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(logits, options);
    const generator = resolveGenerator(options.seed);
    const noise = gumbelNoise(prepared.shape, generator);
    const sample = pathwiseOp(
      prepared,
      (input) => {
        const value = argmaxOneHot(tf.add(input, noise));
        const perturbed = conditionalGumbel(input, value, { draws, seed: generator, validateArgs: false });
        return { value, saved: [softmaxAlong(tf.div(perturbed, temperature), -1)] };
      },
      (dy, [softs]) => tf.div(tf.mean(softmaxBackward(dy, softs), 0), temperature),
    );
    return { sample, loss: callLoss(loss, sample, prepared.shape) };
  });
}
