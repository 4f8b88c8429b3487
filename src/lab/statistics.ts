/**
 * Running statistics of gradient estimates against the exact gradient: bias of the mean, total
 * variance, cosine similarity. Plain numbers in double precision.
 */

/** What a set of estimates says about an estimator. */
export interface EstimateStatistics {
  /** M, how many estimates. */
  estimates: number;
  /** ‖mean ĝ − ∇‖, the bias as measured (it includes Monte-Carlo error of size `biasStandardError`). */
  bias: number;
  /**
   * √(variance / M): the root-mean-square distance of the mean of M draws of an unbiased estimator
   * from ∇. A measured bias near it is indistinguishable from zero.
   */
  biasStandardError: number;
  /** bias / ‖∇‖. */
  relativeBias: number;
  /** E‖ĝ − E ĝ‖², the trace of the covariance (unbiased estimate). */
  variance: number;
  /** Mean over estimates of cos(ĝ, ∇) (an estimate of 0 counts as cosine 0). */
  cosine: number;
}

/** Accumulates estimates one flat vector at a time. */
export class EstimateAccumulator {
  private readonly sums: Float64Array;
  private readonly squares: Float64Array;
  private readonly exactNorm: number;
  private count = 0;
  private cosineSum = 0;

  constructor(private readonly exact: ArrayLike<number>) {
    this.sums = new Float64Array(exact.length);
    this.squares = new Float64Array(exact.length);
    let norm = 0;
    for (let j = 0; j < exact.length; j++) norm += exact[j] ** 2;
    this.exactNorm = Math.sqrt(norm);
  }

  /** Adds the estimates held back to back in `values` (a multiple of the gradient's size). */
  add(values: ArrayLike<number>): void {
    const size = this.exact.length;
    for (let start = 0; start < values.length; start += size) {
      let dot = 0;
      let norm = 0;
      for (let j = 0; j < size; j++) {
        const value = values[start + j];
        this.sums[j] += value;
        this.squares[j] += value * value;
        dot += value * this.exact[j];
        norm += value * value;
      }
      this.cosineSum += norm > 0 && this.exactNorm > 0 ? dot / (Math.sqrt(norm) * this.exactNorm) : 0;
      this.count++;
    }
  }

  /** The statistics so far (needs at least two estimates). */
  result(): EstimateStatistics {
    const m = this.count;
    let biasSquared = 0;
    let variance = 0;
    for (let j = 0; j < this.exact.length; j++) {
      const mean = this.sums[j] / m;
      biasSquared += (mean - this.exact[j]) ** 2;
      variance += Math.max(0, this.squares[j] - m * mean * mean) / (m - 1);
    }
    const bias = Math.sqrt(biasSquared);
    return {
      estimates: m,
      bias,
      biasStandardError: Math.sqrt(variance / m),
      relativeBias: this.exactNorm > 0 ? bias / this.exactNorm : Number.NaN,
      variance,
      cosine: this.cosineSum / m,
    };
  }
}
