import { checkSubsetSize } from '../structured/subsetSize.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, checkLogits, type TensorInput, toFloatTensor } from '../validate.js';
import {
  broadcastShapes,
  Distribution,
  type DistributionOptions,
  type SampleOptions,
} from './distribution.js';
import { kSubsetLogNormalizer, kSubsetMarginals, kSubsetSample } from './kSubsetOps.js';
import { checkEventSize, requireSupport } from './support.js';

/** Parameters of {@link KSubset}. */
export interface KSubsetParameters extends DistributionOptions {
  /** θ, one logit per item on the last axis (leading axes are the batch); −Infinity masks an item. */
  logits: TensorInput;
  /** How many items each subset holds: an integer in [1, fewest unmasked items in a row]. */
  k: number;
}

/**
 * The exact distribution over k-subsets S of n items, p(S) = exp(Σ_{i∈S} θ_i)/Z(θ), samples written
 * as k-hot vectors (float32 0/1 with k ones) on the last axis, batched over the leading axes. Z is
 * the k-th elementary symmetric polynomial of exp(θ), computed in log space and double precision
 * in O(n·k) (stable for n in the thousands); `marginals()` are its exact gradient.
 *
 * Not the law of the Gumbel top-k ({@link gumbelTopK}, {@link relaxedTopK}): those draw k items
 * in order without replacement from softmax(θ), P(S) = Σ over orders of S of
 * Π_j p_{s_j}/(1 − Σ_{l<j} p_{s_l}), which differs from p(S) here for 2 ≤ k < n.
 *
 * @example
 * ```ts
 * const subsets = new KSubset({ logits: [[2, 1, 0, -1, -2]], k: 2 });
 * const kHot = subsets.sample({ seed: 1 }); // [1, 5], two ones
 * const marginals = subsets.marginals(); // P(i ∈ S), sums to 2
 * ```
 */
export class KSubset extends Distribution {
  /** The subset size k. */
  readonly k: number;
  /** The number of items n (size of the logits' last axis). */
  readonly itemCount: number;
  readonly batchShape: number[];
  readonly eventShape: number[];
  readonly hasRsample = false;
  /** θ, as given (a Tensor is kept, not copied, so gradients reach it). */
  readonly logits: Tensor;

  /**
   * @throws {@link ArgumentError} for scalar or non-float logits, NaN or +Infinity logits, a fully
   * masked row, or k not an integer in [1, fewest unmasked items in a row].
   */
  constructor(parameters: KSubsetParameters) {
    super(parameters);
    this.logits = this.own(parameters.logits, 'logits');
    const { shape } = this.logits;
    this.guard(() => {
      if (this.logits.rank < 1)
        throw new ArgumentError('logits', 'must have rank >= 1 (items on the last axis)');
      const fewestUnmasked = this.validateArgs
        ? checkLogits(this.logits, this.logits.rank - 1)
        : shape[shape.length - 1];
      checkSubsetSize(parameters.k, shape[shape.length - 1], fewestUnmasked);
    });
    this.k = parameters.k;
    this.itemCount = shape[shape.length - 1];
    this.batchShape = shape.slice(0, -1);
    this.eventShape = [this.itemCount];
  }

  /** log Z = log Σ_{|S|=k} exp(Σ_{i∈S} θ_i), shape `batchShape`; differentiable (gradient: the marginals). */
  logNormalizer(): Tensor {
    return kSubsetLogNormalizer(this.logits, this.k);
  }

  /**
   * The exact inclusion probabilities P(i ∈ S) = ∂ log Z/∂θ_i, shape `[...batchShape, n]`, summing
   * to k (masked items 0). Differentiable: the backward pass is the exact Cov(z)·dy.
   */
  marginals(): Tensor {
    return kSubsetMarginals(this.logits, this.k);
  }

  /**
   * Exact k-hot draws, shape `[...sampleShape, ...batchShape, n]`, by sequential conditional
   * sampling from the recursion's table. No gradient flows through them.
   */
  sample(options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape(options.sampleShape);
    return tf.tidy(() =>
      kSubsetSample(this.logits, this.k, shape.slice(0, shape.length - this.logits.rank), options.seed),
    );
  }

  /**
   * log p(S) = Σ_{i∈S} θ_i − log Z for k-hot values, shape broadcast(value without its last axis,
   * batchShape); −Infinity where S holds a masked item. Differentiable in the logits.
   *
   * @throws {@link ArgumentError} when the last axis is not of size n; with validateArgs, when a
   * row is not k-hot (entries 0 or 1, exactly k ones).
   */
  logProb(value: TensorInput): Tensor {
    return tf.tidy(() => {
      const kHot = toFloatTensor(value, 'value');
      checkEventSize(kHot, this.itemCount);
      broadcastShapes(this.batchShape, kHot.shape.slice(0, -1), 'value');
      if (this.validateArgs) {
        const binary = tf.logicalOr(tf.equal(kHot, 0), tf.equal(kHot, 1));
        requireSupport(binary, 'hold only 0s and 1s (a k-hot vector)');
        requireSupport(tf.equal(tf.sum(kHot, -1), this.k), `have exactly k = ${this.k} ones per row`);
      }
      // Comparisons with a registered gradient only (isInf, greaterEqual), so tf.grad can pass them.
      const masked = tf.isInf(this.logits);
      const finiteLogits = tf.where(masked, tf.zerosLike(this.logits), this.logits);
      const picked = tf.sum(tf.mul(kHot, finiteLogits), -1);
      const takesMasked = tf.greaterEqual(tf.sum(tf.mul(kHot, tf.cast(masked, 'float32')), -1), 0.5);
      const safePicked = tf.where(takesMasked, tf.fill(takesMasked.shape, Number.NEGATIVE_INFINITY), picked);
      return tf.sub(safePicked, this.logNormalizer());
    });
  }

  /**
   * Entropy H = log Z − Σ_i θ_i·P(i ∈ S) (masked items contribute 0), shape `batchShape`;
   * differentiable.
   */
  entropy(): Tensor {
    return tf.tidy(() => {
      const finite = tf.where(tf.isFinite(this.logits), this.logits, tf.zerosLike(this.logits));
      return tf.sub(this.logNormalizer(), tf.sum(tf.mul(finite, this.marginals()), -1));
    });
  }

  /** The marginals P(i ∈ S), shape `[...batchShape, n]` (the mean of the k-hot). The caller disposes it. */
  get mean(): Tensor {
    return this.marginals();
  }
}
