import { stopGradient } from '../ops/stopGradient.js';
import { normalNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { checkFinite, checkPositiveTensor, type TensorInput, toFloatTensor } from '../validate.js';
import {
  broadcastShapes,
  Distribution,
  type DistributionOptions,
  type SampleOptions,
} from './distribution.js';
import { requireNotNaN } from './support.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Parameters of {@link Normal}. */
export interface NormalParameters extends DistributionOptions {
  /** Mean μ (finite), any shape. */
  loc: TensorInput;
  /** Standard deviation σ > 0 (finite), broadcastable against `loc`. */
  scale: TensorInput;
}

/**
 * The normal (Gaussian) distribution N(μ, σ²), batched over the broadcast shape of `loc` and
 * `scale`. `rsample` is the reparameterization z = μ + σ·ε, ε ~ N(0, 1).
 *
 * @example
 * ```ts
 * const normal = new Normal({ loc: 0, scale: tf.tensor([1, 2]) });
 * const z = normal.rsample({ sampleShape: [100], seed: 1 }); // shape [100, 2]
 * ```
 */
export class Normal extends Distribution {
  /** μ as given (a caller's tensor is not copied; do not dispose it through this object). */
  readonly loc: Tensor;
  /** σ as given (a caller's tensor is not copied; do not dispose it through this object). */
  readonly scale: Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  readonly hasRsample = true;

  /** @throws {@link ArgumentError} for a non-finite `loc`, `scale` ≤ 0 or non-finite, non-float tensors, shapes that do not broadcast. */
  constructor(parameters: NormalParameters) {
    super(parameters);
    this.loc = this.own(parameters.loc, 'loc');
    this.scale = this.own(parameters.scale, 'scale');
    this.batchShape = this.guard(() => broadcastShapes(this.loc.shape, this.scale.shape, 'scale'));
    this.check(() => {
      checkFinite(this.loc, 'loc');
      checkPositiveTensor(this.scale, 'scale');
    });
  }

  /** Reparameterized draws μ + σ·ε, differentiable in μ and σ; shape `[...sampleShape, ...batchShape]`. */
  rsample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() => {
      const epsilon = normalNoise(this.extendedShape(options.sampleShape), options.seed);
      return tf.add(this.loc, tf.mul(this.scale, epsilon));
    });
  }

  /** Draws of shape `[...sampleShape, ...batchShape]`; no gradient flows through them. */
  sample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() => stopGradient(this.rsample(options)));
  }

  /**
   * log N(value; μ, σ²) = −(value − μ)²/(2σ²) − log σ − ½ log 2π, shape broadcast(value, batchShape).
   *
   * @throws {@link ArgumentError} (with validateArgs) when `value` holds NaN.
   */
  logProb(value: TensorInput): Tensor {
    return tf.tidy(() => {
      const x = toFloatTensor(value, 'value');
      broadcastShapes(this.batchShape, x.shape, 'value');
      if (this.validateArgs) requireNotNaN(x);
      const standardized = tf.div(tf.sub(x, this.loc), this.scale);
      const quadratic = tf.mul(tf.square(standardized), -0.5);
      return tf.sub(tf.sub(quadratic, tf.log(this.scale)), HALF_LOG_TWO_PI);
    });
  }

  /** Differential entropy ½ + ½ log 2π + log σ, shape `batchShape`. */
  entropy(): Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.add(tf.log(this.scale), 0.5 + HALF_LOG_TWO_PI), this.batchShape));
  }

  /** μ, shape `batchShape` (a new tensor; the caller disposes it). */
  get mean(): Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, this.batchShape));
  }

  /** μ, shape `batchShape` (a new tensor; the caller disposes it). */
  get mode(): Tensor {
    return this.mean;
  }

  /** σ², shape `batchShape` (a new tensor; the caller disposes it). */
  get variance(): Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.square(this.scale), this.batchShape));
  }

  /** σ, shape `batchShape` (a new tensor; the caller disposes it). */
  get stddev(): Tensor {
    return tf.tidy(() => tf.broadcastTo(this.scale, this.batchShape));
  }
}
