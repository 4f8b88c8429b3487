import { stopGradient } from '../ops/stopGradient.js';
import { gumbelNoise } from '../random/noise.js';
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

/** The Euler–Mascheroni constant γ, the mean of a standard Gumbel variable. */
export const EULER_GAMMA = 0.5772156649015329;

/** Parameters of {@link Gumbel}. */
export interface GumbelParameters extends DistributionOptions {
  /** Location μ (finite), any shape. */
  loc: TensorInput;
  /** Scale β > 0 (finite), broadcastable against `loc`. */
  scale: TensorInput;
}

/**
 * The Gumbel (type-I extreme value) distribution with density (1/β)·exp(−(z + e^(−z))),
 * z = (x − μ)/β, batched over the broadcast shape of `loc` and `scale`. `rsample` is μ + β·g with
 * g = −log(−log u) standard Gumbel noise, always finite.
 */
export class Gumbel extends Distribution {
  /** μ as given (a caller's tensor is not copied; do not dispose it through this object). */
  readonly loc: Tensor;
  /** β as given (a caller's tensor is not copied; do not dispose it through this object). */
  readonly scale: Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  readonly hasRsample = true;

  /** @throws {@link ArgumentError} for a non-finite `loc`, `scale` ≤ 0 or non-finite, non-float tensors, shapes that do not broadcast. */
  constructor(parameters: GumbelParameters) {
    super(parameters);
    this.loc = this.own(parameters.loc, 'loc');
    this.scale = this.own(parameters.scale, 'scale');
    this.batchShape = this.guard(() => broadcastShapes(this.loc.shape, this.scale.shape, 'scale'));
    this.check(() => {
      checkFinite(this.loc, 'loc');
      checkPositiveTensor(this.scale, 'scale');
    });
  }

  /** Reparameterized draws μ + β·g, differentiable in μ and β; shape `[...sampleShape, ...batchShape]`. */
  rsample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() => {
      const noise = gumbelNoise(this.extendedShape(options.sampleShape), options.seed);
      return tf.add(this.loc, tf.mul(this.scale, noise));
    });
  }

  /** Draws of shape `[...sampleShape, ...batchShape]`; no gradient flows through them. */
  sample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() => stopGradient(this.rsample(options)));
  }

  /**
   * log density −(z + e^(−z)) − log β with z = (value − μ)/β, shape broadcast(value, batchShape).
   *
   * @throws {@link ArgumentError} (with validateArgs) when `value` holds NaN.
   */
  logProb(value: TensorInput): Tensor {
    return tf.tidy(() => {
      const x = toFloatTensor(value, 'value');
      broadcastShapes(this.batchShape, x.shape, 'value');
      if (this.validateArgs) requireNotNaN(x);
      const z = tf.div(tf.sub(x, this.loc), this.scale);
      return tf.sub(tf.neg(tf.add(z, tf.exp(tf.neg(z)))), tf.log(this.scale));
    });
  }

  /** Differential entropy log β + 1 + γ, shape `batchShape`. */
  entropy(): Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.add(tf.log(this.scale), 1 + EULER_GAMMA), this.batchShape));
  }

  /** μ + βγ, shape `batchShape` (a new tensor; the caller disposes it). */
  get mean(): Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.add(this.loc, tf.mul(this.scale, EULER_GAMMA)), this.batchShape));
  }

  /** μ, shape `batchShape` (a new tensor; the caller disposes it). */
  get mode(): Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, this.batchShape));
  }

  /** π²β²/6, shape `batchShape` (a new tensor; the caller disposes it). */
  get variance(): Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.mul(tf.square(this.scale), Math.PI ** 2 / 6), this.batchShape));
  }

  /** πβ/√6, shape `batchShape` (a new tensor; the caller disposes it). */
  get stddev(): Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.mul(this.scale, Math.PI / Math.sqrt(6)), this.batchShape));
  }
}
