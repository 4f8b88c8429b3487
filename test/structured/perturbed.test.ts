import { describe, expect, it } from 'vitest';
import {
  argmaxSolver,
  perturbed,
  RandomGenerator,
  rankingSolver,
  type Solver,
  shortestPathSolver,
  tf,
} from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';
import { expectOnlyReturnedTensors, takeValues } from '../helpers/leaks.js';
import { chiSquareTest, softmaxOf } from '../helpers/stats.js';
import { normalArgmaxProbabilities, threeRouteExpectation, threeRouteGrid } from './exact.js';

const SAMPLES = 50_000;

/** The vector–Jacobian product of the perturbed solver at θ with cotangent `cotangent`. */
function vjp(f: (theta: Tensor) => Tensor, theta: number[] | number[][], cotangent: number[] | number[][]) {
  return tf.tidy(() => {
    const weights = tf.tensor(cotangent);
    return Array.from(
      tf
        .grad((t: Tensor) => tf.sum(tf.mul(f(t), weights)))(tf.tensor(theta))
        .dataSync(),
    );
  });
}

/** Central differences of a float64 function of θ, dotted with `cotangent`. */
function finiteDifferenceVjp(
  exact: (theta: number[]) => number[],
  theta: number[],
  cotangent: number[],
  step = 1e-4,
  zeroAt: number[] = [],
): number[] {
  return theta.map((_, j) => {
    if (zeroAt.includes(j)) return 0;
    const plus = theta.map((v, i) => (i === j ? v + step : v));
    const minus = theta.map((v, i) => (i === j ? v - step : v));
    const up = exact(plus);
    const down = exact(minus);
    return up.reduce((total, u, i) => total + cotangent[i] * (u - down[i]), 0) / (2 * step);
  });
}

/**
 * A Monte-Carlo VJP component averages (1/σ)⟨dy, yₘ⟩∇ν(Zₘ)_j over M draws. With ⟨dy, yₘ⟩ ∈ [0, 1]
 * and E[∇ν(Z)²] = 1 (normal: E Z² = 1; Gumbel: E(1 − e^(−Z))² = 1 − 2 + 2 = 1), its standard error is
 * at most 1/(σ√M): the tolerance below is 4.5 of those (a correct estimator fails a component with
 * probability < 1e-5).
 */
function vjpTolerance(sigma: number, samples: number): number {
  return 4.5 / (sigma * Math.sqrt(samples));
}

function expectWithin(actual: number[], expected: number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(tolerance);
}

describe('perturbed argmax with Gumbel noise is softmax(θ/σ) (Berthet et al. 2020, §2)', () => {
  const theta = [1, 2, 0, -0.5];
  for (const [sigma, seed] of [
    [0.5, 11],
    [1, 12],
  ]) {
    it(`the expectation at σ = ${sigma}: chi-square of the ${SAMPLES} argmax draws, p > 0.001`, () => {
      const estimate = takeValues(
        perturbed(argmaxSolver, { sigma, samples: SAMPLES, noise: 'gumbel', seed })(theta),
      );
      const counts = estimate.map((p) => Math.round(p * SAMPLES));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(SAMPLES);
      const exact = softmaxOf(theta.map((t) => t / sigma));
      expect(chiSquareTest(counts, exact).pValue).toBeGreaterThan(0.001);
      // Power: σ off by 10% is rejected.
      expect(chiSquareTest(counts, softmaxOf(theta.map((t) => t / (1.1 * sigma)))).pValue).toBeLessThan(1e-6);
    });

    it(`the Jacobian at σ = ${sigma} is the softmax Jacobian (diag p − ppᵀ)/σ, within 4.5 standard errors`, () => {
      const f = perturbed(argmaxSolver, { sigma, samples: SAMPLES, noise: 'gumbel', seed: seed + 100 });
      const p = softmaxOf(theta.map((t) => t / sigma));
      for (const i of [0, 1, 3]) {
        const cotangent = theta.map((_, k) => (k === i ? 1 : 0));
        const estimate = vjp(f, theta, cotangent);
        const exact = p.map((pj, j) => (p[i] * ((i === j ? 1 : 0) - pj)) / sigma);
        expectWithin(estimate, exact, vjpTolerance(sigma, SAMPLES));
      }
    });
  }

  it('batched: every row of a [2, 3] θ independently', () => {
    const rows = [
      [0, 1, 2],
      [2, 2, -1],
    ];
    const estimate = takeValues(
      perturbed(argmaxSolver, { sigma: 1, samples: SAMPLES, noise: 'gumbel', seed: 5 })(rows),
    );
    rows.forEach((row, r) => {
      const exact = softmaxOf(row);
      const counts = estimate.slice(3 * r, 3 * r + 3).map((p) => Math.round(p * SAMPLES));
      expect(chiSquareTest(counts, exact).pValue).toBeGreaterThan(0.001);
    });
  });
});

