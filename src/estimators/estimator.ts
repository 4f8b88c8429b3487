import type { Seed } from '../random/generator.js';
import type { Tensor } from '../tf.js';

/**
 * The downstream loss f of an estimator. It receives a sample of the logits' shape (categories on
 * the last axis) and returns the losses of that sample: a scalar, or one loss per example, its shape
 * a leading part of the logits' shape without the category axis (e.g. `[batch]` for logits
 * `[batch, N, K]`). Estimators may call it more than once per estimate (REINFORCE with several
 * samples, REBAR); any variables it reads receive gradients as usual.
 */
export type DownstreamLoss = (sample: Tensor) => Tensor;

/** Options every estimator accepts. */
export interface EstimatorOptions {
  /** Integer seed or generator; without one, each call draws fresh noise. */
  seed?: Seed;
  /**
   * Check the logits (no NaN or +Infinity, no fully masked slice) and the options first (default
   * true). Checking reads the logits once; turn it off in a training loop.
   */
  validateArgs?: boolean;
}

/** Options of the estimators that relax the sample with a temperature. */
export interface TemperatureOptions extends EstimatorOptions {
  /** τ > 0 (default 1) of the softmax whose Jacobian the backward pass uses. */
  temperature?: number;
}

/** What every estimator returns. Inside `tf.grad` both are freed with the rest of the graph. */
export interface Estimate {
  /**
   * The discrete sample z: an exact one-hot along the last axis (for `gumbelSoftmax`, the soft
   * relaxation itself), the logits' shape. For pathwise estimators its backward pass is the
   * estimator's gradient, so it can be fed to a model directly; for score-function estimators
   * (which draw several samples, this is the first) no gradient flows through it.
   */
  sample: Tensor;
  /**
   * f(z), the loss's shape (averaged over the estimator's samples where it draws several), whose
   * gradient with respect to the logits — and to every variable f reads — is the estimator's
   * gradient. Differentiate this, not f(sample), to get the score-function terms.
   */
  loss: Tensor;
}

/**
 * The one estimator signature: logits (categories on the last axis; −Infinity masks a category),
 * the downstream loss f, options. Returns the sample and f(sample) carrying the estimator's
 * gradient, so it works inside `tf.grad` and `tf.variableGrads`.
 *
 * @example
 * ```ts
 * const target = tf.tensor([0.1, 0.6, 0.3]);
 * const squaredError = (z: tf.Tensor) => tf.sum(tf.square(tf.sub(z, target)), -1);
 * const gradient = tf.grad((logits: tf.Tensor) =>
 *   estimators.reinmax(logits, squaredError, { temperature: 1.5, seed: 1 }).loss,
 * )(tf.tensor([0.5, 0, -0.5]));
 * ```
 */
export type Estimator<Options extends EstimatorOptions = EstimatorOptions> = (
  logits: Tensor,
  loss: DownstreamLoss,
  options?: Options,
) => Estimate;
