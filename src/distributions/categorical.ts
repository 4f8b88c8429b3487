import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import type { TensorInput } from '../validate.js';
import {
  broadcastShapes,
  Distribution,
  type DistributionOptions,
  type SampleOptions,
} from './distribution.js';
import {
  categoricalLogProbs,
  categoricalProbs,
  checkCategoricalParameter,
  checkCategoryAxis,
  chooseParameter,
  type LogitsOrProbs,
  type ProbabilityParameter,
} from './parameters.js';
import { requireSupport, toIndexTensor } from './support.js';

/**
 * Parameters of {@link Categorical} and {@link OneHotCategorical}: `logits` (unnormalized
 * log-probabilities; −Infinity masks a category) or `probs` (in [0, 1], summing to 1 along the last
 * axis; 0 masks a category), never both. The last axis holds the categories.
 */
export type CategoricalParameters = DistributionOptions & LogitsOrProbs;

/**
 * The categorical distribution over K categories {0, …, K − 1}, batched over all but the last axis
 * of its parameter. Samples are int32 indices drawn by the Gumbel-max trick; masked categories
 * (−Infinity logits, zero probs) have probability 0 and are never drawn.
 *
 * @example
 * ```ts
 * const categorical = new Categorical({ logits: tf.tensor([[0, 1, 2]]) });
 * const index = categorical.sample({ seed: 3 }); // int32, shape [1]
 * ```
 */
export class Categorical extends Distribution {
  /** The number of categories K (size of the parameter's last axis). */
  readonly categoryCount: number;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  readonly hasRsample = false;
  private readonly parameter: ProbabilityParameter;

  /**
   * @throws {@link ArgumentError} unless exactly one of logits and probs is given; for a scalar or
   * empty parameter, a non-float tensor, NaN or +Infinity logits or a fully masked slice, probs outside
   * [0, 1] or not summing to 1 (within 1e−4).
   */
  constructor(parameters: CategoricalParameters) {
    super(parameters);
    const kind = chooseParameter(parameters);
    const tensor = this.own(parameters[kind] as TensorInput, kind);
    this.parameter = { kind, tensor };
    this.categoryCount = this.guard(() => checkCategoryAxis(this.parameter));
    this.batchShape = tensor.shape.slice(0, -1);
    this.check(() => checkCategoricalParameter(this.parameter));
  }

  /**
   * Normalized log-probabilities log p (−Infinity where masked), shape `[...batchShape, K]`. A new
   * tensor: the caller disposes it.
   */
  get logits(): Tensor {
    return categoricalLogProbs(this.parameter);
  }

  /** Probabilities p, shape `[...batchShape, K]`. A new tensor: the caller disposes it. */
  get probs(): Tensor {
    return categoricalProbs(this.parameter);
  }

  /**
   * int32 category indices of shape `[...sampleShape, ...batchShape]`, drawn as
   * argmax(logits + g) with g ~ Gumbel(0, 1) (the Gumbel-max trick). Not differentiable.
   */
  sample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() => {
      const logits = categoricalLogProbs(this.parameter);
      const noise = gumbelNoise(
        [...this.extendedShape(options.sampleShape), this.categoryCount],
        options.seed,
      );
      return tf.argMax(tf.add(logits, noise), -1);
    });
  }

  /**
   * log p[value] for int32 category indices (an int32 tensor, or integer numbers/arrays), shape
   * broadcast(value, batchShape). A masked category gives −Infinity.
   *
   * @throws {@link ArgumentError} for non-integer values or a non-int32 tensor; with validateArgs,
   * for an index outside [0, K − 1]. Without validateArgs such an index gives −Infinity.
   */
  logProb(value: TensorInput): Tensor {
    return tf.tidy(() => {
      const indices = toIndexTensor(value);
      broadcastShapes(this.batchShape, indices.shape, 'value');
      const inRange = tf.logicalAnd(tf.greaterEqual(indices, 0), tf.less(indices, this.categoryCount));
      if (this.validateArgs) requireSupport(inRange, `be a category index in [0, ${this.categoryCount - 1}]`);
      const chosen = tf.cast(tf.oneHot(indices, this.categoryCount), 'bool');
      const logProbs = categoricalLogProbs(this.parameter);
      const picked = tf.sum(tf.where(chosen, logProbs, tf.scalar(0)), -1);
      return tf.where(inRange, picked, tf.fill(picked.shape, Number.NEGATIVE_INFINITY));
    });
  }

  /**
   * Entropy −Σ p log p (masked categories contribute 0), shape `batchShape`. Its gradient is finite
   * with masked logits.
   */
  entropy(): Tensor {
    return tf.tidy(() => {
      const logProbs = categoricalLogProbs(this.parameter);
      const finiteLogProbs = tf.where(tf.isFinite(logProbs), logProbs, tf.zerosLike(logProbs));
      return tf.neg(tf.sum(tf.mul(tf.exp(logProbs), finiteLogProbs), -1));
    });
  }

  /** The most probable category (the first on ties), int32 of shape `batchShape`. The caller disposes it. */
  get mode(): Tensor {
    return tf.tidy(() => tf.argMax(this.parameter.tensor, -1));
  }
}
