/**
 * The packed matMul's sparse path (src/kernels/matMul.ts): where A is mostly zeros (binary digit
 * images, ReLU outputs) and B is not transposed, op(A)·B sums B's rows at A's nonzeros. Checked
 * against a float64 product on both backends, at shapes that do and do not fill its 32-column
 * strips; which path runs is shown by a NaN in a row of B that only zeros of A meet (the sparse path
 * never reads it, the packed kernel multiplies it by 0).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { packedMatMulOp } from '../../src/kernels/matMul.js';
import { SPARSE_DENSITY, useSparseMatMul } from '../../src/kernels/sparseMatMul.js';
import { expectWithinSummationRounding, referenceProduct } from '../helpers/matMulReference.js';

const startBackend = tf.getBackend();
afterAll(async () => {
  useSparseMatMul(true);
  await tf.setBackend(startBackend);
});

/**
 * A [rows × shared] (stored transposed when asked) with about `density` of its entries nonzero,
 * values in ±[0.5, 1.5] (or exactly 1 when `binary`); column `emptyColumn` of op(A) all zeros.
 */
function sparseA(
  rows: number,
  shared: number,
  density: number,
  transposed: boolean,
  seed: number,
  options: { binary?: boolean; emptyColumn?: number } = {},
): tf.Tensor2D {
  return tf.tidy(() => {
    const shape: [number, number] = transposed ? [shared, rows] : [rows, shared];
    const kept = tf.cast(tf.less(tf.randomUniform(shape, 0, 1, 'float32', seed), density), 'float32');
    const magnitude = options.binary
      ? tf.onesLike(kept)
      : tf.randomUniform(shape, 0.5, 1.5, 'float32', seed + 1);
    const sign = tf.sign(tf.randomUniform(shape, -1, 1, 'float32', seed + 2));
    let a = tf.mul(kept, tf.mul(magnitude, options.binary ? tf.onesLike(sign) : sign));
    if (options.emptyColumn !== undefined) {
      const p = options.emptyColumn;
      const keep = tf.oneHot(tf.tensor1d([p], 'int32'), shared).reshape([1, shared]);
      const mask = tf.sub(1, transposed ? tf.transpose(keep) : keep);
      a = tf.mul(a, mask);
    }
    return a as tf.Tensor2D;
  });
}

/** `b` with its row `p` all NaN. */
function withNaNRow(b: tf.Tensor2D, p: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [rows, columns] = b.shape;
    const row = tf.cast(
      tf.tile(tf.reshape(tf.oneHot(tf.tensor1d([p], 'int32'), rows), [rows, 1]), [1, columns]),
      'bool',
    );
    return tf.where(row, tf.fill([rows, columns], Number.NaN), b);
  });
}

/** How many entries of `t` are NaN. */
function nanCount(t: tf.Tensor): number {
  return Array.from(t.dataSync()).filter(Number.isNaN).length;
}

/** The share of nonzeros in `a`. */
function densityOf(a: tf.Tensor): number {
  const values = a.dataSync();
  return Array.from(values).filter((v) => v !== 0).length / values.length;
}

// [rows, shared, columns]: one row or column, strips of 32 that fill and do not, the VAE's shapes
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [13, 40, 32],
  [9, 100, 33],
  [100, 784, 512],
  [784, 100, 512],
  [50, 512, 784],
  [37, 129, 203],
];

describe.each(['wasm', 'cpu'])('the sparse path on %s', (backend) => {
  it.each(SHAPES)(
    '[%i × %i] · [· × %i] within float32 rounding, A plain and transposed',
    async (rows, shared, columns) => {
      await tf.setBackend(backend);
      for (const transposeA of [false, true]) {
        for (const [density, binary] of [
          [0, false],
          [0.1, true],
          [0.3, false],
        ] as const) {
          const before = tf.memory().numTensors;
          const a = sparseA(rows, shared, density, transposeA, rows + shared + columns, { binary });
          const b = tf.randomNormal([shared, columns], 0, 1, 'float32', columns);
          const product = packedMatMulOp(a, b, transposeA, false);
          expect(product.shape).toEqual([rows, columns]);
          const expected = referenceProduct(
            a.dataSync(),
            b.dataSync(),
            rows,
            shared,
            columns,
            transposeA,
            false,
          );
          expectWithinSummationRounding(product.dataSync(), expected, shared);
          if (density === 0) expect(Array.from(product.dataSync()).every((v) => v === 0)).toBe(true);
          tf.dispose([a, b, product]);
          expect(tf.memory().numTensors).toBe(before);
        }
      }
    },
  );

  /** op(A)·B with B's row `p` all NaN, where op(A)'s column p is all zeros: how many NaNs come out. */
  const nansWithNaNRow = (density: number, transposeA: boolean, transposeB: boolean): number => {
    const [rows, shared, columns, p] = [20, 64, 40, 17];
    return tf.tidy(() => {
      const a = sparseA(rows, shared, density, transposeA, 5, { emptyColumn: p });
      const b = withNaNRow(tf.randomNormal([shared, columns], 0, 1, 'float32', 6), p);
      return nanCount(packedMatMulOp(a, transposeB ? tf.transpose(b) : b, transposeA, transposeB));
    });
  };

  it(`runs where A has at most ${SPARSE_DENSITY} nonzeros and B is not transposed, and only there`, async () => {
    await tf.setBackend(backend);
    // Sparse path: B's NaN row is never read.
    expect(nansWithNaNRow(0.3, false, false)).toBe(0);
    expect(nansWithNaNRow(0.3, true, false)).toBe(0);
    // The packed kernel multiplies the NaN row by A's zeros: every entry NaN.
    expect(nansWithNaNRow(0.3, false, true)).toBe(20 * 40); // B transposed
    expect(nansWithNaNRow(0.9, false, false)).toBe(20 * 40); // A too dense
    useSparseMatMul(false);
    try {
      expect(nansWithNaNRow(0.3, false, false)).toBe(20 * 40); // switched off
    } finally {
      useSparseMatMul(true);
    }
  });

  it('decides by the share of nonzeros, at the threshold and just above it', async () => {
    await tf.setBackend(backend);
    // 10 × 10 with exactly `count` nonzeros in the first `count` entries, column 9 kept empty
    const nans = (count: number) =>
      tf.tidy(() => {
        const values = new Float32Array(100);
        for (let i = 0, set = 0; set < count; i++) {
          if (i % 10 === 9) continue;
          values[i] = 1;
          set++;
        }
        const a = tf.tensor2d(values, [10, 10]);
        expect(densityOf(a)).toBe(count / 100);
        return nanCount(packedMatMulOp(a, withNaNRow(tf.ones([10, 4]), 9)));
      });
    expect(nans(Math.floor(SPARSE_DENSITY * 100))).toBe(0);
    expect(nans(Math.floor(SPARSE_DENSITY * 100) + 1)).toBe(40);
  });
});
