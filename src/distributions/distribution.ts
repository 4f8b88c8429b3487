import type { Seed } from '../random/generator.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, type TensorInput, toFloatTensor } from '../validate.js';

/** Options every distribution accepts. */
export interface DistributionOptions {
  /**
   * Check the parameters when the distribution is built and the values given to `logProb` (default
   * true). Checking reads the tensors (one sync each); turn it off in a hot loop once the inputs are
   * known to be good.
   */
  validateArgs?: boolean;
}

/** Options of `sample` and `rsample`. */
export interface SampleOptions {
  /**
   * Shape of independent draws, prepended to the result (default `[]`, one draw per batch member),
   * as in PyTorch: the result has shape `[...sampleShape, ...batchShape, ...eventShape]`.
   */
  sampleShape?: number[];
  /** Integer seed or generator; without one, each call draws fresh noise. */
  seed?: Seed;
}

/**
 * What every distribution shares: batch and event shapes, argument checking, sample shapes and the
 * ownership of parameter tensors.
 *
 * Ownership: a `Tensor` passed as a parameter is kept as given (never copied), so gradients reach it
 * when the distribution is built inside `tf.grad`; the caller keeps owning it. Tensors the
 * distribution makes itself from numbers or arrays are kept with `tf.keep` and freed by
 * {@link Distribution.dispose}. Every method returns new tensors that the caller disposes.
 */
export abstract class Distribution {
  /** Whether parameters and `logProb` values are checked. */
  readonly validateArgs: boolean;
  /** Shape of the batch of independent distributions this object holds. */
  abstract readonly batchShape: number[];
  /** Shape of one draw of one member of the batch (`[]` for scalar distributions). */
  abstract readonly eventShape: number[];
  /** Whether `rsample` (a reparameterized, differentiable sample) is available. */
  abstract readonly hasRsample: boolean;
  private readonly ownedTensors: Tensor[] = [];

  protected constructor(options: DistributionOptions = {}) {
    this.validateArgs = options.validateArgs !== false;
  }

  /**
   * Draws samples of shape `[...sampleShape, ...batchShape, ...eventShape]`. No gradient flows
   * through them.
   */
  abstract sample(options?: SampleOptions): Tensor;

  /** Log-probability (or log-density) of `value`; the caller disposes the result. */
  abstract logProb(value: TensorInput): Tensor;

  /** Frees the tensors this distribution created from numbers or arrays. Safe to call twice. */
  dispose(): void {
    for (const tensor of this.ownedTensors) tensor.dispose();
    this.ownedTensors.length = 0;
  }

  /**
   * Converts a parameter to a float32 tensor: a `Tensor` is returned as given (not owned), anything
   * else becomes a kept tensor that {@link Distribution.dispose} frees.
   */
  protected own(value: TensorInput, name: string): Tensor {
    return this.guard(() => {
      if (value === undefined || value === null) throw new ArgumentError(name, `is required, got ${value}`);
      const tensor = toFloatTensor(value, name);
      if (tensor !== value) this.ownedTensors.push(tf.keep(tensor));
      return tensor;
    });
  }

  /** Runs a constructor step; if it throws, frees what was owned so far, then rethrows. */
  protected guard<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /** Runs a parameter check when `validateArgs` is on, freeing owned tensors if it throws. */
  protected check(step: () => void): void {
    if (this.validateArgs) this.guard(step);
  }

  /** `[...sampleShape, ...batchShape, ...eventShape]`, after checking `sampleShape`. */
  protected extendedShape(sampleShape: number[] = []): number[] {
    if (!Array.isArray(sampleShape) || sampleShape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ArgumentError(
        'sampleShape',
        `must be an array of non-negative integers, got ${JSON.stringify(sampleShape)}`,
      );
    }
    return [...sampleShape, ...this.batchShape, ...this.eventShape];
  }
}

/** A distribution with a reparameterized sampler: gradients flow from the sample to the parameters. */
export interface ReparameterizedDistribution extends Distribution {
  /**
   * Draws samples of shape `[...sampleShape, ...batchShape, ...eventShape]` as a differentiable
   * function of the parameters and parameter-free noise.
   */
  rsample(options?: SampleOptions): Tensor;
}

/** Broadcast shape of `base` and `other`, or an ArgumentError naming `name` (the argument of shape `other`). */
export function broadcastShapes(base: number[], other: number[], name: string): number[] {
  try {
    return tf.broadcast_util.assertAndGetBroadcastShape(base, other);
  } catch {
    throw new ArgumentError(name, `has shape [${other}], which does not broadcast against [${base}]`);
  }
}
