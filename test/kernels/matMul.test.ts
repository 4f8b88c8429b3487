/**
 * The packed matMul kernel (src/kernels/matMul.ts) against a float64 product written here, on both
 * backends that have it: every combination of transposes, shapes that do and do not fill its 4×8
 * tiles, shared dimensions below, at and across its 256-row blocks, and the VAE's shapes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { packedMatMulOp } from '../../src/kernels/matMul.js';
import { fusedKernelsActive } from '../../src/kernels/register.js';

const startBackend = tf.getBackend();
afterAll(async () => {
  await tf.setBackend(startBackend);
});

/** C = op(A)·op(B) in float64, with the bound Σ|a||b| of each entry's rounding error. */
function reference(
  a: Float32Array,
  b: Float32Array,
  rows: number,
  shared: number,
  columns: number,
  transposeA: boolean,
  transposeB: boolean,
) {
  const value = new Float64Array(rows * columns);
  const magnitude = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < shared; p++) {
      const x = transposeA ? a[p * rows + i] : a[i * shared + p];
      for (let j = 0; j < columns; j++) {
        const y = transposeB ? b[j * shared + p] : b[p * columns + j];
        value[i * columns + j] += x * y;
        magnitude[i * columns + j] += Math.abs(x * y);
      }
    }
  }
  return { value, magnitude };
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 8],
  [13, 256, 9],
  [9, 257, 17],
  [100, 784, 512],
  [784, 100, 512],
  [100, 512, 784],
  [101, 600, 203],
];

describe.each(['wasm', 'cpu'])('packed matMul on %s', (backend) => {
  it('casts other dtypes to float32 first (a one-hot code times a kernel)', async () => {
    await tf.setBackend(backend);
    const code = tf.oneHot(tf.tensor1d([2, 0], 'int32'), 3);
    const kernel = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const product = packedMatMulOp(code, kernel);
    expect(Array.from(product.dataSync())).toEqual([5, 6, 1, 2]);
    tf.dispose([code, kernel, product]);
  });

  it.each(SHAPES)(
    '[%i × %i] · [· × %i], every combination of transposes, within float32 rounding',
    async (rows, shared, columns) => {
      await tf.setBackend(backend);
      expect(fusedKernelsActive()).toBe(true);
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const before = tf.memory().numTensors;
          const a = tf.randomNormal(
            transposeA ? [shared, rows] : [rows, shared],
            0,
            1,
            'float32',
            rows + shared,
          );
          const b = tf.randomNormal(
            transposeB ? [columns, shared] : [shared, columns],
            0,
            1,
            'float32',
            columns,
          );
          const product = packedMatMulOp(a, b, transposeA, transposeB);
          expect(product.shape).toEqual([rows, columns]);
          const ours = product.dataSync();
          const expected = reference(
            a.dataSync() as Float32Array,
            b.dataSync() as Float32Array,
            rows,
            shared,
            columns,
            transposeA,
            transposeB,
          );
          let worst = 0;
          for (let i = 0; i < ours.length; i++) {
            // Float32 summation error is at most shared·2⁻²⁴·Σ|a||b|; allow that bound.
            const bound = shared * 2 ** -24 * expected.magnitude[i] + 1e-30;
            worst = Math.max(worst, Math.abs(ours[i] - expected.value[i]) / bound);
          }
          expect(worst).toBeLessThan(1);
          tf.dispose([a, b, product]);
          expect(tf.memory().numTensors).toBe(before);
        }
      }
    },
  );
});
