import { fusedRelaxedKHot, fusedRelaxedKHotApplies } from '../kernels/topKKernels.js';
import { moveAxisLast, moveLastAxisTo } from '../ops/axis.js';
import { type AxisOptions, prepareLogits } from '../ops/prepare.js';
import { straightThrough } from '../ops/straightThrough.js';
import type { Seed } from '../random/generator.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, checkPositiveNumber, type TensorInput } from '../validate.js';
import { checkSubsetSize } from './subsetSize.js';

/** Options of {@link relaxedTopK} and {@link relaxedTopKSample}. */
export interface RelaxedTopKOptions extends AxisOptions {
  /** τ > 0 (default 1) of each relaxed softmax: small τ gives nearly k-hot samples. */
  temperature?: number;
  /** Integer seed or generator; without one, each call draws fresh noise. */
  seed?: Seed;
  /** Standard Gumbel noise of the logits' shape to use instead of drawing it (`seed` is then ignored). */
  noise?: Tensor;
}

/** The three views of one relaxed top-k draw, returned by {@link relaxedTopKSample}. */
export interface RelaxedTopKSample {
  /** The relaxed k-hot: entries ≥ 0 summing to k along the axis; differentiable. */
  soft: Tensor;
  /** Exact k-hot of `indices` forward, the gradient of `soft` backward (straight-through). */
  hard: Tensor;
  /** int32 indices of the Gumbel top-k, the axis of size k, largest perturbed logit first. */
  indices: Tensor;
}

/** `compute(input)` as a constant: its value, with no gradient (and no op on the tape behind it). */
function constantOf(input: Tensor, compute: (input: Tensor) => Tensor): Tensor {
  const op = tf.customGrad((x) => ({
    value: compute(x as Tensor),
    gradFunc: () => tf.zerosLike(x as Tensor),
  }));
  return op(input);
}

/** Added to a score to leave it out of a log-sum-exp (finite, so 0·it is 0, never NaN). */
const EXCLUDED = 1e30;

/**
 * One relaxed step along the last axis: p = softmax(α/τ), and log(1 − p) finite wherever the truth
 * is — for each row's largest item as log Σ_{others} e^s − log Σ e^s, each sum with its own max
 * subtracted (exact even where p rounds to 1), for the rest (p ≤ ½) as log1p(−p). Masked items
 * (score −∞) get p = 0 and log(1 − p) = 0. The shifts are constants (a log-sum-exp does not depend
 * on them), so no max op lands on the gradient tape.
 */
function relaxedStep(
  weights: Tensor,
  temperature: number,
  withUpdate: boolean,
): { probabilities: Tensor; logKeep?: Tensor } {
  const scores = tf.div(weights, temperature);
  const largest = constantOf(scores, (s) => tf.max(s, -1, true));
  const shifted = tf.sub(scores, largest);
  const exps = tf.exp(shifted);
  const total = tf.sum(exps, -1, true);
  const probabilities = tf.div(exps, total);
  if (!withUpdate) return { probabilities };
  // 1 at each row's largest score, 0 elsewhere (ties, of probability 0 under the noise, mark both).
  const isLargest = constantOf(shifted, (x) => tf.sub(1, tf.step(tf.neg(x))));
  const others = tf.sub(shifted, tf.mul(isLargest, EXCLUDED));
  const othersLargest = constantOf(others, (x) => tf.max(x, -1, true));
  const logOthers = tf.add(othersLargest, tf.log(tf.sum(tf.exp(tf.sub(others, othersLargest)), -1, true)));
  const logKeepLargest = tf.sub(logOthers, tf.log(total));
  const rest = tf.log1p(tf.neg(tf.mul(probabilities, tf.sub(1, isLargest))));
  return { probabilities, logKeep: tf.add(rest, tf.mul(isLargest, logKeepLargest)) };
}

/**
 * The relaxed k-hot of perturbed logits along the last axis (Xie & Ermon 2019): k softmaxes of
 * α/τ, after each α_i ← α_i + log(1 − p_i), summed. On cpu/wasm one fused kernel each way
 * (src/kernels/topKKernels.ts), elsewhere these composed ops.
 */
export function relaxedKHot(perturbed: Tensor, k: number, temperature: number): Tensor {
  if (fusedRelaxedKHotApplies(perturbed)) return fusedRelaxedKHot(perturbed, k, temperature);
  return tf.tidy(() => {
    let weights = perturbed;
    let total: Tensor | undefined;
    for (let step = 0; step < k; step++) {
      const { probabilities, logKeep } = relaxedStep(weights, temperature, step < k - 1);
      total = total ? tf.add(total, probabilities) : probabilities;
      if (logKeep) weights = tf.add(weights, logKeep);
    }
    return total as Tensor;
  });
}

