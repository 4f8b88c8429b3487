import { lgamma } from 'gumbel-softmax';

/** Pearson's goodness-of-fit test of observed counts against probabilities. */
export interface ChiSquareResult {
  statistic: number;
  /** Classes with probability > 0, less one. */
  degreesOfFreedom: number;
  /** P(χ² ≥ statistic) under the hypothesis that the counts come from the probabilities. */
  pValue: number;
  /** Draws that fell in a class of probability 0 (impossible under the hypothesis). */
  impossible: number;
}

/** Σ (observed − expected)² / expected over the classes of positive probability. */
export function chiSquareTest(counts: number[], probabilities: number[]): ChiSquareResult {
  const total = counts.reduce((sum, count) => sum + count, 0);
  let statistic = 0;
  let classes = 0;
  let impossible = 0;
  probabilities.forEach((p, k) => {
    if (p > 0) {
      const expected = total * p;
      statistic += (counts[k] - expected) ** 2 / expected;
      classes += 1;
    } else {
      impossible += counts[k];
    }
  });
  const degreesOfFreedom = Math.max(classes - 1, 0);
  const pValue = degreesOfFreedom === 0 ? 1 : upperRegularizedGamma(degreesOfFreedom / 2, statistic / 2);
  return { statistic, degreesOfFreedom, pValue, impossible };
}

/**
 * Q(a, x) = Γ(a, x)/Γ(a), the chi-square survival function at 2x with 2a degrees of freedom: the
 * series for x < a + 1, Lentz's continued fraction above (Numerical Recipes §6.2), to 1e−12.
 */
export function upperRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = -x + a * Math.log(x) - lgamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 500 && Math.abs(term) > Math.abs(sum) * 1e-12; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefix));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let fraction = d;
  for (let n = 1; n < 500; n++) {
    const an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < 1e-12) break;
  }
  return Math.exp(logPrefix) * fraction;
}