describe('perturbed argmax with normal noise against quadrature', () => {
  const theta = [0.5, 0.2, -0.3];
  const sigma = 0.5;
  const exact = normalArgmaxProbabilities(theta, sigma);

  it('the quadrature sums to 1 and matches the two-category closed form Φ((θ₀ − θ₁)/(σ√2))', () => {
    expect(exact.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const [p0] = normalArgmaxProbabilities([0.4, 0], 0.5);
    // Φ(0.4/(0.5√2)) = Φ(0.565685…) = 0.714196… (tables).
    expect(p0).toBeCloseTo(0.7142, 4);
  });

  it(`the expectation at σ = ${sigma}: chi-square of ${SAMPLES} draws, p > 0.001`, () => {
    const estimate = takeValues(
      perturbed(argmaxSolver, { sigma, samples: SAMPLES, noise: 'normal', seed: 21 })(theta),
    );
    const counts = estimate.map((p) => Math.round(p * SAMPLES));
    expect(chiSquareTest(counts, exact).pValue).toBeGreaterThan(0.001);
    // Power: the Gumbel answer softmax(θ/σ) is rejected.
    expect(chiSquareTest(counts, softmaxOf(theta.map((t) => t / sigma))).pValue).toBeLessThan(1e-6);
  });

  it('the Monte-Carlo Jacobian matches central differences of the quadrature', () => {
    const f = perturbed(argmaxSolver, { sigma, samples: SAMPLES, noise: 'normal', seed: 22 });
    for (const i of [0, 2]) {
      const cotangent = theta.map((_, k) => (k === i ? 1 : 0));
      const exactVjp = finiteDifferenceVjp((t) => normalArgmaxProbabilities(t, sigma), theta, cotangent);
      expectWithin(vjp(f, theta, cotangent), exactVjp, vjpTolerance(sigma, SAMPLES));
    }
  });
});

describe('perturbed shortest path on a 3×3 grid against exact route probabilities', () => {
  const grid = threeRouteGrid(8.8, [4.4, 4.4], [4.3, 4.8]);
  const sigma = 0.5;
  const samples = 40_000;
  for (const noise of ['normal', 'gumbel'] as const) {
    const exact = threeRouteExpectation(grid, sigma, noise);

    it(`${noise}: the route probabilities sum to 1 and the expectation matches within 4.5 standard errors`, () => {
      expect(exact[4] + exact[1] + exact[3]).toBeCloseTo(1, 6);
      expect(Math.min(exact[4], exact[1], exact[3])).toBeGreaterThan(0.1); // all three routes matter
      const estimate = takeValues(perturbed(shortestPathSolver, { sigma, samples, noise, seed: 31 })([grid]));
      estimate.forEach((value, vertex) => {
        const standardError = Math.sqrt((exact[vertex] * (1 - exact[vertex])) / samples);
        expect(Math.abs(value - exact[vertex])).toBeLessThanOrEqual(4.5 * standardError + 1e-12);
      });
    });

    it(`${noise}: the Monte-Carlo Jacobian of P(centre) matches central differences of the exact one`, () => {
      const f = perturbed(shortestPathSolver, { sigma, samples, noise, seed: 32 });
      const cotangent = new Array<number>(9).fill(0);
      cotangent[4] = 1;
      const flat = grid.flat();
      const exactOf = (costs: number[]) =>
        threeRouteExpectation([costs.slice(0, 3), costs.slice(3, 6), costs.slice(6)], sigma, noise);
      // The two ends shift every route's cost alike and the corners (cost 1000) are never taken:
      // their exact derivative is 0 (the test saves their quadratures).
      const exactVjp = finiteDifferenceVjp(exactOf, flat, cotangent, 1e-3, [0, 2, 6, 8]);
      const estimate = vjp(
        f,
        [flat.slice(0, 3), flat.slice(3, 6), flat.slice(6)],
        [cotangent.slice(0, 3), cotangent.slice(3, 6), cotangent.slice(6)],
      );
      expect(exactVjp[4]).toBeLessThan(-0.2); // a dearer centre is taken less often
      expectWithin(estimate, exactVjp, vjpTolerance(sigma, samples));
    });
  }
});

describe('perturbed: shapes, masks, custom solvers, leaks', () => {
  it('calls the solver once on [samples, ...θ] and returns [...batch, ...output]', () => {
    const shapes: number[][] = [];
    // A solver whose output space differs from θ's: the indicator of the largest entry plus its value.
    const solver: Solver = (theta) => {
      shapes.push(theta.shape);
      return tf.tidy(() => tf.concat([argmaxSolver(theta), tf.max(theta, -1, true)], -1));
    };
    const out = perturbed(solver, { samples: 7, seed: 1 })(tf.zeros([2, 5]));
    expect(shapes).toEqual([[7, 2, 5]]);
    expect(out.shape).toEqual([2, 6]);
    out.dispose();
  });

  it('a −Infinity entry is never chosen and gets gradient 0, no NaN', () => {
    const theta = [1, Number.NEGATIVE_INFINITY, 0];
    const f = perturbed(argmaxSolver, { sigma: 1, samples: 2000, noise: 'gumbel', seed: 3 });
    const value = takeValues(f(theta));
    expect(value[1]).toBe(0);
    const gradient = vjp(f, theta, [1, 0, 0]);
    expect(gradient[1]).toBe(0);
    expect(gradient.every(Number.isFinite)).toBe(true);
  });

  it('the same integer seed gives the same estimate; a generator advances', () => {
    const f = perturbed(argmaxSolver, { samples: 50, seed: 9 });
    expect(takeValues(f([0, 0, 0]))).toEqual(takeValues(f([0, 0, 0])));
    const g = perturbed(argmaxSolver, { samples: 50, seed: new RandomGenerator(9) });
    const first = takeValues(g([0, 0, 0]));
    expect(first).toEqual(takeValues(f([0, 0, 0]))); // the same stream
    expect(takeValues(g([0, 0, 0]))).not.toEqual(first); // advanced
  });

  it('perturbed ranks: a convex combination of permutations of 0…n−1, hard ranks as σ → 0', () => {
    const theta = [0.3, -1, 2, 0.1, 0.5];
    const soft = takeValues(perturbed(rankingSolver, { sigma: 1, samples: 500, seed: 2 })(theta));
    expect(soft.reduce((a, b) => a + b, 0)).toBeCloseTo(10, 4);
    expect(soft.every((r) => r >= 0 && r <= 4)).toBe(true);
    const sharp = takeValues(perturbed(rankingSolver, { sigma: 1e-4, samples: 50, seed: 2 })(theta));
    expect(sharp).toEqual([2, 0, 4, 1, 3]);
  });

  it('leaks nothing, forward or backward', () => {
    const f = perturbed(shortestPathSolver, { sigma: 0.3, samples: 20, seed: 4 });
    const grid = tf.tensor2d(threeRouteGrid(8.8, [4.4, 4.4], [4.3, 4.8]));
    expectOnlyReturnedTensors(() => f(grid));
    expectOnlyReturnedTensors(() => f(grid.arraySync() as number[][]));
    expectOnlyReturnedTensors(() => tf.grad((t: Tensor) => tf.sum(f(t)))(grid));
    grid.dispose();
  });
});
