import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import type { TensorInput } from '../validate.js';
import type { SampleOptions } from './distribution.js';
import { RelaxedBernoulliBase, type RelaxedBernoulliParameters } from './relaxedBernoulliBase.js';
import { requireNotNaN } from './support.js';

/**
 * The logit of a binary Concrete (relaxed Bernoulli) sample: x = (logits + L)/τ, L ~ Logistic(0, 1),
 * a real number whose sigmoid is a {@link RelaxedBernoulli} sample. Its density stays finite at small τ.
 *
 * @example
 * ```ts
 * const relaxed = new LogitRelaxedBernoulli({ temperature: 0.5, probs: tf.tensor([0.1, 0.9]) });
 * const x = relaxed.rsample({ seed: 4 });
 * ```
 */
export class LogitRelaxedBernoulli extends RelaxedBernoulliBase {
  /** @throws {@link ArgumentError} as described at {@link RelaxedBernoulliBase}. */
  constructor(parameters: RelaxedBernoulliParameters) {
    super(parameters);
  }

  /** Reparameterized draws (logits + L)/τ, shape `[...sampleShape, ...batchShape]`. */
  rsample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() => this.logisticSample(options));
  }

  /**
   * log τ + d − 2·softplus(d) with d = logits − τ·value, shape broadcast(value, batchShape).
   *
   * @throws {@link ArgumentError} (with validateArgs) when `value` holds NaN.
   */
  logProb(value: TensorInput): Tensor {
    return tf.tidy(() => {
      const logitSample = this.scalarValue(value);
      if (this.validateArgs) requireNotNaN(logitSample);
      return this.logitLogDensity(logitSample);
    });
  }
}
