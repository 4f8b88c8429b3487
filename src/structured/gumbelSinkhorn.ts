import { straightThrough } from '../ops/straightThrough.js';
import type { Seed } from '../random/generator.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, checkPositiveNumber, type TensorInput } from '../validate.js';
import { matching } from './matching.js';
import { permutationMatrix } from './permutations.js';
import { checkIterations, prepareScores } from './scoreMatrix.js';
import { DEFAULT_SINKHORN_ITERATIONS, type SinkhornOptions, sinkhorn } from './sinkhorn.js';

/** Options of {@link gumbelSinkhorn} and {@link gumbelSinkhornSample}. */
export interface GumbelSinkhornOptions extends SinkhornOptions {
  /** τ > 0 (default 1): small τ gives soft permutations close to permutation matrices. */
  temperature?: number;
  /** Integer seed or generator; without one, each call draws fresh noise. */
  seed?: Seed;
  /**
   * Draws per input matrix. When given (even 1), a samples axis is inserted before the last two:
   * [..., n, n] scores give [..., samples, n, n]. Without it, one draw of the scores' shape.
   */
  samples?: number;
  /**
   * Standard Gumbel noise of the output's shape to use instead of drawing it (then `seed` is
   * ignored): common random numbers across calls.
   */
  noise?: Tensor;
}

/** The three views of one Gumbel-Sinkhorn draw, returned by {@link gumbelSinkhornSample}. */
export interface GumbelSinkhornSample {
  /** The soft permutation sinkhorn((logScores + g)/τ); differentiable. */
  soft: Tensor;
  /** The exact permutation matrix of `indices` forward, the gradient of `soft` backward (straight-through). */
  hard: Tensor;
  /** int32 [..., n]: the best permutation of the perturbed scores logScores + g (row i → column). */
  indices: Tensor;
}

/**
 * Draws once from the Gumbel-Sinkhorn distribution and returns the soft permutation, its
 * straight-through permutation matrix and the permutation's indices, all from the same noise.
 * `indices` is the Gumbel-matching M(X + g) (the exact best permutation of the perturbed scores, found
 * by `matching`), which is also the τ → 0 limit of `soft`.
 *
 * @param logScores - float32 [..., n, n]: the score of row i taking column j; −Infinity forbids it.
 * @throws {@link ArgumentError} for non-square scores, NaN or +Infinity, an all-(−Infinity) row or
 *   column, τ ≤ 0, iterations < 1, samples < 1, noise of the wrong shape.
 */
export function gumbelSinkhornSample(
  logScores: TensorInput,
  options: GumbelSinkhornOptions = {},
): GumbelSinkhornSample {
  return draw(logScores, options, true) as GumbelSinkhornSample;
}

/**
 * The Gumbel-Sinkhorn relaxation of a random permutation (Mena et al. 2018): sinkhorn((X + g)/τ)
 * with g i.i.d. standard Gumbel noise, a doubly-stochastic matrix that tends to the permutation
 * matrix of M(X + g) as τ → 0, as the Gumbel-softmax tends to a one-hot. With `hard: true` the
 * forward value is that exact permutation matrix and the backward pass uses the soft matrix's
 * gradient (straight-through).
 *
 * @param logScores - float32 [..., n, n]: the score of row i taking column j; −Infinity forbids it.
 * @returns float32 [..., n, n], or [..., samples, n, n] when `samples` is given.
 * @throws {@link ArgumentError} as {@link gumbelSinkhornSample}.
 * @example
 * ```ts
 * const soft = gumbelSinkhorn(tf.randomNormal([8, 5, 5]), { temperature: 0.3, iterations: 20, seed: 1 });
 * ```
 */
export function gumbelSinkhorn(
  logScores: TensorInput,
  options: GumbelSinkhornOptions & { hard?: boolean } = {},
): Tensor {
  return tf.tidy(() => {
    const sample = draw(logScores, options, options.hard === true);
    return (options.hard ? sample.hard : sample.soft) as Tensor;
  });
}

function draw(
  logScores: TensorInput,
  options: GumbelSinkhornOptions,
  withHard: boolean,
): { soft: Tensor; hard?: Tensor; indices?: Tensor } {
  const temperature = options.temperature ?? 1;
  checkPositiveNumber(temperature, 'temperature');
  checkIterations(options.iterations ?? DEFAULT_SINKHORN_ITERATIONS);
  if (options.samples !== undefined) checkIterations(options.samples, 'samples');
  return tf.tidy(() => {
    const { scores } = prepareScores(logScores, 'logScores', options.validateArgs !== false);
    const tiled = options.samples === undefined ? scores : tf.expandDims(scores, scores.rank - 2);
    const shape = [...tiled.shape];
    if (options.samples !== undefined) shape[shape.length - 3] = options.samples;
    if (options.noise && !tf.util.arraysEqual(options.noise.shape, shape)) {
      throw new ArgumentError(
        'noise',
        `must have the output's shape [${shape}], got [${options.noise.shape}]`,
      );
    }
    const perturbed = tf.add(tiled, options.noise ?? gumbelNoise(shape, options.seed));
    const soft = sinkhorn(tf.div(perturbed, temperature), {
      iterations: options.iterations,
      tolerance: options.tolerance,
      validateArgs: false,
    });
    if (!withHard) return { soft };
    const indices = matching(perturbed);
    return { soft, hard: straightThrough(permutationMatrix(indices), soft), indices };
  });
}
