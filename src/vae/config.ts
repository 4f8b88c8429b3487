import {
  type BaselineName,
  BINARY_ESTIMATOR_NAMES,
  checkEstimatorSpec,
  type EstimatorName,
  type EstimatorSpec,
  TRAINABLE_ESTIMATOR_NAMES,
} from '../estimators/registry.js';
import { checkSchedule, DEFAULT_SCHEDULE, type TemperatureSchedule } from '../schedules/temperature.js';
import { ArgumentError, checkPositiveNumber } from '../validate.js';
import { checkVaeShape, DEFAULT_VAE_SHAPE, LATENT_KINDS, type LatentKind, type VaeShape } from './model.js';
import type { KlKind } from './objective.js';

/** Everything that defines a training run; stored in its checkpoint and summary. */
export interface TrainConfig {
  /** 'mnist' (the embedded 10,000 digits), 'fashion-mnist', or an IDX folder. */
  dataset: string;
  /** Use only the first `trainLimit` training examples (0 = all); for quick tests. */
  trainLimit: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** 'categorical' (default; N variables of K classes) or 'bernoulli' (N bits, K = 2). */
  latent: LatentKind;
  latentVariables: number;
  categories: number;
  hiddenUnits: number[];
  schedule: TemperatureSchedule;
  /** A synonym of `estimator: 'straight-through-gumbel'` (the `--hard` flag). */
  hard: boolean;
  /** The gradient estimator of the reconstruction term (default 'gumbel-softmax', the soft sample). */
  estimator: EstimatorName;
  /** Gumbel-Rao: k, conditional Gumbel draws per estimate. */
  raoSamples: number;
  /** Score function: S, samples per image and step. */
  scoreSamples: number;
  /** Score function: the baseline. */
  baseline: BaselineName;
  /** Score function with the moving-average baseline: its decay β. */
  baselineDecay: number;
  /** REBAR: η, the scale of the control variate; tuned REBAR and RELAX: the η they start from. */
  rebarEta: number;
  /** RELAX: hidden units of the control variate's network. */
  relaxHidden: number;
  /** Tuned REBAR and RELAX: Adam's step size of the control variate's variance descent. */
  controlVariateLearningRate: number;
  /** DisARM: antithetic pairs per estimate. */
  disarmPairs: number;
  kl: KlKind;
  /** Prior temperature λ of the relaxed KL. */
  priorTemperature: number;
  binarization: 'static' | 'dynamic';
  /** Validate, keep the best model and write a checkpoint every this many steps (and at the end). */
  checkpointEvery: number;
  /** m, the importance samples per image of the final −log p(x) estimate. */
  iwSamples: number;
  /** How many training images the final train-set evaluation uses (0 = all). */
  evalTrainLimit: number;
  /**
   * Worker threads that train together, each on a share of every batch's images with its own copy
   * of the model, their gradients summed each step (1 = train in the calling thread). More than 1
   * works with the 'gumbel-softmax' and 'straight-through-gumbel' estimators only, and with at most
   * as many workers as a batch has images; it changes results only by float rounding.
   */
  workers: number;
}

/** Jang et al.'s settings; the step count is the quick default of `npm start`. */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  dataset: 'mnist',
  trainLimit: 0,
  steps: 3000,
  batchSize: 100,
  learningRate: 1e-3,
  seed: 1,
  latent: 'categorical',
  latentVariables: DEFAULT_VAE_SHAPE.latentVariables,
  categories: DEFAULT_VAE_SHAPE.categories,
  hiddenUnits: DEFAULT_VAE_SHAPE.hiddenUnits,
  schedule: DEFAULT_SCHEDULE,
  hard: false,
  estimator: 'gumbel-softmax',
  raoSamples: 10,
  scoreSamples: 4,
  baseline: 'leave-one-out',
  baselineDecay: 0.9,
  rebarEta: 1,
  relaxHidden: 16,
  controlVariateLearningRate: 0.01,
  disarmPairs: 1,
  kl: 'analytic',
  priorTemperature: 0.5,
  binarization: 'static',
  checkpointEvery: 500,
  iwSamples: 1000,
  evalTrainLimit: 1000,
  workers: 1,
};

