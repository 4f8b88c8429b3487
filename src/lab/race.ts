/**
 * The optimisation race of Grathwohl et al. (2018, §6.1): minimise E[(b − t)²] over one Bernoulli
 * b ~ Bernoulli(σ(θ)) with t just below ½, from θ = 0, each estimator feeding Adam at a fixed step
 * size; count the steps until p(b = 1) = σ(θ) falls under a threshold. The gradient is
 * σ(θ)(1 − σ(θ))(1 − 2t): tiny against f's spread when t = 0.499, which is what makes it hard.
 */
import { binary } from '../estimators/binary.js';
import { type ConfiguredEstimator, createEstimator, type EstimatorSpec } from '../estimators/registry.js';
import { RandomGenerator } from '../random/generator.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import { DEFAULT_LAB_OPTIONS } from './runner.js';

/** Options of {@link runRace}; every field has a default. */
export interface RaceOptions {
  /** The targets t (default [0.45, 0.499]). */
  targets?: number[];
  /** The racers (default: {@link DEFAULT_RACE_OPTIONS}' list); 'exact' is the exact gradient. */
  estimators?: (EstimatorSpec | 'exact')[];
  /** Seeds per (estimator, target) (default 3). */
  seeds?: number;
  /** Adam's fixed step size on θ (default 0.05). */
  learningRate?: number;
  /** Steps before a run is stopped unfinished (default 1000). */
  maxSteps?: number;
  /** The finish line for p(b = 1) (default 0.05). */
  threshold?: number;
  /** Called after each run: runs done, runs in all, the run's label. */
  onProgress?: (done: number, total: number, run: string) => void;
}

/**
 * The race's defaults: the exact gradient, REINFORCE without a baseline, and the lab's estimators —
 * every one that runs on one bit. (The unordered-set estimator is left out: k = 2 of a bit's 2
 * categories enumerates them, which is the exact gradient.)
 */
export const DEFAULT_RACE_OPTIONS = {
  targets: [0.45, 0.499],
  estimators: [
    'exact',
    { name: 'score-function', scoreSamples: 1, baseline: 'none' },
    ...DEFAULT_LAB_OPTIONS.estimators.filter((spec) => spec.name !== 'unordered-set'),
  ] as (EstimatorSpec | 'exact')[],
  seeds: 3,
  learningRate: 0.05,
  maxSteps: 1000,
  threshold: 0.05,
};

/** One run: an estimator, a target, a seed. */
export interface RaceRun {
  estimator: string;
  target: number;
  seed: number;
  /** Steps until p(b = 1) < threshold, or null if it did not get there within maxSteps. */
  steps: number | null;
  /** p(b = 1) after every step (index 0: the start). */
  trajectory: number[];
}

