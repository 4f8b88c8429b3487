import type { Tensor } from '../tf.js';
import { ArgumentError, type TensorInput, toFloatTensor } from '../validate.js';

/** A checked batch of square score matrices [..., n, n]. */
export interface ScoreMatrices {
  /** The scores as a float32 tensor (the input itself when it was one). */
  scores: Tensor;
  /** The side n of each matrix. */
  n: number;
  /** How many n×n matrices the leading axes hold. */
  count: number;
}

function describe(value: number): string {
  return Number.isNaN(value) ? 'NaN' : String(value);
}

/**
 * Converts and checks log-scores of shape [..., n, n]: square, n ≥ 1, no NaN or +Infinity
 * (−Infinity forbids an assignment), and — unless `checkValues` is false — at least one finite entry
 * in every row and every column (else no doubly-stochastic matrix has that support). Reads the
 * values once when checking them.
 */
export function prepareScores(logScores: TensorInput, name = 'logScores', checkValues = true): ScoreMatrices {
  const scores = toFloatTensor(logScores, name);
  if (scores.rank < 2) {
    throw new ArgumentError(
      name,
      `must have rank >= 2 ([..., n, n] square matrices), got shape [${scores.shape}]`,
    );
  }
  const n = scores.shape[scores.rank - 1];
  if (scores.shape[scores.rank - 2] !== n || n < 1) {
    throw new ArgumentError(
      name,
      `must hold square n×n matrices with n >= 1 in its last two axes, got shape [${scores.shape}]`,
    );
  }
  const count = scores.size / (n * n);
  if (checkValues) checkScoreValues(scores.dataSync(), n, count, name);
  return { scores, n, count };
}

/** Checks score values: no NaN or +Infinity; every row and column of every matrix has a finite entry. */
export function checkScoreValues(values: ArrayLike<number>, n: number, count: number, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) {
      throw new ArgumentError(
        name,
        `must not contain NaN or +Infinity (−Infinity forbids an assignment), got ${describe(v)} at flat index ${i}`,
      );
    }
  }
  const columnOpen = new Uint8Array(n);
  for (let m = 0; m < count; m++) {
    columnOpen.fill(0);
    for (let row = 0; row < n; row++) {
      let rowOpen = false;
      for (let column = 0; column < n; column++) {
        if (values[m * n * n + row * n + column] !== Number.NEGATIVE_INFINITY) {
          rowOpen = true;
          columnOpen[column] = 1;
        }
      }
      if (!rowOpen)
        throw new ArgumentError(name, `has a row where every entry is −Infinity (matrix ${m}, row ${row})`);
    }
    const closed = columnOpen.indexOf(0);
    if (closed >= 0) {
      throw new ArgumentError(
        name,
        `has a column where every entry is −Infinity (matrix ${m}, column ${closed})`,
      );
    }
  }
}

/** Checks an iteration count is an integer >= 1. */
export function checkIterations(iterations: number, name = 'iterations'): void {
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new ArgumentError(name, `must be an integer >= 1, got ${describe(iterations)}`);
  }
}
