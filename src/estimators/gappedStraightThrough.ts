import { softmaxAlong } from '../ops/axis.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { checkPositiveNumber } from '../validate.js';
import type { DownstreamLoss, Estimate, TemperatureOptions } from './estimator.js';
import {
  argmaxOneHot,
  callLoss,
  pathwiseOp,
  prepareEstimatorLogits,
  softmaxBackward,
  temperatureOption,
} from './shared.js';

/** Options of {@link gappedStraightThrough}. */
export interface GappedStraightThroughOptions extends TemperatureOptions {
  /** κ > 0 (default 1): how far below the sampled logit the other logits are pushed. */
  gap?: number;
}

/**
 * Gapped straight-through (GST; Fan et al. 2022): the forward value is the exact one-hot D of a
 * Gumbel-max sample; the backward pass is that of softmax((θ + m)/τ), θ = log softmax(logits), with
 * the deterministic perturbation m = stopgrad(m₁ − m₂): m₁ = (max θ − θ)·D lifts the sampled logit
 * to the maximum, m₂ = relu(θ − max θ + κ)·(1 − D) pushes every other logit at least κ below it.
 * Like ST Gumbel-softmax without its noise in the backward pass; biased.
 *
 * @param options - `temperature` τ > 0 (default 1), `gap` κ > 0 (default 1).
 * @throws {@link ArgumentError} for bad logits, τ ≤ 0, κ ≤ 0, a loss of the wrong shape.
 * @example
 * ```ts
 * const { loss } = estimators.gappedStraightThrough(logits, decoderLoss, { temperature: 0.5, gap: 1, seed: 3 });
 * ```
 */
export function gappedStraightThrough(
  logits: Tensor,
  loss: DownstreamLoss,
  options: GappedStraightThroughOptions = {},
): Estimate {
  const temperature = temperatureOption(options.temperature);
  const gap = options.gap ?? 1;
  checkPositiveNumber(gap, 'gap');
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(logits, options);
    const noise = gumbelNoise(prepared.shape, options.seed);
    const sample = pathwiseOp(
      prepared,
      (input) => {
        const value = argmaxOneHot(tf.add(input, noise));
        const logProbs = tf.logSoftmax(input);
        const top = tf.max(logProbs, -1, true);
        const lift = tf.mul(tf.sub(top, logProbs), value);
        const push = tf.mul(tf.relu(tf.add(tf.sub(logProbs, top), gap)), tf.sub(1, value));
        const soft = softmaxAlong(tf.div(tf.sub(tf.add(logProbs, lift), push), temperature), -1);
        return { value, saved: [soft] };
      },
      (dy, [soft]) => tf.div(softmaxBackward(dy, soft), temperature),
    );
    return { sample, loss: callLoss(loss, sample, prepared.shape) };
  });
}
