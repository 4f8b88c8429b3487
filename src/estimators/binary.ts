import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, toFloatTensor } from '../validate.js';
import type { DownstreamLoss, Estimate, Estimator, EstimatorOptions } from './estimator.js';

/** The first of the two categories: b = z[..., 0]. */
function firstCategory(pair: Tensor): Tensor {
  return tf.sum(tf.mul(pair, tf.tensor1d([1, 0])), -1);
}

/**
 * Turns a categorical estimator into one for binary latents b ~ Bernoulli(σ(logits)), any shape:
 * each logit ℓ becomes the pair of categories (ℓ, 0), since Bernoulli(σ(ℓ)) = Categorical(softmax(ℓ, 0)),
 * and b is the first category's indicator. The relaxations become the binary Concrete (relaxed
 * Bernoulli) ones: softmax((ℓ + g₁, g₂)/τ)₀ = σ((ℓ + L)/τ) with L = g₁ − g₂ logistic (Maddison et al.
 * 2017). So `binary(straightThroughGumbel)` is straight-through relaxed Bernoulli, `binary(gumbelRao)`
 * its Rao-Blackwellized form, `binary(scoreFunction)` REINFORCE for Bernoulli latents. f receives b
 * (0/1, the logits' shape; soft for `gumbelSoftmax`) and returns a scalar or one loss per example.
 *
 * @example
 * ```ts
 * const stBernoulli = estimators.binary(estimators.straightThroughGumbel);
 * const { sample, loss } = stBernoulli(bernoulliLogits, decoderLoss, { temperature: 0.5, seed: 1 });
 * ```
 */
export function binary<Options extends EstimatorOptions>(estimator: Estimator<Options>): Estimator<Options> {
  return (logits, loss, options) =>
    tf.tidy(() => {
      const tensor = toFloatTensor(logits, 'logits');
      const pair = tf.stack([tensor, tf.zerosLike(tensor)], -1);
      const { sample, loss: value } = estimator(pair, (z) => loss(firstCategory(z)), options);
      return { sample: firstCategory(sample), loss: value };
    });
}

/**
 * A binary estimator (DisARM or multi-sample DisARM) on the categorical form of a Bernoulli: logits
 * [..., 2] (ℓ₀, ℓ₁) are the Bernoulli logit α = ℓ₀ − ℓ₁ of category 0, and f receives the one-hot
 * pair (b, 1 − b).
 */
export function onCategoryPairs(
  bernoulliEstimator: (alpha: Tensor, loss: DownstreamLoss, options: EstimatorOptions) => Estimate,
  label: string,
  logits: Tensor,
  loss: DownstreamLoss,
  options: EstimatorOptions,
): Estimate {
  const categories = logits.shape[logits.rank - 1];
  if (logits.rank < 1 || categories !== 2) {
    throw new ArgumentError(
      'logits',
      `must have 2 categories for ${label} (binary latents), got ${categories}`,
    );
  }
  return tf.tidy(() => {
    const tensor = toFloatTensor(logits, 'logits');
    const begin = tensor.shape.map(() => 0);
    const size = [...tensor.shape.slice(0, -1), 1];
    const alpha = tf.squeeze(
      tf.sub(tf.slice(tensor, begin, size), tf.slice(tensor, [...begin.slice(0, -1), 1], size)),
      [-1],
    );
    const toPair = (b: Tensor) => tf.stack([b, tf.sub(1, b)], -1);
    const { sample, loss: value } = bernoulliEstimator(alpha, (b) => loss(toPair(b)), options);
    return { sample: toPair(sample), loss: value };
  });
}
