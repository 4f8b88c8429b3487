/**
 * The `gumbel sort` experiment (Mena et al. 2018, §5.1), browser-safe: train a {@link SortingNetwork}
 * on fresh sequences of N uniform numbers with the Gumbel-Sinkhorn loss, then sort held-out
 * sequences with the Hungarian matching and score them as the paper does.
 */
import { Adam } from '../nn/adam.js';
import { RandomGenerator } from '../random/generator.js';
import { uniformArray } from '../random/noise.js';
import { kendallTau } from '../structured/kendallTau.js';
import { sinkhorn } from '../structured/sinkhorn.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import { SortingNetwork } from './model.js';

/** Everything that defines a sorting run. */
export interface SortConfig {
  /** Numbers per sequence (N >= 2). */
  n: number;
  /** Hidden units of the per-number MLP. */
  hidden: number;
  /** Training steps, each on `batch` fresh sequences. */
  steps: number;
  /** Sequences per step. */
  batch: number;
  /** Adam's learning rate at the first step. */
  learningRate: number;
  /**
   * Adam's learning rate at the last step: the rate falls geometrically from `learningRate` to this
   * (set it equal to `learningRate` for the constant rate of Mena et al.'s code).
   */
  finalLearningRate: number;
  /** Sinkhorn temperature τ. */
  temperature: number;
  /** Sinkhorn iterations. */
  iterations: number;
  /** Gumbel-Sinkhorn draws per sequence. */
  samples: number;
  /** Scale of the Gumbel noise during training (1: Gumbel-Sinkhorn; 0: plain Sinkhorn). */
  noiseScale: number;
  /** Held-out sequences to score at the end. */
  testSequences: number;
  /** Seed of the weights, the data and the noise. */
  seed: number;
}

/**
 * Defaults: the hyper-parameters of Mena et al.'s sorting code (32 hidden units, τ = 1, 5 draws,
 * batch 10, Adam starting at 0.1, noise factor 1, 500 steps) with two measured changes that make
 * N = 80 sort near-perfectly and leave N ≤ 15 error-free: 50 Sinkhorn iterations instead of 10
 * (10 leave the rows unnormalised, which matters at large N) and Adam's rate decayed to 0.001 over
 * the run instead of kept at 0.1. The guide (docs/guides/structured-choices.md) has the numbers.
 */
export const DEFAULT_SORT_CONFIG: SortConfig = {
  n: 5,
  hidden: 32,
  steps: 500,
  batch: 10,
  learningRate: 0.1,
  finalLearningRate: 0.001,
  temperature: 1,
  iterations: 50,
  samples: 5,
  noiseScale: 1,
  testSequences: 1000,
  seed: 1,
};

/** How well the hard permutations sort held-out sequences (the paper's Table 1 measures). */
export interface SortEvaluation {
  sequences: number;
  /** Proportion of numbers sent to the wrong position. */
  propWrong: number;
  /** Proportion of sequences with at least one number in the wrong position. */
  propAnyWrong: number;
  /** Mean Kendall's τ between the predicted and the true positions. */
  kendallTau: number;
}

/** What a run produced. */
export interface SortResult {
  config: SortConfig;
  evaluation: SortEvaluation;
  /** Training steps actually run (fewer than `config.steps` when stopped early). */
  stepsRun: number;
  /** Seconds spent training (not evaluating). */
  trainingSeconds: number;
  /** Seconds spent scoring the held-out sequences. */
  evaluationSeconds: number;
  /** One held-out sequence, its noiseless soft permutation sinkhorn(X/τ) (row-major n×n) and predicted positions. */
  example: { numbers: number[]; soft: number[]; positions: number[]; ranks: number[] };
}

/** One training step's report. */
export interface SortStep {
  step: number;
  loss: number;
  /** Adam's learning rate at this step. */
  learningRate: number;
  seconds: number;
}

/** The ranks (0 = smallest) of each sequence of n numbers in `values`. */
export function ranksOf(values: ArrayLike<number>, n: number): Int32Array {
  const ranks = new Int32Array(values.length);
  for (let start = 0; start < values.length; start += n) {
    const order = [...Array(n).keys()].sort((a, b) => values[start + a] - values[start + b]);
    order.forEach((item, rank) => {
      ranks[start + item] = rank;
    });
  }
  return ranks;
}

function sortedOf(values: Float32Array, n: number): Float32Array {
  const sorted = new Float32Array(values.length);
  for (let start = 0; start < values.length; start += n) {
    sorted.set(values.slice(start, start + n).sort(), start);
  }
  return sorted;
}

function checkConfig(config: SortConfig): void {
  const integers: [keyof SortConfig, number][] = [
    ['n', 2],
    ['hidden', 1],
    ['steps', 0],
    ['batch', 1],
    ['iterations', 1],
    ['samples', 1],
    ['testSequences', 1],
    ['seed', 0],
  ];
  for (const [name, minimum] of integers) {
    const value = config[name];
    if (!Number.isSafeInteger(value) || value < minimum) {
      throw new ArgumentError(name, `must be an integer >= ${minimum}, got ${value}`);
    }
  }
  for (const name of ['learningRate', 'finalLearningRate', 'temperature'] as const) {
    if (!(config[name] > 0 && Number.isFinite(config[name]))) {
      throw new ArgumentError(name, `must be a finite number > 0, got ${config[name]}`);
    }
  }
  if (!(config.noiseScale >= 0 && Number.isFinite(config.noiseScale))) {
    throw new ArgumentError('noiseScale', `must be a finite number >= 0, got ${config.noiseScale}`);
  }
}

