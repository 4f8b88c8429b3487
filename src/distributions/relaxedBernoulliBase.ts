import { softplus } from '../math/softplus.js';
import { stopGradient } from '../ops/stopGradient.js';
import { logisticNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { checkTemperature, type TensorInput, toFloatTensor } from '../validate.js';
import {
  broadcastShapes,
  Distribution,
  type DistributionOptions,
  type SampleOptions,
} from './distribution.js';
import {
  bernoulliLogits,
  bernoulliProbs,
  checkBernoulliParameter,
  chooseParameter,
  type LogitsOrProbs,
  type ProbabilityParameter,
  temperatureShape,
} from './parameters.js';

/**
 * Parameters of {@link LogitRelaxedBernoulli} and {@link RelaxedBernoulli}: a temperature and the
 * finite `logits` or the `probs` (strictly inside (0, 1)) of the Bernoulli being relaxed, any shape.
 */
export type RelaxedBernoulliParameters = DistributionOptions &
  LogitsOrProbs & {
    /** τ > 0: a number, or a float tensor broadcastable against the parameter. A tensor receives gradients. */
    temperature: TensorInput;
  };

/**
 * What the binary Concrete distributions share: temperature and Bernoulli parameter, their checks,
 * the logistic sample (logits + L)/τ and its log-density (Maddison et al. 2017, App. C.2).
 */
export abstract class RelaxedBernoulliBase extends Distribution {
  /** τ as given: a number, or a tensor (a caller's tensor is not copied; do not dispose it through this object). */
  readonly temperature: number | Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  readonly hasRsample = true;
  /** The logits or probs as given. */
  protected readonly parameter: ProbabilityParameter;

  /**
   * @throws {@link ArgumentError} unless exactly one of logits and probs is given; for τ ≤ 0, NaN or
   * infinite; non-finite logits; probs outside the open interval (0, 1); non-float tensors; shapes
   * that do not broadcast.
   */
  protected constructor(parameters: RelaxedBernoulliParameters) {
    super(parameters);
    const kind = chooseParameter(parameters);
    const { temperature } = parameters;
    this.temperature = typeof temperature === 'number' ? temperature : this.own(temperature, 'temperature');
    this.parameter = { kind, tensor: this.own(parameters[kind] as TensorInput, kind) };
    this.batchShape = this.guard(() =>
      broadcastShapes(this.parameter.tensor.shape, temperatureShape(this.temperature), 'temperature'),
    );
    this.check(() => {
      checkTemperature(this.temperature, 'temperature');
      checkBernoulliParameter(this.parameter);
    });
  }

  /** Logits log p − log(1 − p), the parameter's shape. A new tensor: the caller disposes it. */
  get logits(): Tensor {
    return bernoulliLogits(this.parameter);
  }

  /** Probabilities p, the parameter's shape. A new tensor: the caller disposes it. */
  get probs(): Tensor {
    return bernoulliProbs(this.parameter);
  }

  /** Reparameterized draws of shape `[...sampleShape, ...batchShape]`, differentiable in the parameter and τ. */
  abstract rsample(options?: SampleOptions): Tensor;

  /** Draws of shape `[...sampleShape, ...batchShape]`; no gradient flows through them. */
  sample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() => stopGradient(this.rsample(options)));
  }

  /** x = (logits + L)/τ with L standard logistic noise. Call inside a tidy. */
  protected logisticSample(options: SampleOptions): Tensor {
    const noise = logisticNoise(this.extendedShape(options.sampleShape), options.seed);
    return tf.div(tf.add(bernoulliLogits(this.parameter), noise), this.temperature);
  }

  /** Converts a `logProb` value and checks it broadcasts against the batch. Call inside a tidy. */
  protected scalarValue(value: TensorInput): Tensor {
    const tensor = toFloatTensor(value, 'value');
    broadcastShapes(this.batchShape, tensor.shape, 'value');
    return tensor;
  }

  /**
   * log-density of a logistic sample x: log τ + d − 2·softplus(d), d = logits − τx (softplus computed
   * without overflow). Call inside a tidy.
   */
  protected logitLogDensity(logitSample: Tensor): Tensor {
    const tau = this.temperature;
    const difference = tf.sub(bernoulliLogits(this.parameter), tf.mul(tau, logitSample));
    const logTemperature = typeof tau === 'number' ? Math.log(tau) : tf.log(tau);
    return tf.sub(tf.add(difference, logTemperature), tf.mul(softplus(difference), 2));
  }
}
