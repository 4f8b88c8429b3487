/**
 * The smoothing a perturbed solver brings, on the worked 3×3 grid: the probability that the
 * shortest path goes through the centre as the centre's cost sweeps past the other routes' costs —
 * a step for the plain solver, a smooth curve for the perturbed one (Monte Carlo beside exact).
 */
import { RandomGenerator } from '../random/generator.js';
import type { PerturbationNoise } from '../structured/perturbationNoise.js';
import { perturbed } from '../structured/perturbed.js';
import { shortestPathSolver } from '../structured/shortestPath.js';
import { tf } from '../tf.js';
import { threeRouteExpectation, threeRouteGrid } from './exactValues.js';

/** P(centre on the path) against the centre's cost, for each noise and for the plain solver. */
export interface RouteSweep {
  /** σ of both perturbations. */
  sigma: number;
  /** Draws per estimate. */
  samples: number;
  /** The centre costs swept (the other routes cost 4.4 + 4.4 and 4.3 + 4.8). */
  centreCosts: number[];
  /** The plain solver's answer: 1 where its path goes through the centre, else 0. */
  hard: number[];
  /** Per noise: the Monte-Carlo estimate and the exact probability at each centre cost. */
  perturbed: Record<PerturbationNoise, { estimate: number[]; exact: number[] }>;
}

/** Sweeps the centre cost over [7.8, 9.8] in steps of 0.1 at σ = 0.5. */
export function routeSweep(samples: number, seed: number): RouteSweep {
  const sigma = 0.5;
  const centreCosts = Array.from({ length: 21 }, (_, i) => Math.round((7.8 + 0.1 * i) * 10) / 10);
  const seeds = new RandomGenerator(seed);
  const curves = (noise: PerturbationNoise) => {
    const estimate: number[] = [];
    const exact: number[] = [];
    for (const centre of centreCosts) {
      const grid = threeRouteGrid(centre, [4.4, 4.4], [4.3, 4.8]);
      const f = perturbed(shortestPathSolver, { sigma, samples, noise, seed: seeds.nextUint32(1)[0] });
      estimate.push(tf.tidy(() => f(grid).dataSync()[4]));
      exact.push(threeRouteExpectation(grid.flat(), sigma, noise)[4]);
    }
    return { estimate, exact };
  };
  return {
    sigma,
    samples,
    centreCosts,
    hard: centreCosts.map((centre) =>
      tf.tidy(
        () => shortestPathSolver(tf.tensor(threeRouteGrid(centre, [4.4, 4.4], [4.3, 4.8]))).dataSync()[4],
      ),
    ),
    perturbed: { normal: curves('normal'), gumbel: curves('gumbel') },
  };
}
