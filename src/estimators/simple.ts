import { kSubsetMarginals, kSubsetSample } from '../distributions/kSubsetOps.js';
import { straightThrough } from '../ops/straightThrough.js';
import { checkSubsetSize } from '../structured/subsetSize.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { checkLogits } from '../validate.js';
import type { DownstreamLoss, Estimate, EstimatorOptions } from './estimator.js';
import { callLoss, prepareEstimatorLogits } from './shared.js';

/** Options of {@link simple}. */
export interface SimpleOptions extends EstimatorOptions {
  /** The subset size k, an integer in [1, fewest unmasked items in a row] (required). */
  k: number;
}

/**
 * SIMPLE (Ahmed et al. 2023), the gradient estimator for k-subsets: the forward value is an exact
 * k-hot sample z of the {@link KSubset} law p(S) ∝ exp(Σ_{i∈S} θ_i) (categories on the last axis
 * are the n items), the backward pass the gradient of the exact marginals μ(θ) = E[z]
 * (straight-through with μ as the soft path): ∇θ = (∂μ/∂θ)ᵀ·∂f/∂z at the sample = Cov(z)·∂f/∂z.
 * Biased (f is linearized at the sample) with low variance; with k = 1 it is the straight-through
 * estimator of softmax(θ). The gradient it estimates is that of E_{KSubset(θ)}[f(z)] — not of an
 * expectation under the Gumbel top-k law.
 *
 * Not in the estimator registry: it needs k, and its samples are k-hot, not the one-hots the
 * registry's users (trainer, lab categorical problems) feed their losses.
 *
 * @param options - `k` (required), `seed`, `validateArgs`.
 * @throws {@link ArgumentError} for bad logits, a bad k or a loss of the wrong shape.
 * @example
 * ```ts
 * const target = tf.tensor([1, 0, 1, 0, 0]);
 * const squaredError = (z: tf.Tensor) => tf.sum(tf.square(tf.sub(z, target)), -1);
 * const gradient = tf.grad((logits: tf.Tensor) =>
 *   estimators.simple(logits, squaredError, { k: 2, seed: 1 }).loss,
 * )(tf.tensor([0.5, 0, -0.5, 1, 0]));
 * ```
 */
export function simple(logits: Tensor, loss: DownstreamLoss, options: SimpleOptions): Estimate {
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(logits, { ...options, validateArgs: false });
    const items = prepared.shape[prepared.rank - 1];
    const fewestUnmasked = options.validateArgs === false ? items : checkLogits(prepared, prepared.rank - 1);
    checkSubsetSize(options?.k, items, fewestUnmasked);
    const kHot = kSubsetSample(prepared, options.k, [], options.seed);
    const sample = straightThrough(kHot, kSubsetMarginals(prepared, options.k));
    return { sample, loss: callLoss(loss, sample, prepared.shape) };
  });
}
