import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { type TensorInput, toFloatTensor } from '../validate.js';
import { Categorical, type CategoricalParameters } from './categorical.js';
import { Distribution, type SampleOptions } from './distribution.js';
import { checkEventSize, requireOneHot } from './support.js';

/**
 * The categorical distribution with samples written as float32 one-hot vectors along the last axis.
 * It shares {@link Categorical}'s parameters, masks and Gumbel-max sampler; it has no reparameterized
 * sampler (use {@link RelaxedOneHotCategorical} for a differentiable relaxation).
 */
export class OneHotCategorical extends Distribution {
  /** The number of categories K. */
  readonly categoryCount: number;
  readonly batchShape: number[];
  readonly eventShape: number[];
  readonly hasRsample = false;
  private readonly categorical: Categorical;

  /** @throws {@link ArgumentError} as {@link Categorical}'s constructor does. */
  constructor(parameters: CategoricalParameters) {
    super(parameters);
    this.categorical = new Categorical(parameters);
    this.categoryCount = this.categorical.categoryCount;
    this.batchShape = this.categorical.batchShape;
    this.eventShape = [this.categoryCount];
  }

  /** Normalized log-probabilities, shape `[...batchShape, K]`. A new tensor: the caller disposes it. */
  get logits(): Tensor {
    return this.categorical.logits;
  }

  /** Probabilities p, shape `[...batchShape, K]`. A new tensor: the caller disposes it. */
  get probs(): Tensor {
    return this.categorical.probs;
  }

  /** Float32 one-hot draws of shape `[...sampleShape, ...batchShape, K]` (Gumbel-max). Not differentiable. */
  sample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() => tf.cast(tf.oneHot(this.categorical.sample(options), this.categoryCount), 'float32'));
  }

  /**
   * log p of the category a one-hot `value` selects, shape broadcast(value without its last axis,
   * batchShape).
   *
   * @throws {@link ArgumentError} when the last axis of `value` is not of size K; with validateArgs,
   * when a slice is not one-hot (0s and a single 1). Without validateArgs the largest entry of each
   * slice is taken as the category.
   */
  logProb(value: TensorInput): Tensor {
    return tf.tidy(() => {
      const oneHot = toFloatTensor(value, 'value');
      checkEventSize(oneHot, this.categoryCount);
      if (this.validateArgs) requireOneHot(oneHot);
      return this.categorical.logProb(tf.argMax(oneHot, -1));
    });
  }

  /** Entropy −Σ p log p, shape `batchShape`. */
  entropy(): Tensor {
    return this.categorical.entropy();
  }

  /** p, shape `[...batchShape, K]`. A new tensor: the caller disposes it. */
  get mean(): Tensor {
    return this.categorical.probs;
  }

  /** One-hot of the most probable category, float32 of shape `[...batchShape, K]`. The caller disposes it. */
  get mode(): Tensor {
    return tf.tidy(() => tf.cast(tf.oneHot(this.categorical.mode, this.categoryCount), 'float32'));
  }

  /** p(1 − p), shape `[...batchShape, K]`. A new tensor: the caller disposes it. */
  get variance(): Tensor {
    return tf.tidy(() => {
      const probs = this.categorical.probs;
      return tf.mul(probs, tf.sub(1, probs));
    });
  }

  /** Frees the tensors this distribution created from numbers or arrays. Safe to call twice. */
  override dispose(): void {
    this.categorical.dispose();
    super.dispose();
  }
}
