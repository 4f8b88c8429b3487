import type { ConfiguredEstimator } from '../estimators/registry.js';
import { RandomGenerator } from '../random/generator.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import type { CategoricalVae } from './model.js';
import { type KlKind, negativeElbo } from './objective.js';

/** Options of {@link encoderGradientVariance}. */
export interface GradientVarianceOptions {
  /** R ≥ 2 repeated estimates at the same weights. */
  repeats: number;
  /** τ the estimator relaxes with. */
  temperature: number;
  kl: KlKind;
  priorTemperature?: number;
  /** Seed of the repeats' noise (repeat r uses `foldIn(r)` of it). */
  seed: number;
  /**
   * Makes the estimator of one repeat. A stateful estimator (a moving-average baseline, a tuned
   * control variate) changes its state when called, so give each repeat a fresh copy of the state
   * to measure (e.g. `() => trainer.estimatorSnapshot()`).
   */
  estimator: () => ConfiguredEstimator;
}

/** What {@link encoderGradientVariance} measures, over the encoder's parameters θ. */
export interface GradientVariance {
  /** Σⱼ Var(ĝⱼ): the trace of the estimates' covariance (unbiased, R − 1 in the denominator). */
  totalVariance: number;
  /** ‖mean ĝ‖², to compare the variance with. */
  squaredMeanNorm: number;
  repeats: number;
}

/**
 * The variance of a gradient estimator of the batch's −ELBO with respect to the encoder's
 * parameters, at the model's current weights: R independent estimates on the same images (only the
 * estimator's noise differs), and the trace of their covariance. The decoder's gradient is not
 * measured (it gets the plain pathwise gradient from most estimators).
 *
 * @throws {@link ArgumentError} for `repeats` not an integer ≥ 2.
 */
export function encoderGradientVariance(
  model: CategoricalVae,
  images: Tensor,
  options: GradientVarianceOptions,
): GradientVariance {
  const { repeats } = options;
  if (!Number.isSafeInteger(repeats) || repeats < 2) {
    throw new ArgumentError('repeats', `must be an integer >= 2, got ${repeats}`);
  }
  const encoder = model.parameters().slice(0, model.layers.length);
  const size = encoder.reduce((sum, parameter) => sum + parameter.size, 0);
  const sum = new Float64Array(size);
  const sumOfSquares = new Float64Array(size);
  const root = new RandomGenerator(options.seed);
  for (let repeat = 0; repeat < repeats; repeat++) {
    const estimator = options.estimator();
    const { value, grads } = tf.variableGrads(
      () =>
        negativeElbo(model, images, {
          temperature: options.temperature,
          hard: false,
          kl: options.kl,
          priorTemperature: options.priorTemperature,
          seed: root.foldIn(repeat),
          estimator,
        }),
      encoder,
    );
    let offset = 0;
    for (const parameter of encoder) {
      const values = grads[parameter.name].dataSync();
      for (let i = 0; i < values.length; i++) {
        sum[offset + i] += values[i];
        sumOfSquares[offset + i] += values[i] * values[i];
      }
      offset += values.length;
    }
    tf.dispose([value, ...Object.values(grads)]);
  }
  let totalVariance = 0;
  let squaredMeanNorm = 0;
  for (let j = 0; j < size; j++) {
    const mean = sum[j] / repeats;
    totalVariance += Math.max(0, sumOfSquares[j] - repeats * mean * mean) / (repeats - 1);
    squaredMeanNorm += mean * mean;
  }
  return { totalVariance, squaredMeanNorm, repeats };
}
