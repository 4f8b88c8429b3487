import type { Tensor } from '../tf.js';
import type { TensorInput } from '../validate.js';
import type { PerturbedOptions } from './perturbationNoise.js';
import { perturbed } from './perturbed.js';
import { topKSolver } from './solvers.js';

/**
 * The perturbed top-k (Berthet et al. 2020): ŷ = E[k-hot of the k largest of logits + σZ] along the
 * last axis, a soft k-hot summing to k whose gradient is the perturbation trick's Monte-Carlo
 * Jacobian. With Gumbel noise each draw's k-hot is a Gumbel top-k sample, so ŷ estimates the
 * inclusion probabilities of sampling k items without replacement from softmax(logits/σ).
 *
 * @param logits - [...batch, n]; −Infinity masks an item (it gets gradient 0).
 * @param k - an integer in [1, n].
 * @example
 * ```ts
 * const soft = perturbedTopK(tf.tensor1d([3, 1, 2, 0]), 2, { sigma: 0.5, samples: 500, seed: 1 });
 * ```
 */
export function perturbedTopK(logits: TensorInput, k: number, options: PerturbedOptions = {}): Tensor {
  return perturbed(topKSolver(k), { ...options, eventRank: 1 })(logits);
}
