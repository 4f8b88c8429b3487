import { fusedKernelsActive } from '../kernels/register.js';
import { lgammaTensor } from '../math/lgamma.js';
import { fusedExpConcreteLogDensity } from '../ops/fusedExpConcrete.js';
import { stopGradient } from '../ops/stopGradient.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { checkTemperature, type TensorInput, toFloatTensor } from '../validate.js';
import {
  broadcastShapes,
  Distribution,
  type DistributionOptions,
  type SampleOptions,
} from './distribution.js';
import { untrackedMask } from './masks.js';
import {
  categoricalLogProbs,
  categoricalProbs,
  checkCategoricalParameter,
  checkCategoryAxis,
  chooseParameter,
  type LogitsOrProbs,
  type ProbabilityParameter,
  temperatureShape,
} from './parameters.js';
import { checkEventSize } from './support.js';

/**
 * Parameters of {@link ExpRelaxedOneHotCategorical} and {@link RelaxedOneHotCategorical}: a
 * temperature and the logits or probs of the categorical being relaxed (last axis = categories).
 */
export type RelaxedCategoricalParameters = DistributionOptions &
  LogitsOrProbs & {
    /**
     * τ > 0: a number, or a float tensor broadcastable against the batch shape (the parameter's shape
     * without its last axis; it may enlarge the batch). A tensor receives gradients.
     */
    temperature: TensorInput;
  };

/**
 * What the Concrete (Gumbel-softmax) distributions share: the temperature and categorical parameter,
 * their checks, and the log-space Concrete density of Maddison et al. (2017, App. C.3). Masked
 * categories (−Infinity logits, zero probs) are removed: the density is that of the Concrete
 * distribution over the K′ unmasked categories.
 */
export abstract class RelaxedCategoricalBase extends Distribution {
  /** τ as given: a number, or a tensor (a caller's tensor is not copied; do not dispose it through this object). */
  readonly temperature: number | Tensor;
  /** The number of categories K. */
  readonly categoryCount: number;
  readonly batchShape: number[];
  readonly eventShape: number[];
  readonly hasRsample = true;
  /** The logits or probs as given. */
  protected readonly parameter: ProbabilityParameter;

  /**
   * @throws {@link ArgumentError} for τ ≤ 0, NaN or infinite; a temperature shape that does not
   * broadcast against the batch shape; and every bad logits/probs input {@link Categorical} rejects.
   */
  protected constructor(parameters: RelaxedCategoricalParameters) {
    super(parameters);
    const kind = chooseParameter(parameters);
    const { temperature } = parameters;
    this.temperature = typeof temperature === 'number' ? temperature : this.own(temperature, 'temperature');
    this.parameter = { kind, tensor: this.own(parameters[kind] as TensorInput, kind) };
    this.categoryCount = this.guard(() => checkCategoryAxis(this.parameter));
    const parameterBatch = this.parameter.tensor.shape.slice(0, -1);
    this.batchShape = this.guard(() =>
      broadcastShapes(parameterBatch, temperatureShape(this.temperature), 'temperature'),
    );
    this.eventShape = [this.categoryCount];
    this.check(() => {
      checkTemperature(this.temperature, 'temperature');
      checkCategoricalParameter(this.parameter);
    });
  }

  /**
   * Normalized log-probabilities of the relaxed categorical (−Infinity where masked), the shape of
   * the logits/probs parameter. A new tensor: the caller disposes it.
   */
  get logits(): Tensor {
    return categoricalLogProbs(this.parameter);
  }

  /** Probabilities of the relaxed categorical, the shape of the parameter. A new tensor: the caller disposes it. */
  get probs(): Tensor {
    return categoricalProbs(this.parameter);
  }

  /** Reparameterized draws of shape `[...sampleShape, ...batchShape, K]`, differentiable in the parameters and τ. */
  abstract rsample(options?: SampleOptions): Tensor;

  /** Draws of shape `[...sampleShape, ...batchShape, K]`; no gradient flows through them. */
  sample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() => stopGradient(this.rsample(options)));
  }

  /** τ with a trailing axis, so that it broadcasts against `[..., K]`. Call inside a tidy. */
  protected eventTemperature(): number | Tensor {
    return typeof this.temperature === 'number' ? this.temperature : tf.expandDims(this.temperature, -1);
  }

  /** Converts a `logProb` value and checks its last axis and batch shape. Call inside a tidy. */
  protected eventValue(value: TensorInput): Tensor {
    const tensor = toFloatTensor(value, 'value');
    checkEventSize(tensor, this.categoryCount);
    broadcastShapes(this.batchShape, tensor.shape.slice(0, -1), 'value');
    return tensor;
  }

  /**
   * Log-density of a point `logSample` of the log-simplex (Maddison et al. 2017, App. C.3, as in
   * PyTorch): with score = log p − τ·x over the K′ unmasked categories,
   * log Γ(K′) + (K′ − 1) log τ + Σ (score − logsumexp(score)). A value finite at a masked category,
   * or −Infinity at an unmasked one, lies outside the support and gets −Infinity. Call inside a tidy.
   */
  protected logDensityOfLogSample(logSample: Tensor): Tensor {
    if (typeof this.temperature === 'number' && fusedKernelsActive()) {
      return fusedExpConcreteLogDensity(categoricalLogProbs(this.parameter), logSample, this.temperature);
    }
    const logProbs = categoricalLogProbs(this.parameter);
    const unmasked = tf.isFinite(logProbs);
    const zero = tf.scalar(0);
    const negativeInfinity = tf.scalar(Number.NEGATIVE_INFINITY);
    const tau = this.temperature;
    const score = tf.sub(
      tf.where(unmasked, logProbs, zero),
      tf.mul(this.eventTemperature(), tf.where(unmasked, logSample, zero)),
    );
    const normalizer = tf.logSumExp(tf.where(unmasked, score, negativeInfinity), -1);
    const count = tf.sum(tf.cast(unmasked, 'float32'), -1);
    const summed = tf.sub(tf.sum(tf.where(unmasked, score, zero), -1), tf.mul(count, normalizer));
    const logTemperature = typeof tau === 'number' ? Math.log(tau) : tf.log(tau);
    const logScale = tf.add(lgammaTensor(count), tf.mul(tf.sub(count, 1), logTemperature));
    const density = tf.add(summed, logScale);
    // Outside the support: −Infinity at an unmasked category, or anything else at a masked one.
    const outsideSupport = untrackedMask(logSample, (x) => {
      const finite = tf.isFinite(x);
      const infiniteWhereUnmasked = tf.logicalAnd(unmasked, tf.logicalNot(finite));
      const presentWhereMasked = tf.logicalAnd(tf.logicalNot(unmasked), tf.greater(x, negativeInfinity));
      return tf.any(tf.logicalOr(infiniteWhereUnmasked, presentWhereMasked), -1);
    });
    return tf.where(outsideSupport, negativeInfinity, density);
  }
}
