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
export type { KSubsetParameters } from './distributions/kSubset.js';
export { KSubset } from './distributions/kSubset.js';
export { kSubsetLogNormalizer, kSubsetMarginals, kSubsetSample } from './distributions/kSubsetOps.js';
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
// The estimator lab (browser-safe: `gumbel lab` writes its files through the Node-side lab/output.ts)
export type { LabProblemName } from './lab/problems.js';
export { LAB_PROBLEM_NAMES } from './lab/problems.js';
export { formatMeasure, labSeries } from './lab/report.js';
export type { LabCell, LabOptions, LabProblemSummary, LabResult, ResolvedLabOptions } from './lab/runner.js';
export { DEFAULT_LAB_OPTIONS, runLab } from './lab/runner.js';
export type { EstimateStatistics } from './lab/statistics.js';
export type { GumbelSigmoidLayerArgs } from './layers/gumbelSigmoidLayer.js';
export { GumbelSigmoid } from './layers/gumbelSigmoidLayer.js';
export type { GumbelSoftmaxLayerArgs } from './layers/gumbelSoftmaxLayer.js';
export { GumbelSoftmax } from './layers/gumbelSoftmaxLayer.js';
export type { RelaxedSampleLayerArgs } from './layers/relaxedSampleLayer.js';
export { RelaxedSampleLayer } from './layers/relaxedSampleLayer.js';
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
export type { FenchelYoungOptions } from './structured/fenchelYoung.js';
export { fenchelYoungLoss, perturbedMaximum } from './structured/fenchelYoung.js';
export type { GumbelSinkhornOptions, GumbelSinkhornSample } from './structured/gumbelSinkhorn.js';
export { gumbelSinkhorn, gumbelSinkhornSample } from './structured/gumbelSinkhorn.js';
export { kendallTau } from './structured/kendallTau.js';
export { hungarian, matching } from './structured/matching.js';
export { applyPermutation, invertPermutation, permutationMatrix } from './structured/permutations.js';
export type { PerturbationNoise, PerturbedOptions } from './structured/perturbationNoise.js';
export { PERTURBATION_NOISES } from './structured/perturbationNoise.js';
export type { PerturbedFunction } from './structured/perturbed.js';
export { perturbed } from './structured/perturbed.js';
export { perturbedTopK } from './structured/perturbedTopK.js';
export type { RelaxedTopKOptions, RelaxedTopKSample } from './structured/relaxedTopK.js';
export { relaxedTopK, relaxedTopKSample } from './structured/relaxedTopK.js';
export { gridShortestPath, shortestPathSolver } from './structured/shortestPath.js';
export type { SinkhornOptions } from './structured/sinkhorn.js';
export { DEFAULT_SINKHORN_ITERATIONS, logSinkhorn, sinkhorn } from './structured/sinkhorn.js';
export type { Solver } from './structured/solvers.js';
export { argmaxSolver, rankingSolver, topKSolver } from './structured/solvers.js';
export { tf } from './tf.js';
export type { EvaluationOptions } from './vae/evaluate.js';
export { discreteNegativeElbo, importanceWeightedNll } from './vae/evaluate.js';
export type { GradientVariance, GradientVarianceOptions } from './vae/gradientVariance.js';
export { encoderGradientVariance } from './vae/gradientVariance.js';
export type { EncodedVae, EncodeVaeOptions } from './vae/layersModel.js';
export { encodeVae, loadVaeFromUrl, toLayersModel, vaeFromLayersModel } from './vae/layersModel.js';
export type { DenseLayer, LatentKind, VaeShape } from './vae/model.js';
export { CategoricalVae, DEFAULT_VAE_SHAPE, LATENT_KINDS, layerPlan } from './vae/model.js';
export type { DecodedVae } from './vae/modelFormat.js';
export {
  decodeVae,
  MAX_SAVED_OUTPUT,
  parseModelJson,
  SavedModelError,
  weightsFileOf,
} from './vae/modelFormat.js';
export type { ElboOptions, ElboTerms, KlKind, VaeCoder } from './vae/objective.js';
export { bernoulliLogLikelihood, elboTerms, klToUniform, negativeElbo } from './vae/objective.js';
export type { EncodedWeights, WeightQuantization } from './vae/quantize.js';
export { float16Bits, float16Value, quantizeWeights } from './vae/quantize.js';
export type { Temperature, TensorInput } from './validate.js';
export { ArgumentError } from './validate.js';
export type { LineSeries } from './viz/plotLayout.js';
