import { resolveGenerator } from '../random/generator.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import type { DownstreamLoss, Estimate, EstimatorOptions } from './estimator.js';
import { RelaxControlVariate } from './relaxControlVariate.js';
import { relaxSurrogate, varianceGradient } from './relaxSurrogate.js';
import { prepareEstimatorLogits } from './shared.js';

/** Options of {@link relax}. */
export interface RelaxOptions extends EstimatorOptions {
  /** The control variate and its tuning state, kept by the caller across steps. */
  controlVariate: RelaxControlVariate;
  /** Take one variance-descent step on the control variate with this estimate's noise (default true). */
  tune?: boolean;
}

/** Rejects masked logits and a network sized for other categories. */
export function checkRelaxInputs(
  prepared: Tensor,
  controlVariate: RelaxControlVariate,
  options: EstimatorOptions,
): void {
  const categories = prepared.shape[prepared.rank - 1];
  if (controlVariate.hidden > 0 && controlVariate.categories !== categories) {
    throw new ArgumentError(
      'controlVariate',
      `has a network for ${controlVariate.categories} categories, the logits have ${categories}`,
    );
  }
  if (options.validateArgs !== false && prepared.dataSync().some((v) => v === Number.NEGATIVE_INFINITY)) {
    throw new ArgumentError(
      'logits',
      'must be finite for REBAR and RELAX (−Infinity masks are not supported)',
    );
  }
}

/**
 * The estimate of REBAR/RELAX with a {@link RelaxControlVariate}, then (if `tune`) one Adam step of the
 * control variate on the variance of this estimate, with the same noise. The estimate uses the
 * parameters from before the step, which do not depend on its noise, so it stays unbiased.
 */
export function tunedControlVariateEstimate(
  logits: Tensor,
  loss: DownstreamLoss,
  controlVariate: RelaxControlVariate,
  options: EstimatorOptions & { tune?: boolean },
): Estimate {
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(logits, options);
    checkRelaxInputs(prepared, controlVariate, options);
    const generator = resolveGenerator(options.seed);
    const noise = {
      noise: gumbelNoise(prepared.shape, generator),
      conditionalNoise: gumbelNoise([1, ...prepared.shape], generator),
    };
    const weights = controlVariate.weights();
    const parameters = { eta: controlVariate.eta, temperature: controlVariate.temperature, weights };
    const estimate = relaxSurrogate(prepared, loss, parameters, noise);
    if (options.tune !== false) {
      const detached = tf.tensor(prepared.dataSync(), prepared.shape);
      controlVariate.step(varianceGradient(detached, loss, controlVariate, noise));
    }
    return { sample: estimate.sample, loss: estimate.loss };
  });
}

/**
 * RELAX (Grathwohl et al. 2018) for categorical latents (binary ones through {@link binary}): REBAR's
 * estimator with a learned control variate c(z) = η·f(σ(z/τ)) + Σ r(σ(z/τ)), r a one-hidden-layer
 * network of each relaxed sample,
 * ĝ = [f(b) − c(z̃)]·∇log p(b) + ∇c(z) − ∇c(z̃), z = log p + g, b = onehot(argmax z), z̃ ~ z | b.
 * Unbiased for every c. Each call also moves η, τ and r one Adam step down the estimate's variance
 * (see {@link RelaxControlVariate}), the "trained on the variance objective alongside the model" of
 * the paper; the variance is that of the gradient with respect to the logits. f is evaluated three
 * times per estimate, and ten more times per tuning step. Variables f reads get η-weighted relaxed
 * gradients besides the usual one at b (zero in expectation). Logits must not contain −Infinity masks.
 *
 * @throws {@link ArgumentError} for bad or masked logits, a missing control variate or one sized for
 *   other categories, a loss of the wrong shape.
 * @example
 * ```ts
 * const controlVariate = new estimators.RelaxControlVariate({ hidden: 8, categories: 3 });
 * const { loss } = estimators.relax(logits, squaredError, { controlVariate, seed: 3 });
 * ```
 */
export function relax(logits: Tensor, loss: DownstreamLoss, options?: RelaxOptions): Estimate {
  if (!(options?.controlVariate instanceof RelaxControlVariate)) {
    throw new ArgumentError(
      'controlVariate',
      'must be a RelaxControlVariate (it holds the state kept across steps)',
    );
  }
  return tunedControlVariateEstimate(logits, loss, options.controlVariate, options);
}
