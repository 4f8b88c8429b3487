import { relaxedSoftmax } from '../ops/relaxedSoftmax.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import type { TensorInput } from '../validate.js';
import type { SampleOptions } from './distribution.js';
import { untrackedMask } from './masks.js';
import { categoricalLogProbs } from './parameters.js';
import { RelaxedCategoricalBase, type RelaxedCategoricalParameters } from './relaxedCategoricalBase.js';
import { requireSimplex } from './support.js';

/**
 * The Concrete / Gumbel-softmax distribution (Maddison et al. 2017; Jang et al. 2017): samples
 * y = softmax((logits + g)/τ), g ~ Gumbel(0, 1), points of the simplex that approach one-hot vectors
 * as τ → 0. Masked categories (−Infinity logits, zero probs) get y = 0 and zero gradient.
 *
 * At small τ, y underflows to exact zeros, which lie outside the open simplex where the density is
 * defined; for densities at small τ use {@link ExpRelaxedOneHotCategorical}.
 *
 * @example
 * ```ts
 * const concrete = new RelaxedOneHotCategorical({ temperature: 0.5, probs: tf.tensor([0.2, 0.3, 0.5]) });
 * const y = concrete.rsample({ sampleShape: [8], seed: 2 }); // shape [8, 3], rows sum to 1
 * ```
 */
export class RelaxedOneHotCategorical extends RelaxedCategoricalBase {
  /** @throws {@link ArgumentError} as described at {@link RelaxedCategoricalBase}. */
  constructor(parameters: RelaxedCategoricalParameters) {
    super(parameters);
  }

  /** Relaxed one-hot draws softmax((logits + g)/τ), shape `[...sampleShape, ...batchShape, K]`. */
  rsample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() => {
      const shape = this.extendedShape(options.sampleShape);
      const noise = gumbelNoise(shape, options.seed);
      const logProbs = categoricalLogProbs(this.parameter);
      return relaxedSoftmax(logProbs, noise, this.eventTemperature(), shape.length - 1);
    });
  }

  /**
   * The Concrete density (Maddison et al. 2017, Eq. 11) of a point of the open simplex:
   * log p(y) = ExpRelaxed.logProb(log y) − Σ log y, the sums over unmasked categories; shape
   * broadcast(value without its last axis, batchShape).
   *
   * @throws {@link ArgumentError} when the last axis of `value` is not of size K; with validateArgs,
   * when `value` is not in the open simplex (entries > 0 summing to 1 within 1e−4, exactly 0 at masked
   * categories). Without validateArgs such values give −Infinity or garbage.
   */
  logProb(value: TensorInput): Tensor {
    return tf.tidy(() => {
      const sample = this.eventValue(value);
      const unmasked = tf.isFinite(categoricalLogProbs(this.parameter));
      if (this.validateArgs) requireSimplex(sample, unmasked);
      const positive = untrackedMask(sample, (y) => tf.greater(y, 0));
      const logSample = tf.where(
        positive,
        tf.log(tf.where(positive, sample, tf.scalar(1))),
        tf.scalar(Number.NEGATIVE_INFINITY),
      );
      const logJacobian = tf.sum(tf.where(unmasked, logSample, tf.scalar(0)), -1);
      return tf.sub(this.logDensityOfLogSample(logSample), logJacobian);
    });
  }
}
