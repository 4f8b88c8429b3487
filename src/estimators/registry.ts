import type { Seed } from '../random/generator.js';
import type { Tensor } from '../tf.js';
import { ArgumentError, checkPositiveNumber } from '../validate.js';
import type { DownstreamLoss, Estimate } from './estimator.js';
import { gumbelRao } from './gumbelRao.js';
import { gumbelSoftmax } from './gumbelSoftmax.js';
import { MovingAverageBaseline } from './movingAverageBaseline.js';
import { rebar } from './rebar.js';
import { checkReinmaxTemperature, reinmax } from './reinmax.js';
import { scoreFunction } from './scoreFunction.js';
import { checkCount } from './shared.js';
import { straightThrough } from './straightThrough.js';
import { straightThroughGumbel } from './straightThroughGumbel.js';

/** The estimators by name, as the CLI and the lab spell them. */
export const ESTIMATOR_NAMES = [
  'straight-through',
  'straight-through-gumbel',
  'gumbel-softmax',
  'gumbel-rao',
  'reinmax',
  'score-function',
  'rebar',
] as const;

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
  /** REBAR: η (default 1). */
  rebarEta?: number;
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
  if (spec.name !== 'score-function') return spec.name;
  const samples = spec.scoreSamples ?? 1;
  const baseline = spec.baseline ?? (samples >= 2 ? 'leave-one-out' : 'none');
  const shortBaseline = { none: 'no baseline', 'leave-one-out': 'LOO', 'moving-average': 'EMA' }[baseline];
  return `score-function S=${samples} ${shortBaseline}`;
}

/**
 * Binds a named estimator to its parameters, giving every estimator the same call. A
 * 'moving-average' score function gets a fresh {@link MovingAverageBaseline} (restore its average
 * with `baselineValue`).
 *
 * @throws {@link ArgumentError} for an unknown name or a parameter out of range.
 * @example
 * ```ts
 * const estimator = estimators.createEstimator({ name: 'gumbel-rao', raoSamples: 10 });
 * const { loss } = estimator.estimate(logits, decoderLoss, { temperature: 0.5, seed: 1 });
 * ```
 */
export function createEstimator(spec: EstimatorSpec, baselineValue?: number): ConfiguredEstimator {
  checkEstimatorSpec(spec);
  const baseline =
    spec.name === 'score-function' && spec.baseline === 'moving-average'
      ? new MovingAverageBaseline({ decay: spec.baselineDecay, value: baselineValue })
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
  return {
    spec,
    label: labelOf(spec),
    usesTemperature: spec.name !== 'score-function',
    baseline,
    acceptsTemperature: (temperature) => {
      if (!(temperature > 0 && Number.isFinite(temperature))) return false;
      return spec.name !== 'reinmax' || temperature >= 1;
    },
    estimate: (logits, loss, options) => {
      if (spec.name === 'reinmax') checkReinmaxTemperature(options.temperature);
      else if (spec.name !== 'score-function') checkPositiveNumber(options.temperature, 'temperature');
      return run(logits, loss, options);
    },
  };
}
