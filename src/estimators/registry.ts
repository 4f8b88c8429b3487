import type { Seed } from '../random/generator.js';
import type { Tensor } from '../tf.js';
import { ArgumentError, checkPositiveNumber } from '../validate.js';
import { onCategoryPairs } from './binary.js';
import { disarm } from './disarm.js';
import type { DownstreamLoss, Estimate, EstimatorOptions } from './estimator.js';
import { gappedStraightThrough } from './gappedStraightThrough.js';
import { gumbelRao } from './gumbelRao.js';
import { gumbelSoftmax } from './gumbelSoftmax.js';
import { MovingAverageBaseline } from './movingAverageBaseline.js';
import { multiSampleDisarm } from './multiSampleDisarm.js';
import { rebar } from './rebar.js';
import { checkReinmaxTemperature, reinmax } from './reinmax.js';
import { relax } from './relax.js';
import { RelaxControlVariate, type RelaxControlVariateState } from './relaxControlVariate.js';
import { scoreFunction } from './scoreFunction.js';
import { checkCount } from './shared.js';
import { straightThrough } from './straightThrough.js';
import { straightThroughGumbel } from './straightThroughGumbel.js';
import { unorderedSet } from './unorderedSet.js';
import { zgr } from './zgr.js';

/** The estimators by name, as the CLI and the lab spell them. */
export const ESTIMATOR_NAMES = [
  'straight-through',
  'straight-through-gumbel',
  'gumbel-softmax',
  'gumbel-rao',
  'reinmax',
  'score-function',
  'rebar',
  'rebar-tuned',
  'relax',
  'disarm',
  'multi-sample-disarm',
  'unordered-set',
  'gapped-straight-through',
  'zgr',
] as const;

/**
 * The estimators `gumbel train` (the VAE) accepts: those whose state it checkpoints (the
 * moving-average baseline, the tuned control variate of 'rebar-tuned' and 'relax') and that apply to
 * a loss summed over several latents. DisARM needs two categories (Bernoulli latents, or K = 2); the
 * unordered-set estimator, needing one loss per categorical, and multi-sample DisARM, which needs a
 * samples axis the VAE's loss does not have, are not among them.
 */
export const TRAINABLE_ESTIMATOR_NAMES: readonly (typeof ESTIMATOR_NAMES)[number][] = ESTIMATOR_NAMES.filter(
  (name) => name !== 'unordered-set' && name !== 'multi-sample-disarm',
);

/** What an estimator needs of a problem: DisARM two categories, the unordered-set estimator one loss per categorical. */
export type EstimatorNeeds = 'any' | 'two-categories' | 'loss-per-categorical';

/** What the named estimator needs of a problem (see {@link EstimatorNeeds}). */
export function estimatorNeeds(name: (typeof ESTIMATOR_NAMES)[number]): EstimatorNeeds {
  if (name === 'disarm' || name === 'multi-sample-disarm') return 'two-categories';
  if (name === 'unordered-set') return 'loss-per-categorical';
  return 'any';
}

/**
 * The estimators that work on binary latents — every one whose needs a Bernoulli bit, seen as the
 * two categories (ℓ, 0), meets with a loss summed over many bits (all but the unordered-set one).
 */
export const BINARY_ESTIMATOR_NAMES = ESTIMATOR_NAMES.filter(
  (name) => estimatorNeeds(name) !== 'loss-per-categorical',
);

/** One of {@link ESTIMATOR_NAMES}. */
export type EstimatorName = (typeof ESTIMATOR_NAMES)[number];

/** The baselines of the score-function estimator by name. */
export const BASELINE_NAMES = ['none', 'leave-one-out', 'moving-average'] as const;

/** One of {@link BASELINE_NAMES}. */
export type BaselineName = (typeof BASELINE_NAMES)[number];

