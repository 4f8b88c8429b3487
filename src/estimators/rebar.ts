import { relaxedSoftmax } from '../ops/relaxedSoftmax.js';
import { resolveGenerator } from '../random/generator.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import { conditionalGumbel } from './conditionalGumbel.js';
import type { DownstreamLoss, Estimate, TemperatureOptions } from './estimator.js';
import { tunedControlVariateEstimate } from './relax.js';
import { RelaxControlVariate } from './relaxControlVariate.js';
import {
  callLoss,
  gradientOnly,
  prepareEstimatorLogits,
  sampleOneHot,
  scoreSurrogate,
  temperatureOption,
} from './shared.js';

/** Options of {@link rebar}. */
export interface RebarOptions extends TemperatureOptions {
  /** η (default 1): the scale of the control variate; 0 gives plain REINFORCE. */
  eta?: number;
  /**
   * Tune η and τ online instead: a {@link RelaxControlVariate} without a network (`hidden` 0) that
   * holds them and takes one variance-descent step per call. `eta` and `temperature` must then be
   * left out (they are the state's).
   */
  tuning?: RelaxControlVariate;
}

/**
 * REBAR (Tucker et al. 2017) with fixed η and τ: REINFORCE with the relaxation as a control variate,
 * ĝ = [f(D) − η·f(σ(z̃))]·∇log p(D) + η·∇f(σ(z)) − η·∇f(σ(z̃)), where z = log p + g, D = onehot(argmax z),
 * z̃ ~ z | D (reparameterized with fresh noise, {@link conditionalGumbel}) and σ(·) = softmax(·/τ).
 * Unbiased for every η and τ; f is evaluated three times. With `tuning`, η and τ are instead tuned
 * online by gradient descent on the estimator's variance, as the authors do (Tucker et al. 2017
 * §3.3; see {@link RelaxControlVariate}). Variables f reads get η-weighted relaxed gradients besides the usual one at D
 * (zero in expectation). Logits must not contain −Infinity masks.
 *
 * @param options - `temperature` τ > 0 of the relaxation (default 1), `eta` η (default 1), or `tuning`.
 * @throws {@link ArgumentError} for bad or masked logits, τ ≤ 0, non-finite η, a loss of the wrong shape.
 * @example
 * ```ts
 * const { loss } = estimators.rebar(logits, squaredError, { temperature: 0.5, eta: 1, seed: 3 });
 * const tuning = new estimators.RelaxControlVariate({ eta: 1, temperature: 0.5 });
 * const tuned = estimators.rebar(logits, squaredError, { tuning, seed: 4 }); // η, τ move a step
 * ```
 */
export function rebar(logits: Tensor, loss: DownstreamLoss, options: RebarOptions = {}): Estimate {
  if (options.tuning !== undefined) {
    if (!(options.tuning instanceof RelaxControlVariate) || options.tuning.hidden !== 0) {
      throw new ArgumentError(
        'tuning',
        'must be a RelaxControlVariate without a network (hidden 0); use relax for one',
      );
    }
    if (options.eta !== undefined || options.temperature !== undefined) {
      throw new ArgumentError(
        'tuning',
        'replaces eta and temperature: leave them out (they are the tuning state)',
      );
    }
    return tunedControlVariateEstimate(logits, loss, options.tuning, options);
  }
  const temperature = temperatureOption(options.temperature);
  const eta = options.eta ?? 1;
  if (typeof eta !== 'number' || !Number.isFinite(eta)) {
    throw new ArgumentError('eta', `must be a finite number, got ${eta}`);
  }
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(logits, options);
    if (options.validateArgs !== false && prepared.dataSync().some((v) => v === Number.NEGATIVE_INFINITY)) {
      throw new ArgumentError('logits', 'must be finite for REBAR (−Infinity masks are not supported)');
    }
    const generator = resolveGenerator(options.seed);
    const noise = gumbelNoise(prepared.shape, generator);
    const logProbs = tf.logSoftmax(prepared);
    const sample = sampleOneHot(logProbs, noise);
    const hardLoss = callLoss(loss, sample, prepared.shape);
    const relaxedLoss = callLoss(
      loss,
      relaxedSoftmax(logProbs, noise, temperature, prepared.rank - 1),
      prepared.shape,
    );
    const conditional = conditionalGumbel(logProbs, sample, { seed: generator, validateArgs: false });
    const conditionalSoft = tf.softmax(tf.div(tf.squeeze(conditional, [0]), temperature));
    const conditionalLoss = callLoss(loss, conditionalSoft, prepared.shape);
    const weights = tf.expandDims(tf.sub(hardLoss, tf.mul(conditionalLoss, eta)), 0);
    const controlVariate = gradientOnly(tf.mul(tf.sub(relaxedLoss, conditionalLoss), eta));
    const score = scoreSurrogate(prepared, tf.expandDims(sample, 0), weights);
    return { sample, loss: tf.add(tf.add(hardLoss, score), controlVariate) };
  });
}
