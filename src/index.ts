/**
 * gumbel-softmax: differentiable discrete sampling on TensorFlow.js.
 * @packageDocumentation
 */

export type { BackendName, BackendReport } from './backend.js';
export { activeBackend, initBackend, isBackendInitialized } from './backend.js';
// Distributions
export type { CategoricalParameters } from './distributions/categorical.js';
export { Categorical } from './distributions/categorical.js';
export type {
  DistributionOptions,
  ReparameterizedDistribution,
  SampleOptions,
} from './distributions/distribution.js';
export { Distribution } from './distributions/distribution.js';
export { ExpRelaxedOneHotCategorical } from './distributions/expRelaxedOneHotCategorical.js';
export type { GumbelParameters } from './distributions/gumbel.js';
export { EULER_GAMMA, Gumbel } from './distributions/gumbel.js';
export type { DistributionClass, KLFunction } from './distributions/kl.js';
export { klDivergence, registerKL } from './distributions/kl.js';
export { LogitRelaxedBernoulli } from './distributions/logitRelaxedBernoulli.js';
export type { NormalParameters } from './distributions/normal.js';
export { Normal } from './distributions/normal.js';
export { OneHotCategorical } from './distributions/oneHotCategorical.js';
export type { LogitsOrProbs, ProbabilityParameter } from './distributions/parameters.js';
export { RelaxedBernoulli } from './distributions/relaxedBernoulli.js';
export type { RelaxedBernoulliParameters } from './distributions/relaxedBernoulliBase.js';
export { RelaxedBernoulliBase } from './distributions/relaxedBernoulliBase.js';
export type { RelaxedCategoricalParameters } from './distributions/relaxedCategoricalBase.js';
export { RelaxedCategoricalBase } from './distributions/relaxedCategoricalBase.js';
export { RelaxedOneHotCategorical } from './distributions/relaxedOneHotCategorical.js';
export * as estimators from './estimators/index.js';
export { useFusedKernels } from './kernels/register.js';
export type { GumbelSoftmaxLayerArgs } from './layers/gumbelSoftmaxLayer.js';
export { GumbelSoftmax } from './layers/gumbelSoftmaxLayer.js';
export { lgamma, lgammaTensor } from './math/lgamma.js';
export { softplus } from './math/softplus.js';
export type { AdamOptions } from './nn/adam.js';
export { Adam } from './nn/adam.js';
export type { Activation } from './nn/dense.js';
export { dense } from './nn/dense.js';
export type { GumbelMaxOptions } from './ops/gumbelMax.js';
export { gumbelMax, gumbelTopK } from './ops/gumbelMax.js';
export type { GumbelSoftmaxOptions, GumbelSoftmaxSample } from './ops/gumbelSoftmax.js';
export { gumbelSoftmax, gumbelSoftmaxSample } from './ops/gumbelSoftmax.js';
export type { AxisOptions } from './ops/prepare.js';
export { reparameterizeNormal } from './ops/reparameterizeNormal.js';
export type { SampleGumbelOptions } from './ops/sampleGumbel.js';
export { sampleGumbel } from './ops/sampleGumbel.js';
export { stopGradient } from './ops/stopGradient.js';
export { straightThrough } from './ops/straightThrough.js';
export type { PhiloxStream, Seed } from './random/generator.js';
export { RandomGenerator, setGlobalSeed } from './random/generator.js';
export {
  gumbelArray,
  gumbelNoise,
  logisticArray,
  logisticNoise,
  normalArray,
  normalNoise,
  uniformArray,
  uniformNoise,
} from './random/noise.js';
export { philoxBlock } from './random/philox.js';
export type { TemperatureSchedule } from './schedules/temperature.js';
export { checkSchedule, DEFAULT_SCHEDULE, temperatureAt } from './schedules/temperature.js';
export type { GumbelSinkhornOptions, GumbelSinkhornSample } from './structured/gumbelSinkhorn.js';
export { gumbelSinkhorn, gumbelSinkhornSample } from './structured/gumbelSinkhorn.js';
export { kendallTau } from './structured/kendallTau.js';
export { hungarian, matching } from './structured/matching.js';
export { applyPermutation, invertPermutation, permutationMatrix } from './structured/permutations.js';
export type { SinkhornOptions } from './structured/sinkhorn.js';
export { DEFAULT_SINKHORN_ITERATIONS, logSinkhorn, sinkhorn } from './structured/sinkhorn.js';
export { tf } from './tf.js';
export type { EvaluationOptions } from './vae/evaluate.js';
export { discreteNegativeElbo, importanceWeightedNll } from './vae/evaluate.js';
export type { EncodedVae, EncodeVaeOptions } from './vae/layersModel.js';
export { encodeVae, loadVaeFromUrl, toLayersModel, vaeFromLayersModel } from './vae/layersModel.js';
export type { DenseLayer, VaeShape } from './vae/model.js';
export { CategoricalVae, DEFAULT_VAE_SHAPE, layerPlan } from './vae/model.js';
export type { ElboOptions, ElboTerms, KlKind, VaeCoder } from './vae/objective.js';
export { bernoulliLogLikelihood, elboTerms, klToUniform, negativeElbo } from './vae/objective.js';
export type { EncodedWeights, WeightQuantization } from './vae/quantize.js';
export { float16Bits, quantizeWeights } from './vae/quantize.js';
export type { Temperature, TensorInput } from './validate.js';
export { ArgumentError } from './validate.js';
