/**
 * The estimator lab: for each problem, estimator and temperature, draws many gradient estimates at
 * the problem's logits and compares them with the exact gradient. Estimates are drawn in batches:
 * the logits are tiled R times, each replica gets its own noise, and one `tf.grad` of the summed
 * loss returns R independent estimates.
 */
import { binary } from '../estimators/binary.js';
import type { DownstreamLoss } from '../estimators/estimator.js';
import {
  type ConfiguredEstimator,
  type ConfiguredEstimatorOptions,
  createEstimator,
  type EstimatorSpec,
} from '../estimators/registry.js';
import { RandomGenerator } from '../random/generator.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import { createLabProblem, LAB_PROBLEM_NAMES, type LabProblem, type LabProblemName } from './problems.js';
import { EstimateAccumulator, type EstimateStatistics } from './statistics.js';

/** Options of {@link runLab}; every field has a quick default. */
export interface LabOptions {
  /** Which problems (default: the categorical and Bernoulli ones; 'k-subset' only when named). */
  problems?: LabProblemName[];
  /**
   * Which estimators with which parameters (default: {@link DEFAULT_LAB_OPTIONS}' eight). A problem
   * with estimators of its own (k-subset) measures those instead.
   */
  estimators?: EstimatorSpec[];
  /** τ values (ReinMax skips those below 1; τ-free estimators are measured once). */
  temperatures?: number[];
  /** M, estimates per cell (default 5000). */
  estimates?: number;
  /** Estimates per `tf.grad` call (default 1000). */
  batch?: number;
  /** Single-estimate calls timed per cell (default 20). */
  timingCalls?: number;
  /** Seed of the problems and of every cell's noise (default 1). */
  seed?: number;
  /** Tuned REBAR and RELAX: tuning calls (of 32 estimates each) before a cell is measured (default 200). */
  tuningSteps?: number;
  /** Called after each cell with its measurement. */
  onCell?: (cell: LabCell) => void;
  /**
   * Called after each batch of estimates with the estimates drawn so far and the total over all
   * cells, the tuning calls of tuned REBAR and RELAX included (for a progress bar; the lab itself
   * stays free of any terminal code).
   */
  onProgress?: (done: number, total: number) => void;
}

/** The options {@link LabResult} records (the callbacks left out). */
export type ResolvedLabOptions = Required<Omit<LabOptions, 'onCell' | 'onProgress'>>;

/** The lab's defaults. */
export const DEFAULT_LAB_OPTIONS = {
  problems: ['quadratic', 'bernoulli', 'bernoulli-iwae', 'tiny-vae'] as LabProblemName[],
  estimators: [
    { name: 'straight-through' },
    { name: 'straight-through-gumbel' },
    { name: 'gumbel-softmax' },
    { name: 'gumbel-rao', raoSamples: 10 },
    { name: 'reinmax' },
    { name: 'gapped-straight-through' },
    { name: 'zgr' },
    { name: 'rebar' },
    { name: 'rebar-tuned' },
    { name: 'relax' },
    { name: 'score-function', scoreSamples: 1, baseline: 'moving-average' },
    { name: 'score-function', scoreSamples: 4, baseline: 'leave-one-out' },
    { name: 'unordered-set', setSize: 4 },
    { name: 'disarm' },
    { name: 'multi-sample-disarm' },
  ] as EstimatorSpec[],
  temperatures: [0.1, 0.25, 0.5, 1, 1.5, 2, 3],
  estimates: 5000,
  batch: 1000,
  timingCalls: 20,
  tuningSteps: 200,
  seed: 1,
};

/** Whether an estimator applies to a problem (the DisARMs: binary latents; unordered set: one loss per categorical). */
export function estimatorFits(configured: ConfiguredEstimator, problem: LabProblem): boolean {
  if (configured.needs === 'two-categories') return problem.binary;
  if (configured.needs === 'loss-per-categorical') return problem.lossPerCategorical;
  return true;
}

/** One (problem, estimator, temperature) measurement. */
export interface LabCell extends EstimateStatistics {
  problem: string;
  /** The estimator's label with its parameters. */
  estimator: string;
  /** τ, or null for estimators without one. */
  temperature: number | null;
  /** The law whose exact gradient the bias is measured against, where the problem has several. */
  reference?: string;
  /** Mean wall-clock milliseconds of one estimate made alone (one `tf.grad` call, values read). */
  millisecondsPerEstimate: number;
}

/** A problem as the lab saw it. */
export interface LabProblemSummary {
  name: string;
  description: string;
  exactValue: number;
  exactGradientNorm: number;
  gradientSize: number;
}

/** Everything the lab measured. */
export interface LabResult {
  options: ResolvedLabOptions;
  problems: LabProblemSummary[];
  cells: LabCell[];
}

