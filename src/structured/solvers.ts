import { oneHotAlong } from '../ops/axis.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';

/**
 * A batched argmax-like solver θ ↦ y*(θ) for {@link perturbed}: it maps scores of shape
 * [...batch, ...event] to solutions of shape [...batch, ...output] (a one-hot, a k-hot, ranks, a
 * path indicator), solving each batch entry independently. It may run off the tape in plain JS
 * (nothing about it needs to be differentiable); the perturbed wrapper supplies the gradient.
 */
export interface Solver {
  /** Solves every batch entry of `theta`. */
  (theta: Tensor): Tensor;
  /**
   * How many trailing axes of θ one problem occupies (1 for a vector of scores, 2 for a cost
   * grid); every axis before them is a batch axis. Default 1.
   */
  readonly eventRank?: number;
}

/** y*(θ) = the one-hot of argmax θ along the last axis (ties to the first index). */
export const argmaxSolver: Solver = Object.assign(
  (theta: Tensor): Tensor =>
    tf.tidy(() => oneHotAlong(tf.argMax(theta, -1), theta.shape[theta.rank - 1], theta.rank - 1)),
  { eventRank: 1 },
);

/**
 * y*(θ) = the k-hot of the k largest entries of θ along the last axis: the maximizer of ⟨y, θ⟩
 * over 0/1 vectors with k ones.
 *
 * @param k - an integer ≥ 1, at most the size of the last axis (checked when the solver runs).
 */
export function topKSolver(k: number): Solver {
  if (!Number.isInteger(k) || k < 1) throw new ArgumentError('k', `must be an integer >= 1, got ${k}`);
  const solve = (theta: Tensor): Tensor => {
    const size = theta.shape[theta.rank - 1];
    if (k > size) {
      throw new ArgumentError('k', `must be at most ${size} (the size of the last axis), got ${k}`);
    }
    return tf.tidy(() => {
      const picked = oneHotAlong(tf.topk(theta, k).indices, size, theta.rank);
      return tf.sum(picked, -2);
    });
  };
  return Object.assign(solve, { eventRank: 1 });
}

/**
 * y*(θ) = the ranks of θ along the last axis in ascending order: 0 for the smallest entry, n − 1
 * for the largest (ties broken by index, the lower index ranked lower). It is the maximizer of
 * ⟨y, θ⟩ over the permutations of (0, 1, …, n − 1), the vertices of the permutahedron (Berthet et
 * al. 2020, §5.2). Runs in JS (one read of θ).
 */
export const rankingSolver: Solver = Object.assign(
  (theta: Tensor): Tensor => {
    const size = theta.shape[theta.rank - 1];
    const values = theta.dataSync();
    const ranks = new Float32Array(values.length);
    const order = new Array<number>(size);
    for (let start = 0; start < values.length; start += size) {
      for (let i = 0; i < size; i++) order[i] = i;
      order.sort((a, b) => values[start + a] - values[start + b] || a - b);
      for (let position = 0; position < size; position++) ranks[start + order[position]] = position;
    }
    return tf.tensor(ranks, theta.shape, 'float32');
  },
  { eventRank: 1 },
);
