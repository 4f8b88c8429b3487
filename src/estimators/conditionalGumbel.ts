import type { Seed } from '../random/generator.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import { checkCount } from './shared.js';

/** Options of {@link conditionalGumbel}. */
export interface ConditionalGumbelOptions {
  /** How many independent draws (default 1); they stack on a new leading axis. */
  draws?: number;
  /** Integer seed or generator; without one, each call draws fresh noise. */
  seed?: Seed;
  /** Check that `sample` is a one-hot of the logits' shape (default true; reads it once). */
  validateArgs?: boolean;
}

function checkOneHot(sample: Tensor, logits: Tensor): void {
  if (sample.rank !== logits.rank || sample.shape.some((size, i) => size !== logits.shape[i])) {
    throw new ArgumentError('sample', `must have the logits' shape [${logits.shape}], got [${sample.shape}]`);
  }
  const values = sample.dataSync();
  const categories = logits.shape[logits.rank - 1];
  for (let start = 0; start < values.length; start += categories) {
    let ones = 0;
    for (let c = 0; c < categories; c++) {
      const value = values[start + c];
      if (value === 1) ones++;
      else if (value !== 0) ones = Number.NaN;
    }
    if (ones !== 1) {
      throw new ArgumentError(
        'sample',
        `must be one-hot along the last axis; slice ${start / categories} is not`,
      );
    }
  }
}

/**
 * The conditional Gumbel map: given log-probabilities, the winner (one-hot `sample`) and standard
 * Gumbel `noise` `[draws, ...shape]`, the winner gets its own noise value as the maximum and every
 * other category the truncated value −log(e^(−max) + e^(−(log p_k + noise_k))). Differentiable in
 * `logProbs`. Call inside a tidy.
 */
export function conditionalGumbelMap(logProbs: Tensor, sample: Tensor, noise: Tensor): Tensor {
  // The winner's value, broadcast over the categories by an add (tf.minimum's gradient does not
  // reduce broadcasts, and tf.broadcastTo is a tile, whose gradient stops at rank 4).
  const top = tf.add(tf.sum(tf.mul(noise, sample), -1, true), tf.zerosLike(noise));
  // −logaddexp(−top, −perturbed), written so that a masked (+∞) argument gives −∞ without NaN.
  const negTop = tf.neg(top);
  const negPerturbed = tf.neg(tf.add(logProbs, noise));
  const larger = tf.maximum(negTop, negPerturbed);
  const gap = tf.abs(tf.sub(negTop, negPerturbed));
  const truncated = tf.neg(tf.add(larger, tf.log1p(tf.exp(tf.neg(gap)))));
  // A float32 step below the maximum at most, so the winner stays the strict argmax.
  const ceiling = tf.sub(top, tf.add(tf.mul(tf.abs(top), 2 ** -22), 1e-30));
  const losers = tf.minimum(truncated, ceiling);
  return tf.add(tf.mul(sample, top), tf.mul(tf.sub(1, sample), losers));
}

/**
 * Gumbel perturbations conditioned on the winner: draws of z = log softmax(logits) + g, with
 * g ~ Gumbel(0, 1) i.i.d., conditioned on argmax z being the category that `sample` (a one-hot)
 * picks. The winner's value is the maximum, a Gumbel(0, 1) draw independent of the winner; every
 * other z_k is a Gumbel(log p_k) truncated below it, −log(e^(−max) + e^(−(log p_k + g'_k)))
 * (Maddison et al. 2014; Tucker et al. 2017, App. C; Paulus et al. 2021, App. A). Losers are
 * clamped a float32 step below the maximum, so the argmax of every draw is exactly the given
 * category. Masked (−Infinity) categories stay −Infinity. Differentiable in the logits
 * (the reparameterization REBAR needs).
 *
 * @param sample - one-hot float32 tensor of the logits' shape.
 * @returns `[draws, ...logits.shape]`.
 * @example
 * ```ts
 * const perturbed = estimators.conditionalGumbel(logits, oneHot, { draws: 10, seed: 4 });
 * ```
 */
export function conditionalGumbel(
  logits: Tensor,
  sample: Tensor,
  options: ConditionalGumbelOptions = {},
): Tensor {
  const draws = options.draws ?? 1;
  checkCount(draws, 1, 'draws');
  if (options.validateArgs !== false) checkOneHot(sample, logits);
  return tf.tidy(() =>
    conditionalGumbelMap(tf.logSoftmax(logits), sample, gumbelNoise([draws, ...logits.shape], options.seed)),
  );
}
