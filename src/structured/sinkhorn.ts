import {
  fusedIterationsToTolerance,
  fusedLogSinkhorn,
  fusedLogSinkhornApplies,
} from '../kernels/sinkhornKernels.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { checkPositiveNumber, type TensorInput } from '../validate.js';
import { checkIterations, prepareScores } from './scoreMatrix.js';

/** Options of {@link sinkhorn} and {@link logSinkhorn}. */
export interface SinkhornOptions {
  /** Most row-then-column normalisations to run, an integer >= 1 (default 20). */
  iterations?: number;
  /**
   * Stop early once every row sum is within `tolerance` of 1 (the columns sum to 1 after every
   * iteration). Checked after each iteration by reading one number: the iteration count is decided
   * outside the gradient, and the gradient is that of the iterations actually run. Default: none,
   * run all `iterations`.
   */
  tolerance?: number;
  /**
   * Check the scores for NaN, +Infinity and all-(−Infinity) rows or columns first (default true).
   * Reads the scores once; turn it off in a hot loop once the inputs are known to be good.
   */
  validateArgs?: boolean;
}

/** The default number of Sinkhorn iterations. */
export const DEFAULT_SINKHORN_ITERATIONS = 20;

/**
 * The logarithm of {@link sinkhorn}: alternately subtracts each row's and each column's logSumExp
 * from log-scores [..., n, n], all in log space (nothing overflows at any temperature). After the
 * last iteration every column sums to exactly 1 (up to rounding) and the rows approach 1.
 * −Infinity entries stay −Infinity (a forbidden assignment keeps probability 0). On cpu and wasm
 * (fused kernels on, n ≥ 4) the whole loop and its gradient run as one kernel call
 * each (src/kernels/sinkhornKernels.ts); elsewhere composed from TF.js ops, equal up to rounding.
 *
 * @param logScores - float32 [..., n, n]; every row and column needs a finite entry.
 * @returns float32 of the same shape: log of a (nearly) doubly-stochastic matrix.
 * @throws {@link ArgumentError} for non-square scores, NaN or +Infinity, an all-(−Infinity) row or
 *   column, iterations < 1 or not an integer, tolerance ≤ 0.
 */
export function logSinkhorn(logScores: TensorInput, options: SinkhornOptions = {}): Tensor {
  const iterations = options.iterations ?? DEFAULT_SINKHORN_ITERATIONS;
  checkIterations(iterations);
  if (options.tolerance !== undefined) checkPositiveNumber(options.tolerance, 'tolerance');
  return tf.tidy(() => {
    const { scores } = prepareScores(logScores, 'logScores', options.validateArgs !== false);
    if (fusedLogSinkhornApplies(scores.shape)) {
      const { tolerance } = options;
      const run =
        tolerance === undefined ? iterations : fusedIterationsToTolerance(scores, iterations, tolerance);
      return fusedLogSinkhorn(scores, run);
    }
    const rowAxis = scores.rank - 1;
    const columnAxis = scores.rank - 2;
    let normalized = scores;
    for (let iteration = 0; iteration < iterations; iteration++) {
      normalized = logNormalize(logNormalize(normalized, rowAxis), columnAxis);
      if (options.tolerance !== undefined && rowDeviation(normalized, rowAxis) < options.tolerance) break;
    }
    return normalized;
  });
}

/**
 * One half-iteration: y = x − logSumExp(x) along `axis` (max subtracted first), with its gradient
 * written out, ∂L/∂x = ḡ − softmax(x)·Σ ḡ along `axis`. The softmax is e/s with e = exp(x − max) and
 * s = Σ e kept from the forward pass, so the backward pass multiplies e by the small tensor (Σ ḡ)/s
 * instead of computing exp(y) again (e is 0 at −Infinity, so masks give no NaN). Autodiff through
 * max/exp/sum/log was measured 2.4× slower on wasm ([10, 5, 60, 60], 10 iterations: 424 → 175 ms);
 * keeping e instead of recomputing exp(y) made a [10, 5, 80, 80] forward + backward 1.12–1.21× faster
 * (wasm, two runs on a heavily shared machine, old and new interleaved in one process).
 */
function logNormalize(x: Tensor, axis: number): Tensor {
  const normalize = tf.customGrad((input, save) => {
    const { output, exponentials, sums } = tf.tidy(() => {
      const shifted = tf.sub(input as Tensor, tf.max(input as Tensor, axis, true));
      const exponentials = tf.exp(shifted);
      const sums = tf.sum(exponentials, axis, true);
      return { output: tf.sub(shifted, tf.log(sums)), exponentials, sums };
    });
    (save as tf.GradSaveFunc)([exponentials, sums]);
    return {
      value: output,
      gradFunc: (dy: Tensor, [savedExponentials, savedSums]: Tensor[]) =>
        tf.tidy(() => tf.sub(dy, tf.mul(savedExponentials, tf.div(tf.sum(dy, axis, true), savedSums)))),
    };
  });
  return normalize(x);
}

/** max |Σ_j exp(logMatrix)_ij − 1| over every row of every matrix; one read. */
function rowDeviation(logMatrix: Tensor, rowAxis: number): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(tf.exp(tf.logSumExp(logMatrix, rowAxis)), 1))).dataSync()[0]);
}

/**
 * The Sinkhorn operator S(X) (Sinkhorn 1964; Adams & Zemel 2011; Mena et al. 2018): normalises
 * exp(logScores) alternately by rows and columns, computed in log space ({@link logSinkhorn}) and
 * exponentiated once at the end. S(X/τ) tends to the best permutation matrix (see
 * `matching`) as τ → 0. Differentiable; batched over leading axes.
 *
 * @param logScores - float32 [..., n, n]; −Infinity forbids an assignment (its entry stays exactly 0).
 *   When the finite entries admit no permutation at all, the iterations do not converge.
 * @returns float32 of the same shape: a (nearly) doubly-stochastic matrix, columns summing to 1,
 *   rows to 1 within `tolerance` (or as close as `iterations` got).
 * @example
 * ```ts
 * const doublyStochastic = sinkhorn(tf.tensor([[2, 0], [1, 1]]), { iterations: 30 });
 * ```
 */
export function sinkhorn(logScores: TensorInput, options: SinkhornOptions = {}): Tensor {
  return tf.tidy(() => tf.exp(logSinkhorn(logScores, options)));
}
