/**
 * The perturbed-optimizer worked examples of Berthet et al. (2020), each estimated by Monte Carlo
 * and set beside its exact value: the perturbed argmax (Gumbel: softmax(θ/σ); normal: quadrature),
 * its Jacobian, the perturbed shortest path on a 3×3 grid and its gradient, and the Fenchel–Young
 * gradient ŷ − y. Browser-safe; `gumbel perturbed` runs it and writes the report.
 */
import { RandomGenerator } from '../random/generator.js';
import { fenchelYoungLoss } from '../structured/fenchelYoung.js';
import type { PerturbationNoise } from '../structured/perturbationNoise.js';
import { perturbed } from '../structured/perturbed.js';
import { shortestPathSolver } from '../structured/shortestPath.js';
import { argmaxSolver, type Solver } from '../structured/solvers.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import {
  normalArgmaxProbabilities,
  softmaxOver,
  threeRouteExpectation,
  threeRouteGrid,
} from './exactValues.js';

/** One estimate beside its exact value. */
export interface Comparison {
  /** What is compared. */
  name: string;
  /** How the exact value was obtained. */
  exactBy: string;
  /** The Monte-Carlo estimate, flat. */
  estimate: number[];
  /** The exact value, flat. */
  exact: number[];
  /** Per-entry standard errors (exact for expectations; the bound 1/(σ√M) for Jacobian entries). */
  standardError: number[];
  /** The largest |estimate − exact| over all entries. */
  maxAbsoluteError: number;
  /** The largest |estimate − exact| / standard error (0 where the standard error is 0). */
  maxStandardErrors: number;
}

/** The report of {@link runPerturbedExamples}. */
export interface PerturbedExamplesReport {
  /** Noise draws per estimate. */
  samples: number;
  /** The seed every estimate's draws derive from. */
  seed: number;
  /** Every comparison, in order. */
  comparisons: Comparison[];
}

/** Options of {@link runPerturbedExamples}. */
export interface PerturbedExamplesOptions {
  /** Noise draws per estimate (default 100,000). */
  samples?: number;
  /** Seed (default 0). */
  seed?: number;
  /** Called after each comparison with how many are done out of how many. */
  onProgress?: (done: number, total: number, name: string) => void;
}

function compare(
  name: string,
  exactBy: string,
  estimate: number[],
  exact: number[],
  standardError: number[],
): Comparison {
  const errors = estimate.map((e, i) => Math.abs(e - exact[i]));
  return {
    name,
    exactBy,
    estimate,
    exact,
    standardError,
    maxAbsoluteError: Math.max(...errors),
    maxStandardErrors: Math.max(...errors.map((e, i) => (standardError[i] > 0 ? e / standardError[i] : 0))),
  };
}

const bernoulliErrors = (p: number[], samples: number) => p.map((q) => Math.sqrt((q * (1 - q)) / samples));

/** Rows of the Monte-Carlo Jacobian: the VJP with each unit cotangent in `rows`. */
function jacobianRows(f: (theta: Tensor) => Tensor, theta: number[][], rows: number[]): number[] {
  return tf.tidy(() => {
    const input = tf.tensor(theta);
    return rows.flatMap((row) => {
      const unit = new Float32Array(input.size);
      unit[row] = 1;
      const cotangent = tf.tensor(unit, input.shape, 'float32');
      return Array.from(
        tf
          .grad((t: Tensor) => tf.sum(tf.mul(f(t), cotangent)))(input)
          .dataSync(),
      );
    });
  });
}

/** Central differences (float64) of `exact` at θ: rows `rows` of its Jacobian. */
function exactJacobianRows(
  exact: (theta: number[]) => number[],
  theta: number[],
  rows: number[],
  step: number,
) {
  const columns = theta.map((_, j) => {
    const up = exact(theta.map((v, i) => (i === j ? v + step : v)));
    const down = exact(theta.map((v, i) => (i === j ? v - step : v)));
    return up.map((u, i) => (u - down[i]) / (2 * step));
  });
  return rows.flatMap((row) => columns.map((column) => column[row]));
}

const estimateOf = (
  solver: Solver,
  theta: number[][],
  sigma: number,
  samples: number,
  noise: PerturbationNoise,
  seed: number,
) => tf.tidy(() => Array.from(perturbed(solver, { sigma, samples, noise, seed })(theta).dataSync()));

