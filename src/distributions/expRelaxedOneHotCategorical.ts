import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import type { TensorInput } from '../validate.js';
import type { SampleOptions } from './distribution.js';
import { categoricalLogProbs } from './parameters.js';
import { RelaxedCategoricalBase, type RelaxedCategoricalParameters } from './relaxedCategoricalBase.js';
import { requireLogSimplex } from './support.js';

/**
 * The logarithm of a Concrete (Gumbel-softmax) sample: x = log_softmax((logits + g)/τ), g ~ Gumbel(0, 1)
 * (Maddison et al. 2017, App. C.3). Working in log space keeps samples and densities finite at small τ,
 * where softmax((logits + g)/τ) underflows to exact zeros. exp(x) is a {@link RelaxedOneHotCategorical}
 * sample. Masked categories (−Infinity logits, zero probs) give x = −Infinity with zero gradient.
 *
 * @example
 * ```ts
 * const concrete = new ExpRelaxedOneHotCategorical({ temperature: 0.1, logits: tf.tensor([1, 2, 3]) });
 * const x = concrete.rsample({ seed: 1 });
 * const logDensity = concrete.logProb(x); // finite even at τ = 0.01
 * ```
 */
export class ExpRelaxedOneHotCategorical extends RelaxedCategoricalBase {
  /** @throws {@link ArgumentError} as described at {@link RelaxedCategoricalBase}. */
  constructor(parameters: RelaxedCategoricalParameters) {
    super(parameters);
  }

  /** Log-space relaxed draws log_softmax((logits + g)/τ), shape `[...sampleShape, ...batchShape, K]`. */
  rsample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() => {
      const logProbs = categoricalLogProbs(this.parameter);
      const unmasked = tf.isFinite(logProbs);
      const noise = gumbelNoise(this.extendedShape(options.sampleShape), options.seed);
      const perturbed = tf.where(unmasked, tf.add(logProbs, noise), tf.scalar(0));
      const scores = tf.where(
        unmasked,
        tf.div(perturbed, this.eventTemperature()),
        tf.scalar(Number.NEGATIVE_INFINITY),
      );
      return tf.logSoftmax(scores);
    });
  }

  /**
   * Log-density of a point of the log-simplex (see {@link RelaxedCategoricalBase}), shape
   * broadcast(value without its last axis, batchShape).
   *
   * @throws {@link ArgumentError} when the last axis of `value` is not of size K; with validateArgs,
   * when `value` is not in the log-simplex (finite entries with log-sum-exp 0 within 1e−4, exactly
   * −Infinity at masked categories). Without validateArgs such values give −Infinity or garbage.
   */
  logProb(value: TensorInput): Tensor {
    return tf.tidy(() => {
      const logSample = this.eventValue(value);
      if (this.validateArgs) requireLogSimplex(logSample, tf.isFinite(categoricalLogProbs(this.parameter)));
      return this.logDensityOfLogSample(logSample);
    });
  }
}