function checkLabOptions(options: ResolvedLabOptions): void {
  const integerAtLeast = (value: number, minimum: number, name: string) => {
    if (!Number.isSafeInteger(value) || value < minimum) {
      throw new ArgumentError(name, `must be an integer >= ${minimum}, got ${value}`);
    }
  };
  integerAtLeast(options.estimates, 2, 'estimates');
  integerAtLeast(options.batch, 1, 'batch');
  integerAtLeast(options.timingCalls, 1, 'timing-calls');
  integerAtLeast(options.seed, 0, 'seed');
  integerAtLeast(options.tuningSteps, 0, 'tuning-steps');
  if (options.temperatures.length === 0 || options.temperatures.some((t) => !(t > 0 && Number.isFinite(t)))) {
    throw new ArgumentError('temperatures', `must be finite numbers > 0, got [${options.temperatures}]`);
  }
  for (const name of options.problems) {
    if (!(LAB_PROBLEM_NAMES as readonly string[]).includes(name)) {
      throw new ArgumentError('problems', `must be among ${LAB_PROBLEM_NAMES.join(', ')}, got ${name}`);
    }
  }
  if (options.estimators.length === 0)
    throw new ArgumentError('estimators', 'must name at least one estimator');
}

/** Gradients of the summed loss for `replicas` tiled copies of the logits: [replicas·size] numbers. */
function estimateBatch(
  problem: LabProblem,
  estimate: (logits: Tensor) => Tensor,
  replicas: number,
): Float32Array {
  return tf.tidy(() => {
    const { logits } = problem;
    const tiled = tf.tile(tf.expandDims(logits, 0), [replicas, ...logits.shape.map(() => 1)]);
    const gradient = tf.grad((theta: Tensor) => tf.sum(estimate(theta)))(tiled);
    return gradient.dataSync() as Float32Array;
  });
}

function timeOneEstimate(problem: LabProblem, estimate: (logits: Tensor) => Tensor, calls: number): number {
  const run = () =>
    tf.tidy(() => {
      tf.grad((theta: Tensor) => tf.sum(estimate(theta)))(problem.logits).dataSync();
    });
  run();
  const started = performance.now();
  for (let i = 0; i < calls; i++) run();
  return (performance.now() - started) / calls;
}

