/**
 * Gradient estimators for discrete choices, one signature for all: `(logits, loss, options)` returns
 * a sample and the loss carrying the estimator's gradient ({@link Estimator}). Exported as the
 * `estimators` namespace: `estimators.reinmax(logits, loss, { temperature: 1.5 })`.
 * @module estimators
 */

export { binary } from './binary.js';
export type { ConditionalGumbelOptions } from './conditionalGumbel.js';
export { conditionalGumbel } from './conditionalGumbel.js';
export type { ControlVariateWeights } from './controlVariateNetwork.js';
export type { DisarmOptions } from './disarm.js';
export { disarm } from './disarm.js';
export type {
  DownstreamLoss,
  Estimate,
  Estimator,
  EstimatorOptions,
  TemperatureOptions,
} from './estimator.js';
export type { GappedStraightThroughOptions } from './gappedStraightThrough.js';
export { gappedStraightThrough } from './gappedStraightThrough.js';
export type { GumbelRaoOptions } from './gumbelRao.js';
export { gumbelRao } from './gumbelRao.js';
export { gumbelSoftmax } from './gumbelSoftmax.js';
export type { MovingAverageBaselineOptions } from './movingAverageBaseline.js';
export { MovingAverageBaseline } from './movingAverageBaseline.js';
export { multiSampleDisarm } from './multiSampleDisarm.js';
export type { RebarOptions } from './rebar.js';
export { rebar } from './rebar.js';
export type {
  BaselineName,
  ConfiguredEstimator,
  ConfiguredEstimatorOptions,
  EstimatorName,
  EstimatorNeeds,
  EstimatorSpec,
} from './registry.js';
export {
  BASELINE_NAMES,
  BINARY_ESTIMATOR_NAMES,
  checkEstimatorSpec,
  createEstimator,
  ESTIMATOR_NAMES,
  estimatorNeeds,
  TRAINABLE_ESTIMATOR_NAMES,
} from './registry.js';
export { reinmax } from './reinmax.js';
export type { RelaxOptions } from './relax.js';
export { relax } from './relax.js';
export type {
  ControlVariateGradient,
  RelaxControlVariateOptions,
  RelaxControlVariateState,
} from './relaxControlVariate.js';
export { RelaxControlVariate } from './relaxControlVariate.js';
export type { ScoreFunctionBaseline, ScoreFunctionOptions } from './scoreFunction.js';
export { scoreFunction } from './scoreFunction.js';
export type { SimpleOptions } from './simple.js';
export { simple } from './simple.js';
export { straightThrough } from './straightThrough.js';
export { straightThroughGumbel } from './straightThroughGumbel.js';
export type { UnorderedSetOptions } from './unorderedSet.js';
export { unorderedSet } from './unorderedSet.js';
export { zgr } from './zgr.js';
