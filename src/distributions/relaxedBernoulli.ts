import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import type { TensorInput } from '../validate.js';
import type { SampleOptions } from './distribution.js';
import { RelaxedBernoulliBase, type RelaxedBernoulliParameters } from './relaxedBernoulliBase.js';
import { requireOpenUnitInterval } from './support.js';

/** The smallest normal float32 number. */
const SMALLEST_NORMAL = 2 ** -126;
/** The largest float32 number below 1. */
const LARGEST_BELOW_ONE = 1 - 2 ** -24;

/**
 * The binary Concrete (relaxed Bernoulli) distribution: y = sigmoid((logits + L)/τ),
 * L ~ Logistic(0, 1), a point of (0, 1) that approaches 0 or 1 as τ → 0 (Maddison et al. 2017).
 *
 * In float32, sigmoid rounds to exactly 0 or 1 once |x| exceeds about 17 — already common at τ = ½.
 * As in PyTorch, samples are therefore clipped to [1.2e−38, 1 − 2⁻²⁴], the float32 numbers strictly
 * inside (0, 1), so `logProb` of a sample is always defined; the gradient is 0 where the clip acts
 * (sigmoid's is below 1e−7 there anyway). For exact densities at small τ use
 * {@link LogitRelaxedBernoulli}.
 */
export class RelaxedBernoulli extends RelaxedBernoulliBase {
  /** @throws {@link ArgumentError} as described at {@link RelaxedBernoulliBase}. */
  constructor(parameters: RelaxedBernoulliParameters) {
    super(parameters);
  }

  /**
   * Reparameterized draws sigmoid((logits + L)/τ), clipped into the open interval (see above), shape
   * `[...sampleShape, ...batchShape]`.
   */
  rsample(options: SampleOptions = {}): Tensor {
    return tf.tidy(() =>
      tf.clipByValue(tf.sigmoid(this.logisticSample(options)), SMALLEST_NORMAL, LARGEST_BELOW_ONE),
    );
  }

  /**
   * log p(y) = LogitRelaxedBernoulli.logProb(logit y) − log y − log(1 − y), shape
   * broadcast(value, batchShape).
   *
   * @throws {@link ArgumentError} (with validateArgs) when `value` is not strictly inside (0, 1).
   */
  logProb(value: TensorInput): Tensor {
    return tf.tidy(() => {
      const sample = this.scalarValue(value);
      if (this.validateArgs) requireOpenUnitInterval(sample);
      const logSample = tf.log(sample);
      const logComplement = tf.log1p(tf.neg(sample));
      const density = this.logitLogDensity(tf.sub(logSample, logComplement));
      return tf.sub(density, tf.add(logSample, logComplement));
    });
  }
}
