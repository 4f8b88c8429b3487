import { logFactorialOf } from './helpers.js';

/**
 * Eq. 11 of Maddison et al. (2017), the Concrete density on the open simplex, written out:
 * p(x) = (n − 1)! τ^(n−1) Π_k ( α_k x_k^(−τ−1) / Σ_i α_i x_i^(−τ) ). Returns log p(x).
 */
export function concreteLogDensity(x: number[], alpha: number[], tau: number): number {
  const n = x.length;
  const denominator = alpha.reduce((sum, a, i) => sum + a * x[i] ** -tau, 0);
  let product = 1;
  for (let k = 0; k < n; k++) product *= (alpha[k] * x[k] ** (-tau - 1)) / denominator;
  return logFactorialOf(n) + (n - 1) * Math.log(tau) + Math.log(product);
}

/** exp of the logits, the α of Eq. 11 (its scale does not matter). */
export function alphaOf(logits: number[]): number[] {
  return logits.map(Math.exp);
}
