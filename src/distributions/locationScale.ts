import { stopGradient } from '../ops/stopGradient.js';
import type { Seed } from '../random/generator.js';
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

/** Parameters of a location–scale distribution ({@link Normal}, {@link Gumbel}). */
export interface LocationScaleParameters extends DistributionOptions {
  /** Location (finite), any shape. */
  loc: TensorInput;
  /** Scale > 0 (finite), broadcastable against `loc`. */
  scale: TensorInput;
}

/**
 * A distribution of loc + scale·ε with ε from a fixed standard distribution, batched over the
 * broadcast shape of `loc` and `scale`: the reparameterization is built in. Subclasses give the
 * standard noise and the log density of the standardized value.
 */
export abstract class LocationScaleDistribution extends Distribution {
  /** The location as given (a caller's tensor is not copied; do not dispose it through this object). */
  readonly loc: Tensor;
  /** The scale as given (a caller's tensor is not copied; do not dispose it through this object). */
  readonly scale: Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  readonly hasRsample = true;

  /** @throws {@link ArgumentError} for a non-finite `loc`, `scale` ≤ 0 or non-finite, non-float tensors, shapes that do not broadcast. */
  protected constructor(parameters: LocationScaleParameters) {
    super(parameters);
    this.loc = this.own(parameters.loc, 'loc');
    this.scale = this.own(parameters.scale, 'scale');
    this.batchShape = this.guard(() => broadcastShapes(this.loc.shape, this.scale.shape, 'scale'));
    this.check(() => {
      checkFinite(this.loc, 'loc');
      checkPositiveTensor(this.scale, 'scale');
    });
  }

  /** Standard noise ε of `shape`. */
  protected abstract standardNoise(shape: number[], seed?: Seed): Tensor;

  /** log density of the standard distribution at z (without the −log scale term). */
  protected abstract standardLogDensity(z: Tensor): Tensor;

  /** Reparameterized draws loc + scale·ε, differentiable in both; shape `[...sampleShape, ...batchShape]`. */
  rsample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() => {
      const noise = this.standardNoise(this.extendedShape(options.sampleShape), options.seed);
      return tf.add(this.loc, tf.mul(this.scale, noise));
    });
  }

  /** Draws of shape `[...sampleShape, ...batchShape]`; no gradient flows through them. */
  sample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() => stopGradient(this.rsample(options)));
  }

  /**
   * log density at `value`: standardLogDensity((value − loc)/scale) − log scale, shape
   * broadcast(value, batchShape).
   *
   * @throws {@link ArgumentError} (with validateArgs) when `value` holds NaN.
   */
  logProb(value: TensorInput): Tensor {
    return tf.tidy(() => {
      const x = toFloatTensor(value, 'value');
      broadcastShapes(this.batchShape, x.shape, 'value');
      if (this.validateArgs) requireNotNaN(x);
      const z = tf.div(tf.sub(x, this.loc), this.scale);
      return tf.sub(this.standardLogDensity(z), tf.log(this.scale));
    });
  }

  /** `f(loc, scale)` broadcast to `batchShape`, as a new tensor. */
  protected batched(f: (loc: Tensor, scale: Tensor) => Tensor): Tensor {
    return tf.tidy(() => tf.broadcastTo(f(this.loc, this.scale), this.batchShape));
  }
}
