import { resolveGenerator } from '../random/generator.js';
import { logisticNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import type { DownstreamLoss, Estimate, EstimatorOptions } from './estimator.js';
import { callLoss, checkCount, prepareEstimatorLogits } from './shared.js';

/** Options of {@link disarm}. */
export interface DisarmOptions extends EstimatorOptions {
  /** n ≥ 1 (default 1): independent antithetic pairs averaged per estimate; f is evaluated 2n times. */
  pairs?: number;
}

/**
 * Zeros of the loss's shape whose gradient with respect to the logits is Σ_p weights_p·perLogit_p
 * scaled by dy: `weights` [P, ...lossShape], `perLogit` [P, ...logits.shape].
 */
export function disarmSurrogate(
  logits: Tensor,
  lossShape: number[],
  weights: Tensor,
  perLogit: Tensor,
): Tensor {
  const trailing = new Array<number>(logits.rank - lossShape.length).fill(1);
  const op = tf.customGrad((_input, save) => {
    (save as tf.GradSaveFunc)([weights, perLogit]);
    return {
      value: tf.zeros(lossShape),
      gradFunc: (dy: Tensor, [savedWeights, savedPerLogit]: Tensor[]) =>
        tf.tidy(() =>
          tf.sum(
            tf.mul(
              tf.reshape(tf.mul(savedWeights, dy), [savedWeights.shape[0], ...lossShape, ...trailing]),
              savedPerLogit,
            ),
            0,
          ),
        ),
    };
  });
  return op(logits);
}

/** 1[α + ε > 0] as a tensor through which no gradient flows (no comparison op on the tape). */
export function bitsOf(alpha: Tensor, noise: Tensor): Tensor {
  const draw = tf.customGrad((input) => ({
    value: tf.cast(tf.greater(tf.add(input as Tensor, noise), 0), 'float32'),
    gradFunc: (dy: Tensor) => tf.zerosLike(dy),
  }));
  return draw(alpha);
}

/**
 * DisARM (Dong, Mnih & Tucker 2020) for binary latents b ~ Bernoulli(σ(α)), any shape: an antithetic
 * pair b = 1[α + ε > 0], b̃ = 1[α − ε > 0] from one logistic ε per bit, and the unbiased estimate
 * ĝ_i = ½·(f(b) − f(b̃))·(−1)^b̃ᵢ·1[bᵢ ≠ b̃ᵢ]·σ(|αᵢ|) — ARM with the antithetic noise integrated out, never
 * worse than ARM and, per bit, than REINFORCE with the pair's leave-one-out baseline. With `pairs`
 * n > 1 the estimates of n independent pairs are averaged. `loss` is the mean of f over the 2n
 * draws (variables f reads get that mean's gradient); `sample` is the first b. Unlike
 * {@link binary}-wrapped estimators it takes the Bernoulli logits directly; f receives b (0/1, the
 * logits' shape) and returns a scalar or losses whose shape is a leading part of the logits' shape.
 *
 * @throws {@link ArgumentError} for bad logits, `pairs` not an integer ≥ 1, a loss of the wrong shape.
 * @example
 * ```ts
 * const { sample, loss } = estimators.disarm(bernoulliLogits, decoderLoss, { pairs: 2, seed: 1 });
 * ```
 */
export function disarm(logits: Tensor, loss: DownstreamLoss, options: DisarmOptions = {}): Estimate {
  const pairs = options.pairs ?? 1;
  checkCount(pairs, 1, 'pairs');
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(tf.expandDims(logits, -1), options);
    const alpha = tf.squeeze(prepared, [-1]);
    const generator = resolveGenerator(options.seed);
    const scale = tf.sigmoid(tf.abs(alpha));
    const samples: Tensor[] = [];
    const values: Tensor[] = [];
    const weights: Tensor[] = [];
    const perLogit: Tensor[] = [];
    for (let pair = 0; pair < pairs; pair++) {
      const noise = logisticNoise(alpha.shape, generator);
      const first = bitsOf(alpha, noise);
      const second = bitsOf(alpha, tf.neg(noise));
      const firstLoss = callLoss(loss, first, prepared.shape);
      const secondLoss = callLoss(loss, second, prepared.shape);
      samples.push(first);
      values.push(firstLoss, secondLoss);
      weights.push(tf.mul(tf.sub(firstLoss, secondLoss), 0.5 / pairs));
      // (−1)^b̃ · 1[b ≠ b̃] · σ(|α|) = (b − b̃)·σ(|α|), since b ≠ b̃ means b̃ = 1 − b.
      perLogit.push(tf.mul(tf.sub(first, second), scale));
    }
    const lossShape = values[0].shape;
    const surrogate = disarmSurrogate(alpha, lossShape, tf.stack(weights), tf.stack(perLogit));
    return { sample: samples[0], loss: tf.add(tf.mean(tf.stack(values), 0), surrogate) };
  });
}