/**
 * Exact k-hot (float32) of int32 indices [..., k] (distinct within a row) along a new last axis of
 * size `categories`, by one scatter (a one-hot per pick would build [..., k, n]).
 */
export function kHotOf(indices: Tensor, categories: number): Tensor {
  return tf.tidy(() => {
    const k = indices.shape[indices.rank - 1];
    const picks = tf.reshape(indices, [-1]);
    const rows = picks.shape[0] / k;
    const rowOf = tf.floorDiv(tf.range(0, rows * k, 1, 'int32'), tf.scalar(k, 'int32'));
    const coordinates = tf.stack([rowOf, picks], 1);
    const kHot = tf.scatterND(coordinates, tf.ones([rows * k]), [rows, categories]);
    return tf.reshape(kHot, [...indices.shape.slice(0, -1), categories]);
  });
}

/**
 * Draws once from the relaxed top-k of Xie & Ermon (2019) and returns the soft k-hot, its
 * straight-through exact k-hot and the indices, all from the same Gumbel noise: the logits are
 * perturbed once, α = logits + g, then k softmaxes of α/τ are summed, each step down-weighting what
 * the last one took (α_i ← α_i + log(1 − p_i)). `indices` are the Gumbel top-k of α: k items drawn
 * without replacement from softmax(logits) (Kool et al. 2019) — not a sample of
 * {@link KSubset}, whose law p(S) ∝ exp(Σ_{i∈S} θ_i) differs for k ≥ 2.
 *
 * @param logits - unnormalized log-probabilities, any shape; −Infinity masks an item (never taken,
 *   soft value exactly 0).
 * @param k - how many items, an integer in [1, fewest unmasked items in a slice].
 * @throws {@link ArgumentError} for a bad k, τ ≤ 0 or not finite, NaN or +Infinity logits, a bad axis
 *   or noise of the wrong shape.
 * @example
 * ```ts
 * const { soft, hard, indices } = relaxedTopKSample(tf.tensor([[1, 2, 3, 4]]), 2, { temperature: 0.5, seed: 1 });
 * ```
 */
export function relaxedTopKSample(
  logits: TensorInput,
  k: number,
  options: RelaxedTopKOptions = {},
): RelaxedTopKSample {
  const temperature = options.temperature ?? 1;
  checkPositiveNumber(temperature, 'temperature');
  return tf.tidy(() => {
    const prepared = prepareLogits(logits, options);
    const { axis } = prepared;
    const { shape } = prepared.logits;
    checkSubsetSize(k, shape[axis], prepared.fewestUnmasked);
    if (options.noise && !tf.util.arraysEqual(options.noise.shape, shape)) {
      throw new ArgumentError(
        'noise',
        `must have the logits' shape [${shape}], got [${options.noise.shape}]`,
      );
    }
    const noise = options.noise ?? gumbelNoise(shape, options.seed);
    const { moved, permutation } = moveAxisLast(tf.add(prepared.logits, noise), axis);
    const soft = relaxedKHot(moved, k, temperature);
    const indices = tf.topk(moved, k).indices;
    const hard = straightThrough(kHotOf(indices, shape[axis]), soft);
    return {
      soft: moveLastAxisTo(soft, permutation),
      hard: moveLastAxisTo(hard, permutation),
      indices: moveLastAxisTo(indices, permutation),
    };
  });
}

/**
 * The relaxed k-hot sample of Xie & Ermon (2019), a differentiable relaxation of choosing k of n
 * items: entries ≥ 0 summing to k along `axis`, approaching the exact k-hot of the Gumbel top-k as
 * τ → 0. At moderate τ an entry can exceed 1, as in the authors' code (n = 2, k = 2, τ = 1 gives
 * p + ½ and 3/2 − p, p the first softmax's weight on item 1). With `hard: true` the forward value is that exact k-hot (from the same perturbed
 * logits) and the backward pass the relaxed sample's gradient (straight-through). See
 * {@link relaxedTopKSample} for the law this samples.
 *
 * @returns a float32 tensor of the logits' shape.
 * @throws {@link ArgumentError} as {@link relaxedTopKSample} does.
 * @example
 * ```ts
 * const kHot = relaxedTopK(tf.tensor([0.5, 2, -1, 1, 0]), 2, { temperature: 0.3, hard: true, seed: 7 });
 * ```
 */
export function relaxedTopK(
  logits: TensorInput,
  k: number,
  options: RelaxedTopKOptions & { hard?: boolean } = {},
): Tensor {
  return tf.tidy(() => {
    const sample = relaxedTopKSample(logits, k, options);
    return options.hard ? sample.hard : sample.soft;
  });
}
