import { resolveGenerator } from '../random/generator.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import type { DownstreamLoss, Estimate, EstimatorOptions } from './estimator.js';
import { MovingAverageBaseline } from './movingAverageBaseline.js';
import { callLoss, checkCount, prepareEstimatorLogits, sampleOneHot, scoreSurrogate } from './shared.js';

/** The baselines of {@link scoreFunction}. */
export type ScoreFunctionBaseline = 'none' | 'leave-one-out' | MovingAverageBaseline;

/** Options of {@link scoreFunction}. */
export interface ScoreFunctionOptions extends EstimatorOptions {
  /** S ≥ 1 (default 1): independent samples per estimate; f is evaluated on each. */
  samples?: number;
  /**
   * What is subtracted from f before it weights ∇log p(z): 'none'; 'leave-one-out' (needs S ≥ 2),
   * the mean of the other S − 1 samples' losses (Kool et al. 2019, "Buy 4 REINFORCE samples"); or a
   * {@link MovingAverageBaseline} carried between calls. Default: 'leave-one-out' when S ≥ 2,
   * otherwise 'none'.
   */
  baseline?: ScoreFunctionBaseline;
}

function checkBaseline(baseline: ScoreFunctionBaseline, samples: number): void {
  if (baseline instanceof MovingAverageBaseline || baseline === 'none') return;
  if (baseline !== 'leave-one-out') {
    throw new ArgumentError(
      'baseline',
      `must be 'none', 'leave-one-out' or a MovingAverageBaseline, got ${String(baseline)}`,
    );
  }
  if (samples < 2) {
    throw new ArgumentError('samples', `must be >= 2 with the leave-one-out baseline, got ${samples}`);
  }
}

/** (f_s − b_s)/S for every sample s: the weights of ∇log p(z_s). Constants. */
function scoreWeights(losses: Tensor, baseline: ScoreFunctionBaseline): Tensor {
  const samples = losses.shape[0];
  if (baseline === 'leave-one-out') {
    // f_s − mean of the others = S/(S − 1)·(f_s − mean of all).
    return tf.mul(tf.sub(losses, tf.mean(losses, 0, true)), 1 / (samples - 1));
  }
  if (baseline === 'none') return tf.div(losses, samples);
  const previous = baseline.value ?? 0;
  baseline.update(tf.mean(losses).dataSync()[0]);
  return tf.div(tf.sub(losses, previous), samples);
}

/**
 * The score-function estimator, REINFORCE (Williams 1992), with a baseline: S one-hot samples
 * z_s ~ Categorical(softmax(logits)) (Gumbel-max) and the gradient (1/S)·Σ_s (f(z_s) − b_s)·∇log p(z_s).
 * Unbiased for any baseline that does not depend on z_s; its variance needs no relaxation but grows
 * with the spread of f. `loss` is the mean of f over the S samples; variables f reads get the
 * averaged pathwise gradient at the samples, logits only the score term. `sample` is the first draw.
 *
 * @param options - `samples` S (default 1), `baseline` (see {@link ScoreFunctionOptions}).
 * @throws {@link ArgumentError} for bad logits, S not an integer ≥ 1, leave-one-out with S = 1, an
 *   unknown baseline, a loss of the wrong shape.
 * @example
 * ```ts
 * const gradient = tf.grad((logits: tf.Tensor) =>
 *   estimators.scoreFunction(logits, squaredError, { samples: 4, baseline: 'leave-one-out' }).loss,
 * )(logits);
 * ```
 */
export function scoreFunction(
  logits: Tensor,
  loss: DownstreamLoss,
  options: ScoreFunctionOptions = {},
): Estimate {
  const samples = options.samples ?? 1;
  checkCount(samples, 1, 'samples');
  const baseline = options.baseline ?? (samples >= 2 ? 'leave-one-out' : 'none');
  checkBaseline(baseline, samples);
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(logits, options);
    const generator = resolveGenerator(options.seed);
    const draws: Tensor[] = [];
    const losses: Tensor[] = [];
    for (let s = 0; s < samples; s++) {
      const draw = sampleOneHot(prepared, gumbelNoise(prepared.shape, generator));
      draws.push(draw);
      losses.push(callLoss(loss, draw, prepared.shape));
    }
    const stacked = tf.stack(losses);
    const weights = scoreWeights(stacked, baseline);
    const surrogate = scoreSurrogate(prepared, tf.stack(draws), weights);
    return { sample: draws[0], loss: tf.add(tf.mean(stacked, 0), surrogate) };
  });
}