/** Everything the race measured. */
export interface RaceResult {
  options: Required<Omit<RaceOptions, 'onProgress'>>;
  runs: RaceRun[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Adam on one number. */
class ScalarAdam {
  private first = 0;
  private second = 0;
  private step = 0;
  constructor(private readonly learningRate: number) {}
  move(value: number, gradient: number): number {
    this.step += 1;
    this.first = 0.9 * this.first + 0.1 * gradient;
    this.second = 0.999 * this.second + 0.001 * gradient * gradient;
    const first = this.first / (1 - 0.9 ** this.step);
    const second = this.second / (1 - 0.999 ** this.step);
    return value - (this.learningRate * first) / (Math.sqrt(second) + 1e-8);
  }
}

/** τ of the relaxing estimators in the race: 0.5, or 1 where an estimator needs τ ≥ 1 (ReinMax). */
const RACE_TEMPERATURE = 0.5;

function temperatureOf(configured: ConfiguredEstimator): number {
  return configured.acceptsTemperature(RACE_TEMPERATURE) ? RACE_TEMPERATURE : 1;
}

function labelOf(spec: EstimatorSpec | 'exact'): string {
  if (spec === 'exact') return 'exact gradient';
  const configured = createEstimator(spec);
  return configured.usesTemperature ? `${configured.label} τ=${temperatureOf(configured)}` : configured.label;
}

function raceOne(
  spec: EstimatorSpec | 'exact',
  target: number,
  seed: number,
  options: Required<Omit<RaceOptions, 'onProgress'>>,
): RaceRun {
  const adam = new ScalarAdam(options.learningRate);
  const generator = new RandomGenerator(seed).foldIn(Math.round(target * 1e6));
  const configured = spec === 'exact' ? undefined : createEstimator(spec);
  const estimator = configured
    ? binary((logits: Tensor, f: (z: Tensor) => Tensor, o?: { seed?: RandomGenerator }) =>
        configured.estimate(logits, f, {
          temperature: temperatureOf(configured),
          seed: o?.seed,
          validateArgs: false,
        }),
      )
    : undefined;
  // A scalar f of the one bit (multi-sample DisARM then has its one sample to swap: DisARM itself).
  const f = (b: Tensor) => tf.sum(tf.square(tf.sub(b, target)));
  let theta = 0;
  const trajectory = [sigmoid(theta)];
  let steps: number | null = null;
  for (let step = 1; step <= options.maxSteps; step++) {
    let gradient: number;
    if (estimator) {
      gradient = tf.tidy(
        () =>
          tf
            .grad((logit: Tensor) => tf.sum(estimator(logit, f, { seed: generator }).loss))(
              tf.tensor1d([theta]),
            )
            .dataSync()[0],
      );
    } else {
      const p = sigmoid(theta);
      gradient = p * (1 - p) * (1 - 2 * target);
    }
    theta = adam.move(theta, gradient);
    trajectory.push(sigmoid(theta));
    if (sigmoid(theta) < options.threshold) {
      steps = step;
      break;
    }
  }
  return { estimator: labelOf(spec), target, seed, steps, trajectory };
}

/**
 * Runs every estimator on every target from `seeds` seeds and records the steps to the finish and
 * the trajectories of p(b = 1). Deterministic for the options.
 *
 * @throws {@link ArgumentError} for targets outside (0, ½), counts out of range, a bad spec.
 */
export function runRace(options: RaceOptions = {}): RaceResult {
  const d = DEFAULT_RACE_OPTIONS;
  const resolved = {
    targets: options.targets ?? d.targets,
    estimators: options.estimators ?? d.estimators,
    seeds: options.seeds ?? d.seeds,
    learningRate: options.learningRate ?? d.learningRate,
    maxSteps: options.maxSteps ?? d.maxSteps,
    threshold: options.threshold ?? d.threshold,
  };
  if (resolved.targets.length === 0 || resolved.targets.some((t) => !(t > 0 && t < 0.5))) {
    throw new ArgumentError('targets', `must be numbers in (0, 0.5), got [${resolved.targets}]`);
  }
  for (const [name, value] of [
    ['seeds', resolved.seeds],
    ['max-steps', resolved.maxSteps],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ArgumentError(name, `must be an integer >= 1, got ${value}`);
    }
  }
  if (!(resolved.learningRate > 0 && Number.isFinite(resolved.learningRate))) {
    throw new ArgumentError('learning-rate', `must be a finite number > 0, got ${resolved.learningRate}`);
  }
  if (!(resolved.threshold > 0 && resolved.threshold < 0.5)) {
    throw new ArgumentError('threshold', `must be a number in (0, 0.5), got ${resolved.threshold}`);
  }
  for (const spec of resolved.estimators) if (spec !== 'exact') createEstimator(spec);
  const total = resolved.estimators.length * resolved.targets.length * resolved.seeds;
  const runs: RaceRun[] = [];
  for (const spec of resolved.estimators) {
    for (const target of resolved.targets) {
      for (let seed = 1; seed <= resolved.seeds; seed++) {
        const run = raceOne(spec, target, seed, resolved);
        runs.push(run);
        options.onProgress?.(runs.length, total, `${run.estimator} t=${target} seed ${seed}`);
      }
    }
  }
  return { options: resolved, runs };
}