/** Runs every worked example and returns the comparisons. Takes a few seconds at 10⁵ samples. */
export function runPerturbedExamples(options: PerturbedExamplesOptions = {}): PerturbedExamplesReport {
  const samples = options.samples ?? 100_000;
  const seed = options.seed ?? 0;
  const seeds = new RandomGenerator(seed);
  const nextSeed = () => seeds.nextUint32(1)[0];
  const steps: (() => Comparison)[] = [];

  const argmaxTheta = [1, 2, 0, -0.5];
  for (const sigma of [0.5, 1]) {
    const exact = softmaxOver(argmaxTheta, sigma);
    steps.push(() =>
      compare(
        `perturbed argmax, Gumbel noise, σ = ${sigma}: E[y*] at θ = [${argmaxTheta}]`,
        'softmax(θ/σ)',
        estimateOf(argmaxSolver, [argmaxTheta], sigma, samples, 'gumbel', nextSeed()),
        exact,
        bernoulliErrors(exact, samples),
      ),
    );
    steps.push(() => {
      const f = perturbed(argmaxSolver, { sigma, samples, noise: 'gumbel', seed: nextSeed() });
      const rows = argmaxTheta.map((_, i) => i);
      const jacobian = rows.flatMap((i) =>
        exact.map((pj, j) => (exact[i] * ((i === j ? 1 : 0) - pj)) / sigma),
      );
      return compare(
        `perturbed argmax, Gumbel noise, σ = ${sigma}: Jacobian (row-major)`,
        '(diag p − ppᵀ)/σ, p = softmax(θ/σ)',
        jacobianRows(f, [argmaxTheta], rows),
        jacobian,
        jacobian.map(() => 1 / (sigma * Math.sqrt(samples))),
      );
    });
  }

  const normalTheta = [0.5, 0.2, -0.3];
  const normalSigma = 0.5;
  steps.push(() => {
    const exact = normalArgmaxProbabilities(normalTheta, normalSigma);
    return compare(
      `perturbed argmax, normal noise, σ = ${normalSigma}: E[y*] at θ = [${normalTheta}]`,
      '∫ φ(z) ∏_{j≠i} Φ((θᵢ − θⱼ)/σ + z) dz by quadrature',
      estimateOf(argmaxSolver, [normalTheta], normalSigma, samples, 'normal', nextSeed()),
      exact,
      bernoulliErrors(exact, samples),
    );
  });
  steps.push(() => {
    const f = perturbed(argmaxSolver, { sigma: normalSigma, samples, noise: 'normal', seed: nextSeed() });
    const rows = normalTheta.map((_, i) => i);
    return compare(
      `perturbed argmax, normal noise, σ = ${normalSigma}: Jacobian (row-major)`,
      'central differences (h = 1e-4) of the quadrature',
      jacobianRows(f, [normalTheta], rows),
      exactJacobianRows((t) => normalArgmaxProbabilities(t, normalSigma), normalTheta, rows, 1e-4),
      rows.flatMap(() => normalTheta.map(() => 1 / (normalSigma * Math.sqrt(samples)))),
    );
  });

  const grid = threeRouteGrid(8.8, [4.4, 4.4], [4.3, 4.8]);
  const pathSigma = 0.5;
  for (const noise of ['normal', 'gumbel'] as const) {
    steps.push(() => {
      const exact = threeRouteExpectation(grid.flat(), pathSigma, noise);
      return compare(
        `perturbed shortest path, ${noise} noise, σ = ${pathSigma}: E[path indicator] on the 3×3 grid ${JSON.stringify(grid)}`,
        'P(route) = ∫ f_route(x) ∏_{other routes} P(cost > x) dx over the three competing routes',
        estimateOf(shortestPathSolver, grid, pathSigma, samples, noise, nextSeed()),
        exact,
        bernoulliErrors(exact, samples),
      );
    });
    steps.push(() => {
      const f = perturbed(shortestPathSolver, { sigma: pathSigma, samples, noise, seed: nextSeed() });
      const estimate = jacobianRows(f, grid, [4]);
      const exact = exactJacobianRows(
        (costs) => threeRouteExpectation(costs, pathSigma, noise),
        grid.flat(),
        [4],
        1e-3,
      );
      return compare(
        `perturbed shortest path, ${noise} noise, σ = ${pathSigma}: gradient of P(centre on the path) in the 9 costs`,
        'central differences (h = 1e-3) of the exact expectation',
        estimate,
        exact,
        exact.map(() => 1 / (pathSigma * Math.sqrt(samples))),
      );
    });
  }

  steps.push(() => {
    const target = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const fyOptions = { sigma: pathSigma, samples, noise: 'normal' as const, seed: nextSeed() };
    const gradient = tf.tidy(() =>
      Array.from(
        tf
          .grad((t: Tensor) =>
            tf.sum(fenchelYoungLoss(shortestPathSolver, { ...fyOptions, minimize: true })(t, target)),
          )(tf.tensor(grid))
          .dataSync(),
      ),
    );
    const expectation = estimateOf(shortestPathSolver, grid, pathSigma, samples, 'normal', fyOptions.seed);
    return compare(
      'Fenchel–Young loss (shortest path, minimizing): gradient vs y − ŷ of the same draws',
      'y − ŷ, ŷ = perturbed shortest path with the same seed',
      gradient,
      target.flat().map((y, i) => y - expectation[i]),
      gradient.map(() => 0),
    );
  });

  const comparisons: Comparison[] = [];
  for (const step of steps) {
    const comparison = step();
    comparisons.push(comparison);
    options.onProgress?.(comparisons.length, steps.length, comparison.name);
  }
  return { samples, seed, comparisons };
}

/** The report as a Markdown table: one row per comparison. */
export function perturbedExamplesTable(report: PerturbedExamplesReport): string {
  const rows = report.comparisons.map(
    (c) =>
      `| ${c.name} | ${c.exactBy} | ${c.maxAbsoluteError.toExponential(2)} | ${c.standardError.some((s) => s > 0) ? c.maxStandardErrors.toFixed(2) : '–'} |`,
  );
  return [
    `M = ${report.samples} draws per estimate, seed ${report.seed}`,
    '',
    '| estimate | exact value by | max \\|error\\| | max error / s.e. |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    'Standard errors: exact for expectations, √(p(1 − p)/M); for Jacobian entries the bound 1/(σ√M).',
  ].join('\n');
}