/**
 * Adam's learning rate at `step` (1 … steps): geometric from `learningRate` at step 1 to
 * `finalLearningRate` at the last step.
 */
export function learningRateAt(config: SortConfig, step: number): number {
  if (config.steps <= 1) return config.learningRate;
  const progress = (step - 1) / (config.steps - 1);
  return config.learningRate * (config.finalLearningRate / config.learningRate) ** progress;
}

/** Scores the hard (Hungarian) permutations of `sequences` held-out sequences, in chunks. */
export function evaluateSorting(
  network: SortingNetwork,
  sequences: number,
  generator: RandomGenerator,
): SortEvaluation {
  const { n } = network.shape;
  const chunk = Math.max(1, Math.floor(20_000 / n));
  let wrong = 0;
  let anyWrong = 0;
  let tauSum = 0;
  for (let start = 0; start < sequences; start += chunk) {
    const count = Math.min(chunk, sequences - start);
    const values = uniformArray(count * n, generator);
    const ranks = ranksOf(values, n);
    const { positions, taus } = tf.tidy(() => {
      const predicted = network.positions(tf.tensor2d(values, [count, n]));
      return {
        positions: predicted.dataSync() as Int32Array,
        taus: kendallTau(predicted, tf.tensor2d(ranks, [count, n], 'int32')).dataSync(),
      };
    });
    for (let s = 0; s < count; s++) {
      let errors = 0;
      for (let i = 0; i < n; i++) if (positions[s * n + i] !== ranks[s * n + i]) errors++;
      wrong += errors;
      if (errors > 0) anyWrong++;
      tauSum += taus[s];
    }
  }
  return {
    sequences,
    propWrong: wrong / (sequences * n),
    propAnyWrong: anyWrong / sequences,
    kendallTau: tauSum / sequences,
  };
}

/** Gives the event loop a turn (progress bars, Ctrl-C, a page's UI) about every 50 ms of training. */
const YIELD_EVERY_MS = 50;

/**
 * Trains a sorting network and scores it on held-out sequences. `onStep` hears every step;
 * `shouldStop` (checked after each step) ends training early, as Ctrl-C does in the CLI.
 */
export async function runSortExperiment(
  config: SortConfig,
  hooks: { onStep?: (step: SortStep) => void; shouldStop?: () => boolean } = {},
): Promise<SortResult> {
  checkConfig(config);
  const [weightsGenerator, dataGenerator, noiseGenerator, testGenerator] = new RandomGenerator(
    config.seed,
  ).split(4);
  const network = new SortingNetwork({ n: config.n, hidden: config.hidden }, weightsGenerator);
  const optimizer = new Adam(network.parameters, { learningRate: config.learningRate });
  const lossOptions = { ...config, generator: noiseGenerator };
  const started = performance.now();
  let lastYield = started;
  let stepsRun = 0;
  try {
    for (let step = 1; step <= config.steps; step++) {
      const values = uniformArray(config.batch * config.n, dataGenerator);
      const learningRate = learningRateAt(config, step);
      optimizer.learningRate = learningRate;
      const loss = tf.tidy(() => {
        const numbers = tf.tensor2d(values, [config.batch, config.n]);
        const sorted = tf.tensor2d(sortedOf(values, config.n), [config.batch, config.n]);
        const { value, grads } = tf.variableGrads(
          () => network.loss(numbers, sorted, lossOptions) as tf.Scalar,
          network.parameters,
        );
        optimizer.apply(network.parameters.map((p) => grads[p.name]));
        return value.dataSync()[0];
      });
      stepsRun = step;
      hooks.onStep?.({ step, loss, learningRate, seconds: (performance.now() - started) / 1000 });
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
      if (hooks.shouldStop?.()) break;
    }
    const trainingSeconds = (performance.now() - started) / 1000;
    const evaluationStarted = performance.now();
    const evaluation = evaluateSorting(network, config.testSequences, testGenerator);
    const evaluationSeconds = (performance.now() - evaluationStarted) / 1000;
    return {
      config,
      evaluation,
      stepsRun,
      trainingSeconds,
      evaluationSeconds,
      example: exampleOf(network, config, testGenerator),
    };
  } finally {
    optimizer.dispose();
    network.dispose();
  }
}

function exampleOf(
  network: SortingNetwork,
  config: SortConfig,
  generator: RandomGenerator,
): SortResult['example'] {
  const values = uniformArray(config.n, generator);
  return tf.tidy(() => {
    const numbers = tf.tensor2d(values, [1, config.n]);
    const scores = network.logScores(numbers);
    const soft = sinkhorn(tf.div(scores, config.temperature), { iterations: config.iterations });
    return {
      numbers: Array.from(values),
      soft: Array.from(soft.dataSync()),
      positions: Array.from(network.positions(numbers).dataSync()),
      ranks: Array.from(ranksOf(values, config.n)),
    };
  });
}