/** The estimators the trainer accepts with Bernoulli latents: the binary-capable trainable ones. */
export const BERNOULLI_ESTIMATORS: readonly EstimatorName[] = TRAINABLE_ESTIMATOR_NAMES.filter((name) =>
  (BINARY_ESTIMATOR_NAMES as readonly string[]).includes(name),
);

/** The most worker threads {@link TrainConfig.workers} allows. */
export const MAX_WORKERS = 16;

/** The estimators that training on several workers supports. */
export const PARALLEL_ESTIMATORS: readonly EstimatorName[] = ['gumbel-softmax', 'straight-through-gumbel'];

/** Checks a worker count: an integer in [1, {@link MAX_WORKERS}], named `workers`. */
export function checkWorkers(workers: number): void {
  if (!Number.isSafeInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new ArgumentError('workers', `must be an integer in [1, ${MAX_WORKERS}], got ${workers}`);
  }
}

/** Each worker takes at least one image of every batch: `workers` ≤ `batchSize`. */
export function checkWorkersFitBatch(workers: number, batchSize: number): void {
  if (workers > batchSize) {
    throw new ArgumentError(
      'workers',
      `must be at most ${batchSize}, the images of a batch (--batch), each worker trains on a share of them; got ${workers}`,
    );
  }
}

function integerAtLeast(value: number, minimum: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new ArgumentError(name, `must be an integer >= ${minimum}, got ${value}`);
  }
}

/**
 * The estimator a run uses, with its parameters: `hard` means 'straight-through-gumbel'. Fields
 * missing from a run saved before estimators existed take their defaults.
 */
export function estimatorSpecOf(config: TrainConfig): EstimatorSpec {
  const d = DEFAULT_TRAIN_CONFIG;
  const named = config.estimator ?? d.estimator;
  if (config.hard && named !== 'gumbel-softmax' && named !== 'straight-through-gumbel') {
    throw new ArgumentError(
      'hard',
      `is a synonym of --estimator straight-through-gumbel and cannot be combined with --estimator ${named}`,
    );
  }
  return {
    name: config.hard ? 'straight-through-gumbel' : named,
    raoSamples: config.raoSamples ?? d.raoSamples,
    scoreSamples: config.scoreSamples ?? d.scoreSamples,
    baseline: config.baseline ?? d.baseline,
    baselineDecay: config.baselineDecay ?? d.baselineDecay,
    rebarEta: config.rebarEta ?? d.rebarEta,
    relaxHidden: config.relaxHidden ?? d.relaxHidden,
    controlVariateLearningRate: config.controlVariateLearningRate ?? d.controlVariateLearningRate,
    disarmPairs: config.disarmPairs ?? d.disarmPairs,
  };
}

/** The run's model shape (a run saved before Bernoulli latents existed is categorical). */
export function vaeShapeOf(config: TrainConfig): VaeShape {
  return {
    latentVariables: config.latentVariables,
    categories: config.categories,
    inputSize: 784,
    hiddenUnits: config.hiddenUnits,
    latent: config.latent ?? 'categorical',
  };
}

/** The lowest temperature a schedule can reach (its start or its floor). */
function lowestTemperature(schedule: TemperatureSchedule): { value: number; flag: string } {
  if (schedule.kind === 'constant' || schedule.initial <= schedule.minimum) {
    return { value: schedule.initial, flag: 'temperature' };
  }
  return { value: schedule.minimum, flag: 'min-temperature' };
}