/** A named estimator and its parameters (each used only by the estimator it belongs to). */
export interface EstimatorSpec {
  /** Which estimator. */
  name: EstimatorName;
  /** Gumbel-Rao: k, conditional draws per estimate (default 10). */
  raoSamples?: number;
  /** Score function: S, samples per estimate (default 1). */
  scoreSamples?: number;
  /** Score function: the baseline (default 'leave-one-out' when S ≥ 2, else 'none'). */
  baseline?: BaselineName;
  /** Score function with 'moving-average': β (default 0.9). */
  baselineDecay?: number;
  /** REBAR: η (default 1); tuned REBAR and RELAX: η to start from. */
  rebarEta?: number;
  /** RELAX: hidden units of the control variate's network (default 16). */
  relaxHidden?: number;
  /** Tuned REBAR and RELAX: Adam's step size on the variance (default 0.01). */
  controlVariateLearningRate?: number;
  /** DisARM: antithetic pairs per estimate (default 1). */
  disarmPairs?: number;
  /** Unordered set: k, categories drawn without replacement (default 4). */
  setSize?: number;
  /** Gapped straight-through: the gap κ (default 1). */
  gap?: number;
}

/** Options of a {@link ConfiguredEstimator} call. */
export interface ConfiguredEstimatorOptions {
  /** τ; ignored by estimators without one (the score function). */
  temperature: number;
  /** Integer seed or generator; without one, each call draws fresh noise. */
  seed?: Seed;
  /** Check the logits first (default true). */
  validateArgs?: boolean;
}

/** An estimator with its parameters bound, as the trainer and the lab use it. */
export interface ConfiguredEstimator {
  readonly spec: EstimatorSpec;
  /** A short label with the parameters, e.g. 'gumbel-rao k=10'. */
  readonly label: string;
  /** Whether τ changes what it computes. */
  readonly usesTemperature: boolean;
  /** The moving-average baseline it carries between calls, if any. */
  readonly baseline?: MovingAverageBaseline;
  /**
   * Tuned REBAR and RELAX: the control variate it tunes across calls (RELAX's is made at the first
   * call, when the number of categories is known); save its `state()` to resume.
   */
  readonly controlVariate?: RelaxControlVariate;
  /** Whether it tunes a control variate across calls (tuned REBAR, RELAX), so benefits from calls before it is measured. */
  readonly tuned: boolean;
  /** What it needs of a problem (see {@link EstimatorNeeds}). */
  readonly needs: EstimatorNeeds;
  /** Whether it accepts `temperature` (ReinMax needs τ ≥ 1). */
  acceptsTemperature(temperature: number): boolean;
  /** Runs the estimator (see {@link Estimator}); checks τ against what the estimator accepts. */
  estimate(logits: Tensor, loss: DownstreamLoss, options: ConfiguredEstimatorOptions): Estimate;
}

/** Checks a spec's name and the parameters it uses, naming the bad one and its range. */
export function checkEstimatorSpec(spec: EstimatorSpec): void {
  if (!(ESTIMATOR_NAMES as readonly string[]).includes(spec.name)) {
    throw new ArgumentError('estimator', `must be one of ${ESTIMATOR_NAMES.join(', ')}, got ${spec.name}`);
  }
  if (spec.raoSamples !== undefined) checkCount(spec.raoSamples, 1, 'rao-samples (k)');
  if (spec.scoreSamples !== undefined) checkCount(spec.scoreSamples, 1, 'score-samples (S)');
  if (spec.baseline !== undefined && !(BASELINE_NAMES as readonly string[]).includes(spec.baseline)) {
    throw new ArgumentError('baseline', `must be one of ${BASELINE_NAMES.join(', ')}, got ${spec.baseline}`);
  }
  if (spec.baselineDecay !== undefined && !(spec.baselineDecay >= 0 && spec.baselineDecay < 1)) {
    throw new ArgumentError('baseline-decay', `must be a number in [0, 1), got ${spec.baselineDecay}`);
  }
  if (spec.rebarEta !== undefined && !Number.isFinite(spec.rebarEta)) {
    throw new ArgumentError('rebar-eta', `must be a finite number, got ${spec.rebarEta}`);
  }
  if (spec.relaxHidden !== undefined) checkCount(spec.relaxHidden, 1, 'relax-hidden');
  if (spec.disarmPairs !== undefined) checkCount(spec.disarmPairs, 1, 'disarm-pairs');
  if (spec.setSize !== undefined) checkCount(spec.setSize, 2, 'set-size (k)');
  if (spec.gap !== undefined) checkPositiveNumber(spec.gap, 'gap');
  if (spec.controlVariateLearningRate !== undefined) {
    checkPositiveNumber(spec.controlVariateLearningRate, 'control-variate-learning-rate');
  }
  if (spec.name === 'score-function' && spec.baseline === 'leave-one-out' && (spec.scoreSamples ?? 1) < 2) {
    throw new ArgumentError(
      'score-samples (S)',
      `must be >= 2 with the leave-one-out baseline, got ${spec.scoreSamples ?? 1}`,
    );
  }
}

