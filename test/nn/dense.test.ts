/**
 * The dense layer's hand-written gradient against TF.js's own autodiff of relu(x·W + b) and
 * x·W + b: same value, same gradients w.r.t. input, kernel and bias (float32 rounding apart), on
 * the fused kernels (the default on cpu/wasm) and composed around tf.matMul (packed matMul off, as
 * on WebGL/WebGPU/tfjs-node).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fusedDenseActive } from '../../src/kernels/denseKernels.js';
import { usePackedMatMul } from '../../src/kernels/matMul.js';
import { dense } from '../../src/nn/dense.js';
import { tf } from '../../src/tf.js';

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

afterEach(() => usePackedMatMul(true));

describe('dense', () => {
  for (const fused of [true, false]) {
    for (const activation of ['relu', 'linear'] as const) {
      it(`matches autodiff of the plain ops (${activation}, ${fused ? 'fused kernels' : 'composed'})`, () => {
        usePackedMatMul(fused);
        expect(fusedDenseActive()).toBe(fused);
        const before = tf.memory().numTensors;
        tf.tidy(() => {
          const x = tf.randomNormal([7, 5], 0, 1, 'float32', 1);
          const w = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
          const b = tf.randomNormal([3], 0, 1, 'float32', 3);
          const weights = tf.randomNormal([7, 3], 0, 1, 'float32', 4);
          const plain = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => {
            const linear = tf.add(tf.matMul(xi, wi), bi);
            return activation === 'relu' ? tf.relu(linear) : linear;
          };
          const loss =
            (layer: typeof plain) =>
            (...args: tf.Tensor[]) =>
              tf.sum(tf.mul(layer(args[0], args[1], args[2]), weights));
          const ours = tf.grads(loss((xi, wi, bi) => dense(xi, wi, bi, activation)))([x, w, b]);
          const reference = tf.grads(loss(plain))([x, w, b]);
          expect(maxAbsDifference(dense(x, w, b, activation), plain(x, w, b))).toBeLessThan(1e-5);
          for (const [i, g] of ours.entries()) expect(maxAbsDifference(g, reference[i])).toBeLessThan(1e-5);
        });
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it('gives zeros for the input when asked not to compute its gradient', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([4, 3], 0, 1, 'float32', 5);
      const w = tf.randomNormal([3, 2], 0, 1, 'float32', 6);
      const b = tf.zeros([2]);
      const [dx] = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
        tf.sum(dense(xi, wi, bi, 'linear', false)),
      )([x, w, b]);
      expect(Array.from(dx.dataSync())).toEqual(new Array(12).fill(0));
    });
  });
});
