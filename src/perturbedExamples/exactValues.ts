/**
 * Exact values of the perturbed-optimizer worked examples, in float64 (plain numbers): the perturbed
 * argmax under Gumbel noise (softmax) and normal noise (quadrature), and the perturbed shortest path
 * on a 3×3 grid with three competing routes (closed form for normal noise, quadrature for Gumbel).
 */
import { normalCdf, normalDensity } from '../math/normalCdf.js';

/** softmax(θ/σ): the perturbed argmax under Gumbel noise. */
export function softmaxOver(theta: number[], sigma: number): number[] {
  const scaled = theta.map((t) => t / sigma);
  const max = Math.max(...scaled);
  const exps = scaled.map((s) => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** ∫ f over [low, high] by the trapezoid rule with `intervals` intervals (spectrally accurate for smooth integrands vanishing at both ends). */
function trapezoid(f: (x: number) => number, low: number, high: number, intervals: number): number {
  const h = (high - low) / intervals;
  let sum = 0.5 * (f(low) + f(high));
  for (let i = 1; i < intervals; i++) sum += f(low + i * h);
  return sum * h;
}

/** P(argmax(θ + σZ) = i) for standard normal Z: ∫ φ(z) ∏_{j≠i} Φ((θᵢ − θⱼ)/σ + z) dz. */
export function normalArgmaxProbabilities(theta: number[], sigma: number): number[] {
  return theta.map((thetaI, i) =>
    trapezoid(
      (z) =>
        theta.reduce(
          (product, thetaJ, j) => (j === i ? product : product * normalCdf((thetaI - thetaJ) / sigma + z)),
          normalDensity(z),
        ),
      -10,
      10,
      2000,
    ),
  );
}

/**
 * The worked shortest-path grid: 3×3 vertex costs with the ends at 1, the corners (0,2) and (2,0) at
 * 1000, so the cheapest top-left → bottom-right king path is one of three routes: the centre alone,
 * (0,1) then (1,2), or (1,0) then (2,1); any other path adds a vertex of positive cost to one of them.
 */
export function threeRouteGrid(centre: number, upper: [number, number], lower: [number, number]): number[][] {
  return [
    [1, upper[0], 1000],
    [lower[0], centre, upper[1]],
    [1000, lower[1], 1],
  ];
}

/** The flat vertex indices of the three routes of {@link threeRouteGrid}, ends left out. */
export const THREE_ROUTES: readonly number[][] = [[4], [1, 5], [3, 7]];

/** The law of σ·(sum of n standard noises), n = 1 or 2: density and survival function. */
function routeNoise(
  noise: 'normal' | 'gumbel',
  vertices: number,
): { density: (x: number) => number; survival: (x: number) => number } {
  if (noise === 'normal') {
    const scale = Math.sqrt(vertices);
    return { density: (x) => normalDensity(x / scale) / scale, survival: (x) => normalCdf(-x / scale) };
  }
  if (vertices === 1) {
    return { density: (x) => Math.exp(-x - Math.exp(-x)), survival: (x) => -Math.expm1(-Math.exp(-x)) };
  }
  // Two Gumbels, with a = e^(−s) and v = e^t: F(s) = ∫ exp(t − eᵗ − a·e^(−t)) dt and
  // f(s) = ∫ a·exp(−eᵗ − a·e^(−t)) dt.
  return {
    density: (s) => {
      const a = Math.exp(-s);
      return trapezoid((t) => a * Math.exp(-Math.exp(t) - a * Math.exp(-t)), -40, 5, 450);
    },
    survival: (s) => {
      const a = Math.exp(-s);
      return 1 - trapezoid((t) => Math.exp(t - Math.exp(t) - a * Math.exp(-t)), -40, 5, 450);
    },
  };
}

/**
 * E[y*(θ + σZ)] for {@link threeRouteGrid}-shaped costs θ (flat, 9 entries): route r costs cᵣ + σ·Sᵣ
 * with Sᵣ the sum of its vertices' noises, and P(route r) = ∫ fᵣ(x) ∏_{s≠r} P(cost s > x) dx. Exact up
 * to the quadrature and to the chance that a cost ≥ 4 turns negative under noise (< 1e-15 at σ ≤ 0.5).
 */
export function threeRouteExpectation(costs: number[], sigma: number, noise: 'normal' | 'gumbel'): number[] {
  const routes = THREE_ROUTES.map((route) => {
    const law = routeNoise(noise, route.length);
    const cost = route.reduce((total, vertex) => total + costs[vertex], 0);
    return {
      density: (x: number) => law.density((x - cost) / sigma) / sigma,
      survival: (x: number) => law.survival((x - cost) / sigma),
      cost,
    };
  });
  const low = Math.min(...routes.map((r) => r.cost)) - 12 * sigma;
  const high = Math.max(...routes.map((r) => r.cost)) + 45 * sigma;
  const probabilities = routes.map((route, r) =>
    trapezoid(
      (x) =>
        routes.reduce(
          (product, other, s) => (s === r ? product : product * other.survival(x)),
          route.density(x),
        ),
      low,
      high,
      1200,
    ),
  );
  const expectation = new Array<number>(9).fill(0);
  expectation[0] = 1;
  expectation[8] = 1;
  THREE_ROUTES.forEach((route, r) => {
    for (const vertex of route) expectation[vertex] += probabilities[r];
  });
  return expectation;
}
