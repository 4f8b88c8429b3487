/**
 * The wasm backend's Identity and Cast, replaced while the fused kernels are on: tf.clone, the
 * tensors a gradient saves and a same-dtype cast share the buffer (no copy) and stay valid after the
 * original is disposed; every buffer is freed when its last tensor goes; off, TF.js's copies again.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedKernelsActive, useFusedKernels } from '../../src/kernels/register.js';
import { tf } from '../../src/tf.js';

/** The wasm backend's byte offset of a tensor's data. */
function offsetOf(tensor: tf.Tensor): number {
  return (tf.backend() as unknown as { getMemoryOffset(dataId: object): number }).getMemoryOffset(
    tensor.dataId,
  );
}

describe('shared Identity on the wasm backend', () => {
  beforeAll(() => {
    expect(tf.getBackend()).toBe('wasm'); // test/setup.ts
    fusedKernelsActive(); // installs the shared Identity
  });

  it('clone shares the buffer, which outlives the original and is freed with the last tensor', () => {
    const before = tf.memory();
    const buffers = tf.backend().numDataIds();
    const original = tf.tensor([1, 2, 3]);
    const copy = tf.clone(original);
    expect(offsetOf(copy)).toBe(offsetOf(original));
    original.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    expect(tf.backend().numDataIds()).toBe(buffers);
  });

  it('gradients through ops that save tensors are unchanged and leak nothing', () => {
    const x = tf.tensor([0.5, -1, 2]);
    const before = tf.memory().numTensors;
    const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.exp(t), t));
    const shared = tf.grad(f)(x);
    useFusedKernels(false);
    const copied = tf.grad(f)(x);
    useFusedKernels(true);
    // d/dx (x eˣ) = (1 + x) eˣ
    const expected = [0.5, -1, 2].map((v) => (1 + v) * Math.exp(v));
    expect(Array.from(shared.dataSync())).toEqual(Array.from(copied.dataSync()));
    for (const [i, g] of Array.from(shared.dataSync()).entries()) expect(g).toBeCloseTo(expected[i], 5);
    tf.dispose([shared, copied]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('copies again with the fused kernels off', () => {
    useFusedKernels(false);
    const original = tf.tensor([4, 5]);
    const copy = tf.clone(original);
    expect(offsetOf(copy)).not.toBe(offsetOf(original));
    tf.dispose([original, copy]);
    useFusedKernels(true);
  });
});

describe('Cast on the wasm backend while the fused kernels are on', () => {
  it('a same-dtype Cast shares the buffer; a dtype change still converts', () => {
    fusedKernelsActive();
    const x = tf.tensor([1.5, -2]);
    const same = tf.cast(x, 'float32');
    expect(offsetOf(same)).toBe(offsetOf(x));
    const ints = tf.cast(x, 'int32');
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([1, -2]);
    tf.dispose([x, same, ints]);
  });
});

describe('the Sum gradient while the fused kernels are on', () => {
  it('makes its ones with Fill: the same gradient as TF.js’s, bit for bit, over some axes and all', () => {
    fusedKernelsActive();
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
    const weights = tf.tensor2d([0.5, -1, 2, 1e-8], [2, 2]);
    const partial = (t: tf.Tensor) => tf.sum(tf.mul(tf.sum(t, 1), weights));
    const total = (t: tf.Tensor) => tf.mul(tf.sum(t), 3);
    const before = tf.memory().numTensors;
    const filled = [tf.grad(partial)(x), tf.grad(total)(x)];
    useFusedKernels(false);
    const stock = [tf.grad(partial)(x), tf.grad(total)(x)];
    useFusedKernels(true);
    // d/dx[i, j, k] of the partial sum is weights[i, k] for every j; of 3·Σx it is 3
    expect(Array.from(filled[0].dataSync())).toEqual(
      [0.5, -1, 0.5, -1, 0.5, -1, 2, 1e-8, 2, 1e-8, 2, 1e-8].map(Math.fround),
    );
    expect(Array.from(filled[1].dataSync())).toEqual(new Array(12).fill(3));
    for (const [i, g] of filled.entries()) {
      expect(Array.from(g.dataSync())).toEqual(Array.from(stock[i].dataSync()));
    }
    tf.dispose([...filled, ...stock]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, weights]);
  });
});
