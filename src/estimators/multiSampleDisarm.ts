import { resolveGenerator } from '../random/generator.js';
import { logisticNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import { bitsOf, disarmSurrogate } from './disarm.js';
import type { DownstreamLoss, Estimate, EstimatorOptions } from './estimator.js';
import { callLoss, prepareEstimatorLogits } from './shared.js';

/**
 * One-hot masks along `axis` of a tensor of shape `shape`: [n, 1, …, n, …, 1], mask i selecting
 * index i of that axis.
 */
function masksAlong(shape: number[], axis: number): Tensor {
  const count = shape[axis];
  const broadcastShape = shape.map((size, i) => (i === axis ? size : 1));
  return tf.reshape(tf.eye(count), [count, ...broadcastShape]);
}

/**
 * Multi-sample ("local") DisARM (Dong, Mnih & Tucker 2020) for an objective f(b₁, …, bₙ) of n
 * independent binary samples b_i ~ Bernoulli(σ(α_i)), such as the importance-weighted bound
 * log (1/n) Σ_i w(b_i). Each sample b_i gets an antithetic partner b̃_i (the same logistic noise,
 * negated), and its estimate uses the local learning signal of swapping that one sample:
 * ĝ_i = ½·(f(b) − f(b₁, …, b̃_i, …, bₙ))·(−1)^b̃ᵢ·1[b_i ≠ b̃_i]·σ(|α_i|) — DisARM for b_i with the other
 * samples held fixed, so the other samples act as a leave-one-out baseline and the estimate stays
 * unbiased for any f. Costs n + 1 evaluations of f.
 *
 * The n samples lie on the first axis after the loss's: f receives b (0/1, the logits' shape) and
 * returns a scalar or one loss per example whose shape is a leading part of the logits' shape, and
 * the axis right after those is the samples axis (logits [n, ...] and a scalar f; or [batch, n, ...]
 * and f returning [batch]). Give every sample the same logits by tiling them; the gradient sums
 * back through the tile. Any finer axes (bits within a sample) are swapped together. `loss` is
 * f(b); variables f reads get its gradient. `sample` is b.
 *
 * @throws {@link ArgumentError} for bad logits, or a loss of the wrong shape or with no axis left
 *   for the samples.
 * @example
 * ```ts
 * // 5 samples of 200 bits, one bound per example of the batch: logits [batch, 5, 200].
 * const { loss } = estimators.multiSampleDisarm(logits, (b) => negativeBound(b), { seed: 1 });
 * ```
 */
export function multiSampleDisarm(
  logits: Tensor,
  loss: DownstreamLoss,
  options: EstimatorOptions = {},
): Estimate {
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(tf.expandDims(logits, -1), options);
    const alpha = tf.squeeze(prepared, [-1]);
    const noise = logisticNoise(alpha.shape, resolveGenerator(options.seed));
    const first = bitsOf(alpha, noise);
    const second = bitsOf(alpha, tf.neg(noise));
    const value = callLoss(loss, first, prepared.shape);
    const axis = value.rank;
    if (axis >= alpha.rank) {
      throw new ArgumentError(
        'loss',
        `must reduce over the samples axis: a loss of shape [${value.shape}] leaves no axis of the logits' shape [${alpha.shape}] for the samples`,
      );
    }
    const masks = masksAlong(alpha.shape, axis);
    const difference = tf.sub(first, second);
    const weights: Tensor[] = [];
    for (let i = 0; i < alpha.shape[axis]; i++) {
      const mask = tf.squeeze(tf.slice(masks, i, 1), [0]);
      const swapped = tf.sub(first, tf.mul(mask, difference));
      weights.push(tf.mul(tf.sub(value, callLoss(loss, swapped, prepared.shape)), 0.5));
    }
    // (−1)^b̃ · 1[b ≠ b̃] · σ(|α|) = (b − b̃)·σ(|α|), kept only on sample i for its weight.
    const perLogit = tf.mul(masks, tf.mul(difference, tf.sigmoid(tf.abs(alpha))));
    const surrogate = disarmSurrogate(alpha, value.shape, tf.stack(weights), perLogit);
    return { sample: first, loss: tf.add(value, surrogate) };
  });
}
