import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, type TensorInput } from '../validate.js';

function toValues(input: TensorInput, name: string): { values: Float64Array; shape: number[] } {
  const tensor = input instanceof tf.Tensor ? input : tf.tensor(input as never);
  try {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
      throw new ArgumentError(name, `must be numeric (float32 or int32), got dtype ${tensor.dtype}`);
    }
    const values = Float64Array.from(tensor.dataSync() as Float32Array | Int32Array);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ArgumentError(name, `must be finite, got ${values[bad]} at flat index ${bad}`);
    return { values, shape: tensor.shape };
  } finally {
    if (tensor !== input) tensor.dispose();
  }
}

/**
 * Kendall's rank correlation between two orderings of the same n items, for every last-axis slice:
 * τ_b = (C − D) / √((P − Tₐ)(P − T_b)), with C and D the concordant and discordant pairs among the
 * P = n(n−1)/2 pairs and Tₐ, T_b the pairs tied in `a` and in `b` (Kendall 1945). Without ties it is
 * τ = 1 − 4·(pairs in opposite order)/(n(n−1)): 1 for the same order, −1 for the reverse. Exact, by
 * counting all pairs (O(n²)); not differentiable.
 *
 * @param a - [..., n]: ranks, positions, permutations or any scores (only their order matters).
 * @param b - the same shape as `a`.
 * @returns float32 [...]: one τ per slice.
 * @throws {@link ArgumentError} for different shapes, n < 2, NaN or ±Infinity, or a slice whose values are all tied
 *   (τ is undefined there).
 * @example
 * ```ts
 * kendallTau([0, 1, 2, 3], [0, 2, 1, 3]).print(); // 1 − 4·1/12 = 0.667
 * ```
 */
export function kendallTau(a: TensorInput, b: TensorInput): Tensor {
  const first = toValues(a, 'a');
  const second = toValues(b, 'b');
  const { shape } = first;
  if (shape.length < 1 || !tf.util.arraysEqual(shape, second.shape)) {
    throw new ArgumentError('b', `must have the shape of a [${shape}] (rank >= 1), got [${second.shape}]`);
  }
  const n = shape[shape.length - 1];
  if (n < 2) throw new ArgumentError('a', `must have at least 2 items on its last axis, got ${n}`);
  const taus = new Float32Array(first.values.length / n);
  const pairs = (n * (n - 1)) / 2;
  for (let slice = 0; slice < taus.length; slice++) {
    const start = slice * n;
    let balance = 0;
    let tiedA = 0;
    let tiedB = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const signA = Math.sign(first.values[start + j] - first.values[start + i]);
        const signB = Math.sign(second.values[start + j] - second.values[start + i]);
        if (signA === 0) tiedA++;
        if (signB === 0) tiedB++;
        balance += signA * signB;
      }
    }
    if (tiedA === pairs || tiedB === pairs) {
      throw new ArgumentError(
        tiedA === pairs ? 'a' : 'b',
        `has a slice (${slice}) whose values are all equal: τ is undefined`,
      );
    }
    taus[slice] = balance / Math.sqrt((pairs - tiedA) * (pairs - tiedB));
  }
  return tf.tensor(taus, shape.slice(0, -1), 'float32');
}
