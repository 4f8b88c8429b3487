import { checkSchedule, DEFAULT_SCHEDULE, type TemperatureSchedule } from '../schedules/temperature.js';
import { ArgumentError, checkPositiveNumber } from '../validate.js';
import { checkVaeShape, DEFAULT_VAE_SHAPE } from './model.js';
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
  latentVariables: number;
  categories: number;
  hiddenUnits: number[];
  schedule: TemperatureSchedule;
  hard: boolean;
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
}

/** Jang et al.'s settings; the step count is the quick default of `npm start`. */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  dataset: 'mnist',
  trainLimit: 0,
  steps: 3000,
  batchSize: 100,
  learningRate: 1e-3,
  seed: 1,
  latentVariables: DEFAULT_VAE_SHAPE.latentVariables,
  categories: DEFAULT_VAE_SHAPE.categories,
  hiddenUnits: DEFAULT_VAE_SHAPE.hiddenUnits,
  schedule: DEFAULT_SCHEDULE,
  hard: false,
  kl: 'analytic',
  priorTemperature: 0.5,
  binarization: 'static',
  checkpointEvery: 500,
  iwSamples: 1000,
  evalTrainLimit: 1000,
};

function integerAtLeast(value: number, minimum: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new ArgumentError(name, `must be an integer >= ${minimum}, got ${value}`);
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
  checkPositiveNumber(config.learningRate, 'lr');
  checkPositiveNumber(config.priorTemperature, 'prior-temperature');
  if (config.kl !== 'analytic' && config.kl !== 'relaxed') {
    throw new ArgumentError('kl', `must be 'analytic' or 'relaxed', got ${config.kl}`);
  }
  if (config.binarization !== 'static' && config.binarization !== 'dynamic') {
    throw new ArgumentError('binarization', `must be 'static' or 'dynamic', got ${config.binarization}`);
  }
  checkVaeShape({
    latentVariables: config.latentVariables,
    categories: config.categories,
    inputSize: 784,
    hiddenUnits: config.hiddenUnits,
  });
  checkSchedule(config.schedule ?? DEFAULT_SCHEDULE);
}