/** Checks the estimator fits the latents: binary-capable for bits, two categories for DisARM. */
function checkEstimatorAgainstLatent(config: TrainConfig, spec: EstimatorSpec): void {
  const latent = config.latent ?? 'categorical';
  if (latent === 'bernoulli' && !BERNOULLI_ESTIMATORS.includes(spec.name)) {
    throw new ArgumentError(
      'estimator',
      `${spec.name} does not work with --latent bernoulli (binary latents); use --latent categorical, or one of ${BERNOULLI_ESTIMATORS.join(', ')}`,
    );
  }
  if (!TRAINABLE_ESTIMATOR_NAMES.includes(spec.name)) {
    const why =
      spec.name === 'unordered-set'
        ? ' (it needs one loss per categorical variable; the VAE sums its loss over all N)'
        : '';
    throw new ArgumentError(
      'estimator',
      `must be one the VAE trainer supports (${TRAINABLE_ESTIMATOR_NAMES.join(', ')}), got ${spec.name}${why}`,
    );
  }
  if (spec.name === 'disarm' && latent === 'categorical' && config.categories !== 2) {
    throw new ArgumentError(
      'estimator',
      `disarm needs binary latents: use --latent bernoulli (or --categories 2), got --latent categorical with --categories ${config.categories}`,
    );
  }
}

function checkEstimatorAgainstRun(config: TrainConfig, spec: EstimatorSpec): void {
  checkEstimatorSpec(spec);
  checkEstimatorAgainstLatent(config, spec);
  if (spec.name === 'reinmax') {
    const lowest = lowestTemperature(config.schedule ?? DEFAULT_SCHEDULE);
    if (lowest.value < 1) {
      throw new ArgumentError(
        lowest.flag,
        `must be >= 1 with --estimator reinmax (ReinMax needs τ ≥ 1), got ${lowest.value}`,
      );
    }
  }
  if (config.kl === 'relaxed' && spec.name !== 'gumbel-softmax' && spec.name !== 'straight-through-gumbel') {
    throw new ArgumentError(
      'kl',
      `'relaxed' scores the relaxed sample, so it works with --estimator gumbel-softmax or straight-through-gumbel only, not ${spec.name}`,
    );
  }
  const workers = config.workers ?? 1;
  if (workers > 1 && !PARALLEL_ESTIMATORS.includes(spec.name)) {
    throw new ArgumentError(
      'workers',
      `must be 1 with --estimator ${spec.name}: training on several workers supports --estimator ${PARALLEL_ESTIMATORS.join(' or ')} only, got ${workers}`,
    );
  }
}

/** Checks every field, naming the flag at fault and its allowed range. */
export function checkTrainConfig(config: TrainConfig): void {
  integerAtLeast(config.steps, 1, 'steps');
  integerAtLeast(config.batchSize, 1, 'batch');
  integerAtLeast(config.seed, 0, 'seed');
  integerAtLeast(config.trainLimit, 0, 'train-limit');
  integerAtLeast(config.checkpointEvery, 1, 'checkpoint-every');
  integerAtLeast(config.iwSamples, 1, 'iw-samples (m)');
  integerAtLeast(config.evalTrainLimit, 0, 'eval-train-limit');
  checkWorkers(config.workers ?? 1);
  checkPositiveNumber(config.learningRate, 'lr');
  checkPositiveNumber(config.priorTemperature, 'prior-temperature');
  if (config.kl !== 'analytic' && config.kl !== 'relaxed') {
    throw new ArgumentError('kl', `must be 'analytic' or 'relaxed', got ${config.kl}`);
  }
  if (config.binarization !== 'static' && config.binarization !== 'dynamic') {
    throw new ArgumentError('binarization', `must be 'static' or 'dynamic', got ${config.binarization}`);
  }
  const latent = config.latent ?? 'categorical';
  if (!LATENT_KINDS.includes(latent)) {
    throw new ArgumentError('latent', `must be one of ${LATENT_KINDS.join(', ')}, got ${latent}`);
  }
  if (latent === 'bernoulli' && config.categories !== 2) {
    throw new ArgumentError(
      'categories',
      `applies to --latent categorical only (a bit has 2 categories), got ${config.categories} with --latent bernoulli`,
    );
  }
  const shape = vaeShapeOf(config);
  checkVaeShape(shape);
  checkWorkersFitBatch(config.workers ?? 1, config.batchSize);
  checkSchedule(config.schedule ?? DEFAULT_SCHEDULE);
  checkEstimatorAgainstRun(config, estimatorSpecOf(config));
}
