import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, type TensorInput } from '../validate.js';
import { checkScoreValues, prepareScores } from './scoreMatrix.js';

/**
 * The maximum-score assignment of one n×n matrix by the Hungarian algorithm (Kuhn 1955; the
 * O(n³) shortest-augmenting-path form with row and column potentials), in float64 plain JS.
 *
 * @param scores - n·n numbers, row-major: `scores[offset + i·n + j]` is the score of row i taking
 *   column j; −Infinity forbids that pair. NaN and +Infinity are not allowed (not checked here).
 * @param n - the side of the matrix, >= 1.
 * @param offset - where the matrix starts in `scores` (default 0).
 * @returns `assignment[i]` = the column given to row i: a permutation maximising Σᵢ scores[i, assignment[i]].
 *   Ties go to one of the best permutations.
 * @throws {@link ArgumentError} when no permutation uses finite scores only.
 */
export function hungarian(scores: ArrayLike<number>, n: number, offset = 0): Int32Array {
  // Minimise the cost −score. Indices are 1-based; row 0 and column 0 are the algorithm's sentinels.
  const rowPotential = new Float64Array(n + 1);
  const columnPotential = new Float64Array(n + 1);
  const rowOfColumn = new Int32Array(n + 1);
  const previousColumn = new Int32Array(n + 1);
  const slack = new Float64Array(n + 1);
  const visited = new Uint8Array(n + 1);
  for (let row = 1; row <= n; row++) {
    rowOfColumn[0] = row;
    let column = 0;
    slack.fill(Number.POSITIVE_INFINITY);
    visited.fill(0);
    do {
      visited[column] = 1;
      const currentRow = rowOfColumn[column];
      const base = offset + (currentRow - 1) * n - 1;
      let delta = Number.POSITIVE_INFINITY;
      let nextColumn = -1;
      for (let j = 1; j <= n; j++) {
        if (visited[j]) continue;
        const reduced = -scores[base + j] - rowPotential[currentRow] - columnPotential[j];
        if (reduced < slack[j]) {
          slack[j] = reduced;
          previousColumn[j] = column;
        }
        if (slack[j] < delta) {
          delta = slack[j];
          nextColumn = j;
        }
      }
      if (nextColumn < 0) {
        throw new ArgumentError(
          'logScores',
          'admits no permutation with finite scores only (the −Infinity entries forbid every assignment)',
        );
      }
      for (let j = 0; j <= n; j++) {
        if (visited[j]) {
          rowPotential[rowOfColumn[j]] += delta;
          columnPotential[j] -= delta;
        } else {
          slack[j] -= delta;
        }
      }
      column = nextColumn;
    } while (rowOfColumn[column] !== 0);
    while (column !== 0) {
      const previous = previousColumn[column];
      rowOfColumn[column] = rowOfColumn[previous];
      column = previous;
    }
  }
  const assignment = new Int32Array(n);
  for (let column = 1; column <= n; column++) assignment[rowOfColumn[column] - 1] = column - 1;
  return assignment;
}

/**
 * The exact best permutation of each score matrix: argmax over permutations σ of Σᵢ logScores[i, σ(i)]
 * (the maximum-weight matching M(X) of Mena et al. 2018), by {@link hungarian} on each matrix, O(n³).
 * It is the τ → 0 limit of `sinkhorn(logScores / τ)`, and the same for the scores and for their
 * Sinkhorn normalisation (row and column shifts add one constant to every permutation's score).
 * Not differentiable; reads the scores.
 *
 * @param logScores - float32 [..., n, n]; −Infinity forbids an assignment.
 * @returns int32 [..., n]: entry i is the column matched to row i. {@link permutationMatrix} turns it
 *   into the 0/1 matrix.
 * @throws {@link ArgumentError} for non-square scores, NaN or +Infinity, or a matrix whose finite
 *   entries admit no permutation.
 * @example
 * ```ts
 * matching(tf.tensor([[1, 5], [2, 3]])).print(); // [1, 0]: 5 + 2 beats 1 + 3
 * ```
 */
export function matching(logScores: TensorInput): Tensor {
  return tf.tidy(() => {
    const { scores, n, count } = prepareScores(logScores, 'logScores', false);
    const values = scores.dataSync();
    checkScoreValues(values, n, count, 'logScores');
    const assignments = new Int32Array(count * n);
    for (let m = 0; m < count; m++) assignments.set(hungarian(values, n, m * n * n), m * n);
    return tf.tensor(assignments, scores.shape.slice(0, -1), 'int32');
  });
}