/** A 32-bit FNV-1a hash of the cell's name, so a cell's noise depends on it alone, not on the other cells. */
function cellKey(problem: string, estimator: string, temperature: number | null): number {
  let hash = 0x811c9dc5;
  for (const character of `${problem}|${estimator}|${temperature}`) {
    hash = Math.imul(hash ^ (character.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  }
  return hash;
}

/** Estimates per tuning call of tuned REBAR and RELAX before a cell is measured. */
const TUNING_BATCH = 32;

/** One (problem, estimator, τ) cell: M estimates against `exactGradient`, then the timing. */
function measure(
  problem: LabProblem,
  cell: { label: string; temperature: number | null; reference?: string; exactGradient: Float32Array },
  estimate: (logits: Tensor, generator: RandomGenerator) => Tensor,
  options: ResolvedLabOptions,
  root: RandomGenerator,
  onBatch: (estimates: number) => void,
  tuningCalls = 0,
): LabCell {
  const generator = root.foldIn(cellKey(problem.name, cell.label, cell.temperature));
  const withNoise = (logits: Tensor) => estimate(logits, generator);
  // A first batch, not counted: warms up the backend and the moving-average baseline.
  estimateBatch(problem, withNoise, Math.min(options.batch, options.estimates));
  // Tuned REBAR and RELAX: their control variates learn before the cell is measured.
  for (let call = 0; call < tuningCalls; call++) {
    estimateBatch(problem, withNoise, TUNING_BATCH);
    onBatch(TUNING_BATCH);
  }
  const accumulator = new EstimateAccumulator(cell.exactGradient);
  for (let done = 0; done < options.estimates; ) {
    const replicas = Math.min(options.batch, options.estimates - done);
    accumulator.add(estimateBatch(problem, withNoise, replicas));
    done += replicas;
    onBatch(replicas);
  }
  return {
    problem: problem.name,
    estimator: cell.label,
    temperature: cell.temperature,
    ...(cell.reference === undefined ? {} : { reference: cell.reference }),
    ...accumulator.result(),
    millisecondsPerEstimate: timeOneEstimate(problem, withNoise, options.timingCalls),
  };
}

function measureCell(
  problem: LabProblem,
  spec: EstimatorSpec,
  temperature: number | null,
  options: ResolvedLabOptions,
  root: RandomGenerator,
  onBatch: (estimates: number) => void,
): LabCell {
  const configured = createEstimator(spec);
  const categorical = (logits: Tensor, loss: DownstreamLoss, options?: ConfiguredEstimatorOptions) =>
    configured.estimate(logits, loss, options ?? { temperature: 1 });
  const estimator = problem.binary ? binary(categorical) : categorical;
  const cell = { label: configured.label, temperature, exactGradient: problem.exactGradient };
  return measure(
    problem,
    cell,
    (logits, generator) =>
      estimator(logits, (sample) => problem.loss(sample), {
        temperature: temperature ?? 1,
        seed: generator,
        validateArgs: false,
      }).loss,
    options,
    root,
    onBatch,
    // By spec, not by `configured.controlVariate`: RELAX makes its control variate at the first call.
    configured.tuned ? options.tuningSteps : 0,
  );
}

/** One cell still to measure: the estimates it will draw (tuning included) and its run, given the progress callback. */
interface PlannedCell {
  estimates: number;
  run: (onBatch: (estimates: number) => void) => LabCell;
}

/**
 * The cells of one problem: each registry estimator over the temperatures it accepts, or, for a
 * problem that brings its own estimators (k-subset), those over the temperatures.
 */
function planCells(problem: LabProblem, options: ResolvedLabOptions, root: RandomGenerator): PlannedCell[] {
  if (problem.estimators) {
    return problem.estimators.flatMap((estimator) =>
      (estimator.usesTemperature ? options.temperatures : [null]).map((temperature) => {
        const cell = {
          label: estimator.label,
          temperature,
          reference: estimator.reference,
          exactGradient: estimator.exactGradient,
        };
        const estimate = (logits: Tensor, seed: RandomGenerator) =>
          estimator.estimate(logits, (sample) => problem.loss(sample), {
            temperature: temperature ?? 1,
            seed,
          });
        return {
          estimates: options.estimates,
          run: (onBatch: (estimates: number) => void) =>
            measure(problem, cell, estimate, options, root, onBatch),
        };
      }),
    );
  }
  return options.estimators.flatMap((spec) => {
    const configured = createEstimator(spec);
    if (!estimatorFits(configured, problem)) return [];
    const temperatures = configured.usesTemperature
      ? options.temperatures.filter((t) => configured.acceptsTemperature(t))
      : [null];
    return temperatures.map(
      (temperature): PlannedCell => ({
        estimates: options.estimates + (configured.tuned ? options.tuningSteps * TUNING_BATCH : 0),
        run: (onBatch) => measureCell(problem, spec, temperature, options, root, onBatch),
      }),
    );
  });
}

function summarize(problem: LabProblem): LabProblemSummary {
  let norm = 0;
  for (const value of problem.exactGradient) norm += value * value;
  return {
    name: problem.name,
    description: problem.description,
    exactValue: problem.exactValue,
    exactGradientNorm: Math.sqrt(norm),
    gradientSize: problem.exactGradient.length,
  };
}

/**
 * Measures every estimator on every problem over the temperatures: bias ‖E ĝ − ∇‖ (with its
 * Monte-Carlo standard error), variance E‖ĝ − E ĝ‖², cosine similarity to ∇ and time per estimate.
 * Deterministic for a seed (timings aside): each cell's noise depends only on the seed and the cell's
 * problem, estimator and τ.
 *
 * @throws {@link ArgumentError} for unknown problems or estimators and out-of-range counts.
 */
export function runLab(options: LabOptions = {}): LabResult {
  const resolved = {
    problems: options.problems ?? DEFAULT_LAB_OPTIONS.problems,
    estimators: options.estimators ?? DEFAULT_LAB_OPTIONS.estimators,
    temperatures: options.temperatures ?? DEFAULT_LAB_OPTIONS.temperatures,
    estimates: options.estimates ?? DEFAULT_LAB_OPTIONS.estimates,
    batch: options.batch ?? DEFAULT_LAB_OPTIONS.batch,
    timingCalls: options.timingCalls ?? DEFAULT_LAB_OPTIONS.timingCalls,
    tuningSteps: options.tuningSteps ?? DEFAULT_LAB_OPTIONS.tuningSteps,
    seed: options.seed ?? DEFAULT_LAB_OPTIONS.seed,
  };
  checkLabOptions(resolved);
  for (const spec of resolved.estimators) createEstimator(spec); // checks every spec before the long run
  const root = new RandomGenerator(resolved.seed);
  const problems: LabProblemSummary[] = [];
  const cells: LabCell[] = [];
  const created: LabProblem[] = [];
  try {
    for (const name of resolved.problems) created.push(createLabProblem(name, resolved.seed));
    // Every cell is planned first, so progress has a total.
    const plans = created.map((problem) => planCells(problem, resolved, root));
    const total = plans.flat().reduce((sum, plan) => sum + plan.estimates, 0);
    if (total === 0) {
      throw new ArgumentError(
        'estimators',
        `must include one that applies to the problems ${resolved.problems.join(', ')} (disarm and multi-sample-disarm need binary latents, unordered-set one loss per categorical)`,
      );
    }
    let drawn = 0;
    const onBatch = (estimates: number) => {
      drawn += estimates;
      options.onProgress?.(drawn, total);
    };
    options.onProgress?.(0, total);
    created.forEach((problem, i) => {
      problems.push(summarize(problem));
      for (const plan of plans[i]) {
        const cell = plan.run(onBatch);
        cells.push(cell);
        options.onCell?.(cell);
      }
    });
  } finally {
    for (const problem of created) problem.dispose();
  }
  return { options: resolved, problems, cells };
}
