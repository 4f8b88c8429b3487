import type { Seed } from '../random/generator.js';
import { gumbelArray, normalArray } from '../random/noise.js';
import { ArgumentError } from '../validate.js';
import type { Solver } from './solvers.js';

/** The perturbation laws of {@link perturbed}: standard Gumbel or standard normal noise Z. */
export type PerturbationNoise = 'gumbel' | 'normal';

/** The names {@link PerturbationNoise} accepts. */
export const PERTURBATION_NOISES: readonly PerturbationNoise[] = ['gumbel', 'normal'];

/** Options of {@link perturbed}, {@link perturbedMaximum}, {@link fenchelYoungLoss} and {@link perturbedTopK}. */
export interface PerturbedOptions {
  /** The noise scale σ, a finite number > 0 (default 1): the solver sees θ + σZ. */
  sigma?: number;
  /** How many noise draws Z estimate the expectation, an integer ≥ 1 (default 100). */
  samples?: number;
  /** The law of Z (default 'normal', as in Berthet et al. 2020). */
  noise?: PerturbationNoise;
  /**
   * Integer seed or generator. An integer gives the same draws on every call (common random
   * numbers: the estimate is then a fixed, piecewise-constant function of θ); without one, each
   * call draws fresh noise.
   */
  seed?: Seed;
  /** Overrides the solver's own `eventRank` (how many trailing axes of θ one problem occupies). */
  eventRank?: number;
}

/** Validated {@link PerturbedOptions} with defaults filled in. */
export interface PerturbationSettings {
  sigma: number;
  samples: number;
  noise: PerturbationNoise;
  seed?: Seed;
  eventRank: number;
}

/** Checks the options (throwing {@link ArgumentError} naming the range) and fills in defaults. */
export function perturbationSettings(solver: Solver, options: PerturbedOptions): PerturbationSettings {
  if (typeof solver !== 'function')
    throw new ArgumentError('solver', `must be a function, got ${typeof solver}`);
  const sigma = options.sigma ?? 1;
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0) {
    throw new ArgumentError('sigma', `must be a finite number > 0, got ${sigma}`);
  }
  const samples = options.samples ?? 100;
  if (!Number.isSafeInteger(samples) || samples < 1) {
    throw new ArgumentError('samples', `must be an integer >= 1, got ${samples}`);
  }
  const noise = options.noise ?? 'normal';
  if (!PERTURBATION_NOISES.includes(noise)) {
    throw new ArgumentError(
      'noise',
      `must be one of ${PERTURBATION_NOISES.join(', ')}, got ${String(noise)}`,
    );
  }
  const eventRank = options.eventRank ?? solver.eventRank ?? 1;
  if (!Number.isInteger(eventRank) || eventRank < 0) {
    throw new ArgumentError('eventRank', `must be an integer >= 0, got ${eventRank}`);
  }
  return { sigma, samples, noise, seed: options.seed, eventRank };
}

/**
 * `count` draws of Z and of ∇ν(Z), where the noise density is μ(z) ∝ exp(−ν(z)): for the normal law
 * ν(z) = z²/2, so ∇ν(z) = z; for the standard Gumbel law ν(z) = z + e^(−z), so ∇ν(z) = 1 − e^(−z).
 * Both have E[∇ν(Z)] = 0 and E[∇ν(Z)²] = 1.
 */
export function drawPerturbations(
  count: number,
  noise: PerturbationNoise,
  seed?: Seed,
): { noise: Float32Array; score: Float32Array } {
  if (noise === 'normal') {
    const draws = normalArray(count, seed);
    return { noise: draws, score: draws };
  }
  const draws = gumbelArray(count, seed);
  const score = new Float32Array(count);
  for (let i = 0; i < count; i++) score[i] = -Math.expm1(-draws[i]);
  return { noise: draws, score };
}
