import { softmaxAlong } from '../ops/axis.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import type { DownstreamLoss, Estimate, EstimatorOptions } from './estimator.js';
import { argmaxOneHot, callLoss, pathwiseOp, prepareEstimatorLogits, softmaxBackward } from './shared.js';

/**
 * ZGR, the zero-temperature limit of Gumbel-Rao (Shekhovtsov 2023): the forward value is the exact
 * one-hot D of a Gumbel-max sample, the backward pass half the straight-through gradient plus half
 * the DARN one (Gregor et al. 2014),
 * ∇ = ½·[J(p)ᵀdy + (dy · (D − p))·(D − p)] with p = softmax(logits), J(p)ᵀdy = p ⊙ (dy − Σ dy ⊙ p).
 * Biased, no temperature; exact for a loss linear in the one-hot (then both halves are exact).
 *
 * @throws {@link ArgumentError} for bad logits or a loss of the wrong shape.
 * @example
 * ```ts
 * const { loss } = estimators.zgr(logits, decoderLoss, { seed: 3 });
 * ```
 */
export function zgr(logits: Tensor, loss: DownstreamLoss, options: EstimatorOptions = {}): Estimate {
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(logits, options);
    const noise = gumbelNoise(prepared.shape, options.seed);
    const sample = pathwiseOp(
      prepared,
      (input) => {
        const value = argmaxOneHot(tf.add(input, noise));
        return { value, saved: [softmaxAlong(input, -1), value] };
      },
      (dy, [probabilities, value]) => {
        const centred = tf.sub(value, probabilities);
        const darn = tf.mul(tf.sum(tf.mul(dy, centred), -1, true), centred);
        return tf.mul(tf.add(softmaxBackward(dy, probabilities), darn), 0.5);
      },
    );
    return { sample, loss: callLoss(loss, sample, prepared.shape) };
  });
}
