/**
 * The two-sample Kolmogorov–Smirnov test, written here independently of the library.
 */

/** Q_KS(λ) = 2 Σ_{k≥1} (−1)^(k−1) e^(−2k²λ²), the limiting tail probability of √n·D. */
function kolmogorovTail(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * D = sup |F_a − F_b| of two samples and its asymptotic p-value (Numerical Recipes' effective-size
 * correction λ = (√n + 0.12 + 0.11/√n)·D, n = n_a·n_b/(n_a + n_b)).
 */
export function twoSampleKolmogorovSmirnov(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { statistic: number; pValue: number } {
  const sortedA = Float64Array.from(a).sort();
  const sortedB = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let statistic = 0;
  while (i < sortedA.length && j < sortedB.length) {
    const value = Math.min(sortedA[i], sortedB[j]);
    while (i < sortedA.length && sortedA[i] === value) i++;
    while (j < sortedB.length && sortedB[j] === value) j++;
    statistic = Math.max(statistic, Math.abs(i / sortedA.length - j / sortedB.length));
  }
  const effective = Math.sqrt((sortedA.length * sortedB.length) / (sortedA.length + sortedB.length));
  return { statistic, pValue: kolmogorovTail((effective + 0.12 + 0.11 / effective) * statistic) };
}