function labelOf(spec: EstimatorSpec): string {
  if (spec.name === 'gumbel-rao') return `gumbel-rao k=${spec.raoSamples ?? 10}`;
  if (spec.name === 'rebar') return spec.rebarEta === undefined ? 'rebar' : `rebar η=${spec.rebarEta}`;
  if (spec.name === 'relax') return `relax h=${spec.relaxHidden ?? 16}`;
  if (spec.name === 'disarm')
    return (spec.disarmPairs ?? 1) === 1 ? 'disarm' : `disarm n=${spec.disarmPairs}`;
  if (spec.name === 'unordered-set') return `unordered-set k=${spec.setSize ?? 4}`;
  if (spec.name === 'gapped-straight-through' && spec.gap !== undefined)
    return `gapped-straight-through κ=${spec.gap}`;
  if (spec.name !== 'score-function') return spec.name;
  const samples = spec.scoreSamples ?? 1;
  const baseline = spec.baseline ?? (samples >= 2 ? 'leave-one-out' : 'none');
  const shortBaseline = { none: 'no baseline', 'leave-one-out': 'LOO', 'moving-average': 'EMA' }[baseline];
  return `score-function S=${samples} ${shortBaseline}`;
}

/** The estimators that ignore τ. */
const TEMPERATURE_FREE: readonly EstimatorName[] = [
  'score-function',
  'rebar-tuned',
  'relax',
  'disarm',
  'multi-sample-disarm',
  'unordered-set',
  'zgr',
];

/** τ a tuned control variate starts from. */
const START_TEMPERATURE = 0.5;

/**
 * Binds a named estimator to its parameters, giving every estimator the same call. A
 * 'moving-average' score function gets a fresh {@link MovingAverageBaseline} (restore its average
 * with `baselineValue`); 'rebar-tuned' and 'relax' a fresh {@link RelaxControlVariate}, or the one
 * `controlVariateState` describes (a saved `controlVariate.state()`, to resume exactly).
 *
 * @throws {@link ArgumentError} for an unknown name or a parameter out of range.
 * @example
 * ```ts
 * const estimator = estimators.createEstimator({ name: 'gumbel-rao', raoSamples: 10 });
 * const { loss } = estimator.estimate(logits, decoderLoss, { temperature: 0.5, seed: 1 });
 * ```
 */
