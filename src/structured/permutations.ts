import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, type TensorInput } from '../validate.js';

/**
 * Converts and checks permutations: an int32 tensor (or integer array) [..., n] whose every last-axis
 * slice holds each of 0 … n−1 exactly once. Returns the tensor and its values; call it inside `tf.tidy`
 * (an array input becomes a new tensor).
 */
export function preparePermutations(
  indices: TensorInput,
  name = 'indices',
): { indices: Tensor; values: Int32Array; n: number } {
  let tensor: Tensor;
  if (indices instanceof tf.Tensor) {
    if (indices.dtype !== 'int32')
      throw new ArgumentError(name, `must be an int32 tensor, got dtype ${indices.dtype}`);
    tensor = indices;
  } else {
    const values = tf.tensor(indices as never);
    if (values.dtype === 'string' || !Array.from(values.dataSync()).every(Number.isInteger)) {
      values.dispose();
      throw new ArgumentError(name, 'must hold integers');
    }
    tensor = tf.cast(values, 'int32');
  }
  if (tensor.rank < 1 || tensor.shape[tensor.rank - 1] < 1) {
    throw new ArgumentError(
      name,
      `must have rank >= 1 and a last axis of size >= 1, got shape [${tensor.shape}]`,
    );
  }
  const n = tensor.shape[tensor.rank - 1];
  const values = tensor.dataSync() as Int32Array;
  const seen = new Uint8Array(n);
  for (let start = 0; start < values.length; start += n) {
    seen.fill(0);
    for (let i = 0; i < n; i++) {
      const index = values[start + i];
      if (index < 0 || index >= n || seen[index]) {
        throw new ArgumentError(
          name,
          `must be permutations of 0 … ${n - 1} along its last axis, got ${index} at flat index ${start + i}`,
        );
      }
      seen[index] = 1;
    }
  }
  return { indices: tensor, values, n };
}

/**
 * The 0/1 permutation matrices of permutations: P[..., i, indices[..., i]] = 1, all else 0, so that
 * `P · values` = {@link applyPermutation}(values, indices).
 *
 * @param indices - int32 [..., n], each last-axis slice a permutation of 0 … n−1 (as {@link matching} returns).
 * @returns float32 [..., n, n].
 */
export function permutationMatrix(indices: TensorInput): Tensor {
  return tf.tidy(() => {
    const prepared = preparePermutations(indices);
    return tf.cast(tf.oneHot(prepared.indices, prepared.n), 'float32');
  });
}

/**
 * Reorders `values` by permutations: result[..., i, …] = values[..., indices[..., i], …], the same as
 * multiplying by {@link permutationMatrix}(indices). Differentiable in `values`.
 *
 * @param values - [..., n, ...features]: the leading axes of `indices`, then the permuted axis.
 * @param indices - int32 [..., n], each last-axis slice a permutation of 0 … n−1.
 * @example
 * ```ts
 * applyPermutation(tf.tensor([10, 20, 30]), [2, 0, 1]).print(); // [30, 10, 20]
 * ```
 */
export function applyPermutation(values: TensorInput, indices: TensorInput): Tensor {
  return tf.tidy(() => {
    const prepared = preparePermutations(indices);
    const tensor = values instanceof tf.Tensor ? values : tf.tensor(values as never);
    const axis = prepared.indices.rank - 1;
    const leading = prepared.indices.shape;
    if (tensor.rank <= axis || leading.some((size, i) => tensor.shape[i] !== size)) {
      throw new ArgumentError(
        'values',
        `must start with the shape of indices [${leading}] (then any feature axes), got [${tensor.shape}]`,
      );
    }
    // Gather rows of the flattened [count·n, ...features] values by flat indices; the gradient
    // gathers dy by the inverse permutation (tf.gather's own gradient needs UnsortedSegmentSum,
    // which the wasm backend lacks, and its batchDims form was measured wrong there).
    const { values: order, n } = prepared;
    const forward = new Int32Array(order.length);
    const backward = new Int32Array(order.length);
    for (let start = 0; start < order.length; start += n) {
      for (let i = 0; i < n; i++) {
        forward[start + i] = start + order[start + i];
        backward[start + order[start + i]] = start + i;
      }
    }
    const rows = [order.length, ...tensor.shape.slice(axis + 1)];
    const permute = tf.customGrad((input) => {
      const flat = tf.reshape(input as Tensor, rows);
      return {
        value: tf.reshape(tf.gather(flat, tf.tensor1d(forward, 'int32')), tensor.shape),
        gradFunc: (dy: Tensor) =>
          tf.reshape(tf.gather(tf.reshape(dy, rows), tf.tensor1d(backward, 'int32')), tensor.shape),
      };
    });
    return permute(tensor);
  });
}

/**
 * The inverse permutations: inverse[..., indices[..., i]] = i, so applying `indices` then the
 * inverse gives back the original order.
 *
 * @param indices - int32 [..., n], each last-axis slice a permutation of 0 … n−1.
 * @returns int32 [..., n].
 */
export function invertPermutation(indices: TensorInput): Tensor {
  return tf.tidy(() => {
    const { indices: tensor, values, n } = preparePermutations(indices);
    const inverse = new Int32Array(values.length);
    for (let start = 0; start < values.length; start += n) {
      for (let i = 0; i < n; i++) inverse[start + values[start + i]] = i;
    }
    return tf.tensor(inverse, tensor.shape, 'int32');
  });
}
