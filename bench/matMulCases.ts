/**
 * The dense layer's three products at the default VAE's first layer (batch 100, 784 → 512), timed
 * on the packed matMul kernel and on tf.matMul as the dense layer calls it without the kernel
 * (explicit transposes): milliseconds and GFLOP/s.
 */
import { packedMatMulOp } from '../src/kernels/matMul.js';
import { tf } from '../src/tf.js';
import { type Timing, timed } from './timing.js';

/** One product: its name, C = op(A)·op(B) sizes and transposes. */
interface ProductCase {
  name: string;
  rows: number;
  shared: number;
  columns: number;
  transposeA: boolean;
  transposeB: boolean;
}

const PRODUCTS: ProductCase[] = [
  { name: 'x·W (forward)', rows: 100, shared: 784, columns: 512, transposeA: false, transposeB: false },
  {
    name: 'xᵀ·dy (kernel gradient)',
    rows: 784,
    shared: 100,
    columns: 512,
    transposeA: true,
    transposeB: false,
  },
  {
    name: 'dy·Wᵀ (input gradient)',
    rows: 100,
    shared: 512,
    columns: 784,
    transposeA: false,
    transposeB: true,
  },
];

/** Timings of each product, packed and with tf.matMul, and GFLOP/s of the medians. */
export function matMulCases(repeats: number): {
  name: string;
  packed: Timing;
  tfMatMul: Timing;
  packedGflops: number;
  tfGflops: number;
}[] {
  return PRODUCTS.map(({ name, rows, shared, columns, transposeA, transposeB }) => {
    const a = tf.randomNormal(transposeA ? [shared, rows] : [rows, shared], 0, 1, 'float32', 1);
    const b = tf.randomNormal(transposeB ? [columns, shared] : [shared, columns], 0, 1, 'float32', 2);
    const run = (product: () => tf.Tensor) => () => {
      const c = tf.tidy(product);
      c.dataSync();
      c.dispose();
    };
    const packed = timed(
      run(() => packedMatMulOp(a, b, transposeA, transposeB)),
      repeats,
    );
    const tfMatMul = timed(
      run(() => tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b)),
      repeats,
    );
    tf.dispose([a, b]);
    const gflops = (t: Timing) => (2 * rows * shared * columns) / (t.median * 1e6);
    return { name, packed, tfMatMul, packedGflops: gflops(packed), tfGflops: gflops(tfMatMul) };
  });
}
