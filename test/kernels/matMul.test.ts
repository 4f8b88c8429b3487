/**
 * The packed matMul kernel (src/kernels/matMul.ts) against a float64 product written here, on both
 * backends that have it and with both micro-kernels (mul+add, and relaxed-SIMD FMA, switched on
 * here as `gumbel-softmax/node` users do): every combination of transposes, shapes that do and do
 * not fill its 4×8 tiles, shared dimensions below, at and across its 256-row blocks, and the VAE's
 * shapes; then tf.matMul at the VAE's shapes, and which micro-kernel runs when.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { tf } from '../../src/index.js';
import { fmaMatMulActive, packedMatMulOp, useFmaMatMul } from '../../src/kernels/matMul.js';
import { fusedKernelsActive } from '../../src/kernels/register.js';
import { enableRelaxedSimd } from '../../src/nodeWasmFeatures.js';
import { expectWithinSummationRounding, referenceProduct } from '../helpers/matMulReference.js';

// Before the first matMul (the FMA module is compiled or refused once); Node 20 needs the V8 flag.
const relaxedSimd = enableRelaxedSimd();

const startBackend = tf.getBackend();
afterAll(async () => {
  useFmaMatMul(true);
  await tf.setBackend(startBackend);
});

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

const VARIANTS = [
  ['wasm', 'fma'],
  ['wasm', 'mul+add'],
  ['cpu', 'fma'],
  ['cpu', 'mul+add'],
] as const;

describe.each(VARIANTS)('packed matMul on %s, %s micro-kernel', (backend, variant) => {
  const select = async () => {
    await tf.setBackend(backend);
    useFmaMatMul(variant === 'fma');
    expect(fmaMatMulActive()).toBe(variant === 'fma' && relaxedSimd);
  };

  it('casts other dtypes to float32 first (a one-hot code times a kernel)', async () => {
    await select();
    const code = tf.oneHot(tf.tensor1d([2, 0], 'int32'), 3);
    const kernel = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const product = packedMatMulOp(code, kernel);
    expect(Array.from(product.dataSync())).toEqual([5, 6, 1, 2]);
    tf.dispose([code, kernel, product]);
  });

  it.each(SHAPES)(
    '[%i × %i] · [· × %i], every combination of transposes, within float32 rounding',
    async (rows, shared, columns) => {
      await select();
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
          const expected = referenceProduct(
            a.dataSync(),
            b.dataSync(),
            rows,
            shared,
            columns,
            transposeA,
            transposeB,
          );
          // Float32 summation error is at most shared·2⁻²⁴·Σ|a||b| to first order: each entry
          // goes through at most `shared` roundings per product term with either micro-kernel
          // (FMA rounds once per step, mul+add twice but the product's rounding is relative to
          // that term alone); allow that bound.
          expectWithinSummationRounding(ours, expected, shared);
          tf.dispose([a, b, product]);
          expect(tf.memory().numTensors).toBe(before);
        }
      }
    },
  );
});

/** Whether this CPU has fused multiply-add instructions (x86's FMA3, or any ARM64 CPU). */
function cpuHasFma(): boolean {
  if (process.arch === 'arm64') return true;
  try {
    return /^flags\s*:.*\bfma\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

describe.each(['wasm', 'cpu'])('the micro-kernel in use on %s', (backend) => {
  // 1·(−(1+2⁻¹¹)) + (1+2⁻¹²)²: the square is 1 + 2⁻¹¹ + 2⁻²⁴, which rounds to 1 + 2⁻¹¹ in float32
  // (a tie, to even), so mul+add gives exactly 0 and a fused multiply-add the exact 2⁻²⁴.
  const probe = () =>
    tf.tidy(() => {
      const a = tf.tensor2d([[1, 1 + 2 ** -12]]);
      const b = tf.tensor2d([[-(1 + 2 ** -11)], [1 + 2 ** -12]]);
      return packedMatMulOp(a, b).dataSync()[0];
    });

  it('is mul+add when the FMA micro-kernel is turned off', async () => {
    await tf.setBackend(backend);
    useFmaMatMul(false);
    expect(fmaMatMulActive()).toBe(false);
    expect(probe()).toBe(0);
  });

  it('fuses where relaxed SIMD validates and the CPU has FMA (Node 20: after enableRelaxedSimd)', async () => {
    await tf.setBackend(backend);
    useFmaMatMul(true);
    expect(relaxedSimd).toBe(true); // the V8 flag works on Node 20, and Node ≥ 22 needs none
    expect(fmaMatMulActive()).toBe(true);
    // relaxed_madd may round twice on a CPU without FMA; every x86-64 V8 uses FMA3 when present.
    expect(probe()).toBe(cpuHasFma() ? 2 ** -24 : 0);
  });
});

describe('the FMA micro-kernel where relaxed SIMD does not validate', () => {
  it('is never compiled nor selected: the mul+add one runs', async () => {
    vi.resetModules();
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    try {
      const fresh = await import('../../src/kernels/fmaKernel.js');
      expect(fresh.relaxedSimdAvailable()).toBe(false);
      expect(fresh.fmaMicroKernelOn(new WebAssembly.Memory({ initial: 1 }))).toBeNull();
      expect(validate).toHaveBeenCalled();
    } finally {
      validate.mockRestore();
      vi.resetModules();
    }
  });
});

describe.each(['wasm', 'cpu'])('packed matMul against tf.matMul on %s', (backend) => {
  // The dense layer's three products at the default VAE's shapes (batch 100: 784 → 512 → 256 and
  // back), each as the dense layer calls it. Both results lie within shared·2⁻²⁴·Σ|a||b| of the
  // exact product (see above), so they differ by at most twice that.
  const PRODUCTS: [number, number, number, boolean, boolean][] = [
    [100, 784, 512, false, false],
    [784, 100, 512, true, false],
    [100, 512, 784, false, true],
    [100, 512, 256, false, false],
    [512, 100, 256, true, false],
    [100, 256, 512, false, true],
    [37, 129, 19, true, true],
  ];
  it.each(['fma', 'mul+add'])('agrees within float32 rounding (%s)', async (variant) => {
    await tf.setBackend(backend);
    useFmaMatMul(variant === 'fma');
    for (const [rows, shared, columns, transposeA, transposeB] of PRODUCTS) {
      const before = tf.memory().numTensors;
      const a = tf.randomNormal(transposeA ? [shared, rows] : [rows, shared], 0, 1, 'float32', rows);
      const b = tf.randomNormal(transposeB ? [columns, shared] : [shared, columns], 0, 1, 'float32', columns);
      const [ours, theirs, magnitude] = tf.tidy(() => [
        packedMatMulOp(a, b, transposeA, transposeB).dataSync(),
        tf.matMul(a, b, transposeA, transposeB).dataSync(),
        tf.matMul(tf.abs(a), tf.abs(b), transposeA, transposeB).dataSync(),
      ]);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) {
        const bound = 2 * shared * 2 ** -24 * magnitude[i] * (1 + 1e-3) + 1e-30;
        worst = Math.max(worst, Math.abs(ours[i] - theirs[i]) / bound);
      }
      expect(worst).toBeLessThan(1);
      tf.dispose([a, b]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
