import type { Seed } from '../random/generator.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import type { TensorInput } from '../validate.js';
import { LocationScaleDistribution, type LocationScaleParameters } from './locationScale.js';

/** The Euler–Mascheroni constant γ, the mean of a standard Gumbel variable. */
export const EULER_GAMMA = 0.5772156649015329;

/** Parameters of {@link Gumbel}. */
export interface GumbelParameters extends LocationScaleParameters {
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
export class Gumbel extends LocationScaleDistribution {
  /** @throws {@link ArgumentError} for a non-finite `loc`, `scale` ≤ 0 or non-finite, non-float tensors, shapes that do not broadcast. */
  constructor(parameters: GumbelParameters) {
    super(parameters);
  }

  protected standardNoise(shape: number[], seed?: Seed): Tensor {
    return gumbelNoise(shape, seed);
  }

  /** standard Gumbel: −(z + e^(−z)) */
  protected standardLogDensity(z: Tensor): Tensor {
    return tf.neg(tf.add(z, tf.exp(tf.neg(z))));
  }

  /** Differential entropy log β + 1 + γ, shape `batchShape`. */
  entropy(): Tensor {
    return this.batched((_loc, scale) => tf.add(tf.log(scale), 1 + EULER_GAMMA));
  }

  /** μ + βγ, shape `batchShape` (a new tensor; the caller disposes it). */
  get mean(): Tensor {
    return this.batched((loc, scale) => tf.add(loc, tf.mul(scale, EULER_GAMMA)));
  }

  /** μ, shape `batchShape` (a new tensor; the caller disposes it). */
  get mode(): Tensor {
    return this.batched((loc) => loc);
  }

  /** π²β²/6, shape `batchShape` (a new tensor; the caller disposes it). */
  get variance(): Tensor {
    return this.batched((_loc, scale) => tf.mul(tf.square(scale), Math.PI ** 2 / 6));
  }

  /** πβ/√6, shape `batchShape` (a new tensor; the caller disposes it). */
  get stddev(): Tensor {
    return this.batched((_loc, scale) => tf.mul(scale, Math.PI / Math.sqrt(6)));
  }
}
