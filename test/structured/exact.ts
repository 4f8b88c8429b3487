/**
 * Exact values for the perturbed-optimizer tests, written here in float64 independently of the
 * library: the normal CDF, quadrature, the perturbed argmax under normal noise, and the path
 * probabilities of a 3×3 grid whose shortest path is one of three routes.
 */

/** Standard normal density. */
export function normalDensity(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/**
 * Standard normal CDF by Marsaglia's series (J. Stat. Softw. 2004): Φ(x) = ½ + φ(x)·(x + x³/3 +
 * x⁵/(3·5) + …), absolute error ~1e-15 (by cancellation, not relative in the far tails).
 */
export function normalCdf(x: number): number {
  if (x < -38) return 0;
  if (x > 38) return 1;
  if (Math.abs(x) > 8) return x < 0 ? normalDensity(x) / -x : 1 - normalDensity(x) / x; // Mills ratio, < 2e-17
  let sum = x;
  let term = x;
  for (let n = 1; n < 500; n++) {
    term *= (x * x) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return 0.5 + normalDensity(x) * sum;
}

/** Standard Gumbel density and CDF. */
export function gumbelDensity(x: number): number {
  return Math.exp(-x - Math.exp(-x));
}
export function gumbelCdf(x: number): number {
  return Math.exp(-Math.exp(-x));
}

/** ∫ f over [low, high] by composite Simpson with `intervals` (even) intervals. */
export function simpson(f: (x: number) => number, low: number, high: number, intervals = 4000): number {
  const h = (high - low) / intervals;
  let sum = f(low) + f(high);
  for (let i = 1; i < intervals; i++) sum += (i % 2 === 1 ? 4 : 2) * f(low + i * h);
  return (sum * h) / 3;
}

/** ∫ f over [low, high] by the trapezoid rule with the given step (for integrands vanishing at both ends). */
export function trapezoid(f: (x: number) => number, low: number, high: number, step: number): number {
  const intervals = Math.round((high - low) / step);
  const h = (high - low) / intervals;
  let sum = (f(low) + f(high)) / 2;
  for (let i = 1; i < intervals; i++) sum += f(low + i * h);
  return sum * h;
}

/** P(argmax(θ + σZ) = i), Z standard normal: ∫ φ(z) ∏_{j≠i} Φ((θ_i − θ_j)/σ + z) dz. */
export function normalArgmaxProbabilities(theta: number[], sigma: number): number[] {
  return theta.map((thetaI, i) =>
    simpson(
      (z) => {
        let product = normalDensity(z);
        theta.forEach((thetaJ, j) => {
          if (j !== i) product *= normalCdf((thetaI - thetaJ) / sigma + z);
        });
        return product;
      },
      -12,
      12,
    ),
  );
}

/**
 * A 3×3 grid of vertex costs whose shortest path (top-left to bottom-right, king moves) is one of
 * three routes — through the centre (1,1); through (0,1),(1,2); through (1,0),(2,1) — because the
 * corners (0,2) and (2,0) cost 1000 and every other detour adds a vertex of positive cost.
 */
export function threeRouteGrid(centre: number, upper: [number, number], lower: [number, number]): number[][] {
  return [
    [1, upper[0], 1000],
    [lower[0], centre, upper[1]],
    [1000, lower[1], 1],
  ];
}

/** The routes of {@link threeRouteGrid}: their flat vertex indices besides the two ends. */
export const ROUTES = [[4], [1, 5], [3, 7]];

/** Density and CDF of the sum of `count` (1 or 2) iid standard draws, by quadrature for two Gumbels. */
function sumLaw(
  noise: 'normal' | 'gumbel',
  count: number,
): { density: (x: number) => number; cdf: (x: number) => number } {
  if (noise === 'normal') {
    const scale = Math.sqrt(count);
    return { density: (x) => normalDensity(x / scale) / scale, cdf: (x) => normalCdf(x / scale) };
  }
  if (count === 1) return { density: gumbelDensity, cdf: gumbelCdf };
  // S = G + G': f(s) = ∫ g(u) g(s − u) du, F(s) = ∫ g(u) G(s − u) du over u in [−6, 40]. The
  // integrands are analytic and vanish at both ends, where the trapezoid rule converges geometrically.
  return {
    density: (s) => trapezoid((u) => gumbelDensity(u) * gumbelDensity(s - u), -6, 40, 0.1),
    cdf: (s) => trapezoid((u) => gumbelDensity(u) * gumbelCdf(s - u), -6, 40, 0.1),
  };
}

/**
 * E[path indicator] of {@link threeRouteGrid} under costs θ + σZ: route r has cost
 * c_r + σ·(sum of its vertices' noises), and P(route r) = ∫ f_r(x) ∏_{s≠r} (1 − F_s(x)) dx. Exact up
 * to the quadrature (~1e-9) and to the probability that a cost ≥ 4 turns negative (< 1e-15 at σ ≤ 0.5).
 */
export function threeRouteExpectation(grid: number[][], sigma: number, noise: 'normal' | 'gumbel'): number[] {
  const flat = grid.flat();
  const laws = ROUTES.map((route) => {
    const law = sumLaw(noise, route.length);
    const cost = route.reduce((total, vertex) => total + flat[vertex], 0);
    return {
      density: (x: number) => law.density((x - cost) / sigma) / sigma,
      survival: (x: number) => 1 - law.cdf((x - cost) / sigma),
    };
  });
  const low = Math.min(...flat.filter((c) => c < 1000)) - 8 * sigma;
  const high = 30 + 40 * sigma;
  const routeProbabilities = laws.map((law, r) =>
    simpson(
      (x) =>
        laws.reduce((product, other, s) => (s === r ? product : product * other.survival(x)), law.density(x)),
      low,
      high,
      noise === 'normal' ? 4000 : 800,
    ),
  );
  const expectation = new Array<number>(9).fill(0);
  expectation[0] = 1;
  expectation[8] = 1;
  ROUTES.forEach((route, r) => {
    for (const vertex of route) expectation[vertex] += routeProbabilities[r];
  });
  return expectation;
}