export function createEstimator(
  spec: EstimatorSpec,
  baselineValue?: number,
  controlVariateState?: RelaxControlVariateState,
): ConfiguredEstimator {
  checkEstimatorSpec(spec);
  if (controlVariateState !== undefined && spec.name !== 'rebar-tuned' && spec.name !== 'relax') {
    throw new ArgumentError(
      'controlVariateState',
      `belongs to 'rebar-tuned' or 'relax', not to ${spec.name}`,
    );
  }
  const baseline =
    spec.name === 'score-function' && spec.baseline === 'moving-average'
      ? new MovingAverageBaseline({ decay: spec.baselineDecay, value: baselineValue })
      : undefined;
  const learningRate = spec.controlVariateLearningRate;
  let controlVariate =
    controlVariateState !== undefined
      ? RelaxControlVariate.fromState(controlVariateState)
      : spec.name === 'rebar-tuned'
        ? new RelaxControlVariate({ eta: spec.rebarEta, temperature: START_TEMPERATURE, learningRate })
        : undefined;
  const run = (logits: Tensor, loss: DownstreamLoss, options: ConfiguredEstimatorOptions): Estimate => {
    const { temperature, seed, validateArgs } = options;
    switch (spec.name) {
      case 'straight-through':
        return straightThrough(logits, loss, { temperature, seed, validateArgs });
      case 'straight-through-gumbel':
        return straightThroughGumbel(logits, loss, { temperature, seed, validateArgs });
      case 'gumbel-softmax':
        return gumbelSoftmax(logits, loss, { temperature, seed, validateArgs });
      case 'gumbel-rao':
        return gumbelRao(logits, loss, { temperature, seed, validateArgs, k: spec.raoSamples });
      case 'reinmax':
        return reinmax(logits, loss, { temperature, seed, validateArgs });
      case 'rebar':
        return rebar(logits, loss, { temperature, seed, validateArgs, eta: spec.rebarEta });
      case 'rebar-tuned':
        return rebar(logits, loss, { tuning: controlVariate, seed, validateArgs });
      case 'relax': {
        controlVariate ??= new RelaxControlVariate({
          hidden: spec.relaxHidden ?? 16,
          categories: logits.shape[logits.rank - 1],
          eta: spec.rebarEta,
          temperature: START_TEMPERATURE,
          learningRate,
        });
        return relax(logits, loss, { controlVariate, seed, validateArgs });
      }
      case 'disarm': {
        const pairs = spec.disarmPairs;
        const pairsOf = (alpha: Tensor, f: DownstreamLoss, o: EstimatorOptions) =>
          disarm(alpha, f, { ...o, pairs });
        return onCategoryPairs(pairsOf, 'DisARM', logits, loss, { seed, validateArgs });
      }
      case 'multi-sample-disarm':
        return onCategoryPairs(multiSampleDisarm, 'multi-sample DisARM', logits, loss, {
          seed,
          validateArgs,
        });
      case 'unordered-set':
        return unorderedSet(logits, loss, { seed, validateArgs, k: spec.setSize });
      case 'gapped-straight-through':
        return gappedStraightThrough(logits, loss, { temperature, seed, validateArgs, gap: spec.gap });
      case 'zgr':
        return zgr(logits, loss, { seed, validateArgs });
      case 'score-function': {
        const chosen = baseline ?? (spec.baseline === 'moving-average' ? undefined : spec.baseline);
        return scoreFunction(logits, loss, {
          seed,
          validateArgs,
          samples: spec.scoreSamples,
          baseline: chosen,
        });
      }
    }
  };
  const usesTemperature = !TEMPERATURE_FREE.includes(spec.name);
  return {
    spec,
    label: labelOf(spec),
    usesTemperature,
    baseline,
    get controlVariate() {
      return controlVariate;
    },
    tuned: spec.name === 'rebar-tuned' || spec.name === 'relax',
    needs: estimatorNeeds(spec.name),
    acceptsTemperature: (temperature) => {
      if (!(temperature > 0 && Number.isFinite(temperature))) return false;
      return spec.name !== 'reinmax' || temperature >= 1;
    },
    estimate: (logits, loss, options) => {
      if (spec.name === 'reinmax') checkReinmaxTemperature(options.temperature);
      else if (usesTemperature) checkPositiveNumber(options.temperature, 'temperature');
      return run(logits, loss, options);
    },
  };
}
