import type { Seed } from '../random/generator.js';
import { normalNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import type { TensorInput } from '../validate.js';
import { LocationScaleDistribution, type LocationScaleParameters } from './locationScale.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Parameters of {@link Normal}. */
export interface NormalParameters extends LocationScaleParameters {
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
export class Normal extends LocationScaleDistribution {
  /** @throws {@link ArgumentError} for a non-finite `loc`, `scale` ≤ 0 or non-finite, non-float tensors, shapes that do not broadcast. */
  constructor(parameters: NormalParameters) {
    super(parameters);
  }

  protected standardNoise(shape: number[], seed?: Seed): Tensor {
    return normalNoise(shape, seed);
  }

  /** standard normal: −z²/2 − ½ log 2π */
  protected standardLogDensity(z: Tensor): Tensor {
    return tf.sub(tf.mul(tf.square(z), -0.5), HALF_LOG_TWO_PI);
  }

  /** Differential entropy ½ + ½ log 2π + log σ, shape `batchShape`. */
  entropy(): Tensor {
    return this.batched((_loc, scale) => tf.add(tf.log(scale), 0.5 + HALF_LOG_TWO_PI));
  }

  /** μ, shape `batchShape` (a new tensor; the caller disposes it). */
  get mean(): Tensor {
    return this.batched((loc) => loc);
  }

  /** μ, shape `batchShape` (a new tensor; the caller disposes it). */
  get mode(): Tensor {
    return this.mean;
  }

  /** σ², shape `batchShape` (a new tensor; the caller disposes it). */
  get variance(): Tensor {
    return this.batched((_loc, scale) => tf.square(scale));
  }

  /** σ, shape `batchShape` (a new tensor; the caller disposes it). */
  get stddev(): Tensor {
    return this.batched((_loc, scale) => scale);
  }
}
