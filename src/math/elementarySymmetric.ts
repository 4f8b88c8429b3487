/**
 * The elementary symmetric polynomials of exp(θ) in log space, in double precision:
 * e_j(θ_1..θ_i) = Σ over j-subsets S of the first i items of exp(Σ_{s∈S} θ_s), by the recursion
 * e_j(1..i) = e_j(1..i−1) + exp(θ_i)·e_{j−1}(1..i−1), O(n·k) per row. Its derivatives — the exact
 * inclusion marginals of the k-subset law p(S) ∝ exp(Σ_{i∈S} θ_i) and their Jacobian-vector
 * product — come from reverse mode over the same table, and forward-over-reverse for the product.
 * −Infinity entries of θ (masked items) contribute nothing and are never chosen.
 */

const NEGATIVE_INFINITY = Number.NEGATIVE_INFINITY;

/** log(eᵃ + eᵇ), exact for −Infinity arguments. */
function logAddExp(a: number, b: number): number {
  if (a === NEGATIVE_INFINITY) return b;
  if (b === NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * The table log e_j(θ_1..θ_i) for i = 0..n, j = 0..k, row-major [(n + 1)·(k + 1)]; entry (n, k) is
 * the log-normalizer log Σ_{|S|=k} exp(Σ_{i∈S} θ_i). −Infinity where fewer than j items are unmasked.
 */
export function logElementarySymmetricTable(theta: ArrayLike<number>, k: number): Float64Array {
  const n = theta.length;
  const width = k + 1;
  const table = new Float64Array((n + 1) * width).fill(NEGATIVE_INFINITY);
  table[0] = 0;
  for (let i = 1; i <= n; i++) {
    const row = i * width;
    const previous = row - width;
    table[row] = 0;
    const top = Math.min(i, k);
    for (let j = 1; j <= top; j++) {
      table[row + j] = logAddExp(table[previous + j], theta[i - 1] + table[previous + j - 1]);
    }
  }
  return table;
}

/**
 * Reverse mode (and, with `direction`, forward-over-reverse) through the table: the marginals
 * μ_i = P(i ∈ S) = ∂ log e_k/∂θ_i, and, for a direction v, the product (∂μ/∂θ)·v = Cov(z)·v, the
 * Hessian of the log-normalizer times v (z the k-hot of S). Both in double precision, O(n·k).
 */
export function subsetMarginals(
  theta: ArrayLike<number>,
  k: number,
  table: Float64Array,
  direction?: ArrayLike<number>,
): { marginals: Float64Array; hessianVector?: Float64Array } {
  const n = theta.length;
  const width = k + 1;
  // Tangent of the table along `direction`: d log e_j(1..i).
  const tangent = direction ? new Float64Array((n + 1) * width) : undefined;
  if (tangent && direction) {
    for (let i = 1; i <= n; i++) {
      const row = i * width;
      const previous = row - width;
      for (let j = 1; j <= Math.min(i, k); j++) {
        const value = table[row + j];
        if (value === NEGATIVE_INFINITY) continue;
        const keep = Math.exp(table[previous + j] - value);
        const take = Math.exp(theta[i - 1] + table[previous + j - 1] - value);
        tangent[row + j] =
          (keep > 0 ? keep * tangent[previous + j] : 0) +
          (take > 0 ? take * (direction[i - 1] + tangent[previous + j - 1]) : 0);
      }
    }
  }
  const marginals = new Float64Array(n);
  const hessianVector = direction ? new Float64Array(n) : undefined;
  // adjoint[j] = ∂ log e_k/∂ log e_j(1..i) for the current i (a probability); adjointTangent its tangent.
  let adjoint = new Float64Array(width);
  let next = new Float64Array(width);
  let adjointTangent = new Float64Array(width);
  let nextTangent = new Float64Array(width);
  adjoint[k] = 1;
  for (let i = n; i >= 1; i--) {
    next.fill(0);
    nextTangent.fill(0);
    const row = i * width;
    const previous = row - width;
    for (let j = 0; j <= Math.min(i, k); j++) {
      const value = table[row + j];
      if (value === NEGATIVE_INFINITY || (adjoint[j] === 0 && adjointTangent[j] === 0)) continue;
      if (j === 0) {
        next[0] += adjoint[0];
        nextTangent[0] += adjointTangent[0];
        continue;
      }
      const keep = table[previous + j] === NEGATIVE_INFINITY ? 0 : Math.exp(table[previous + j] - value);
      const takeLog = theta[i - 1] + table[previous + j - 1];
      const take = takeLog === NEGATIVE_INFINITY ? 0 : Math.exp(takeLog - value);
      next[j] += adjoint[j] * keep;
      next[j - 1] += adjoint[j] * take;
      marginals[i - 1] += adjoint[j] * take;
      if (tangent && direction && hessianVector) {
        const dValue = tangent[row + j];
        const dKeep = keep > 0 ? keep * (tangent[previous + j] - dValue) : 0;
        const dTake = take > 0 ? take * (direction[i - 1] + tangent[previous + j - 1] - dValue) : 0;
        nextTangent[j] += adjointTangent[j] * keep + adjoint[j] * dKeep;
        const takeTangent = adjointTangent[j] * take + adjoint[j] * dTake;
        nextTangent[j - 1] += takeTangent;
        hessianVector[i - 1] += takeTangent;
      }
    }
    [adjoint, next] = [next, adjoint];
    [adjointTangent, nextTangent] = [nextTangent, adjointTangent];
  }
  return { marginals, hessianVector };
}

/**
 * An exact draw of a k-subset from p(S) ∝ exp(Σ_{i∈S} θ_i), written into `kHot` (0s and k 1s):
 * items are decided from the last to the first, item i taken with probability
 * exp(θ_i)·e_{r−1}(1..i−1)/e_r(1..i) given r still to take. `uniforms` holds n numbers in (0, 1).
 */
export function sampleSubset(
  theta: ArrayLike<number>,
  k: number,
  table: Float64Array,
  uniforms: ArrayLike<number>,
  kHot: { [index: number]: number },
): void {
  const width = k + 1;
  let remaining = k;
  for (let i = theta.length; i >= 1; i--) {
    kHot[i - 1] = 0;
    if (remaining === 0) continue;
    const row = i * width;
    const logTake = theta[i - 1] + table[row - width + remaining - 1] - table[row + remaining];
    if (logTake === NEGATIVE_INFINITY) continue;
    if (Math.log(uniforms[i - 1]) < logTake) {
      kHot[i - 1] = 1;
      remaining--;
    }
  }
}
