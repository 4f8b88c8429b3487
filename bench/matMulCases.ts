/**
 * The dense layers' three products in one default VAE step (batch 100; the encoder 784 → 512 →
 * 256 → 200 and the decoder 200 → 256 → 512 → 784), each timed in rotated rounds on the packed
 * matMul with its FMA micro-kernel (where relaxed SIMD validates), with its mul+add micro-kernel,
 * and on tf.matMul as the dense layer calls it without the kernel (explicit transposes):
 * milliseconds and GFLOP/s.
 */
import { packedMatMulOp, useFmaMatMul } from '../src/kernels/matMul.js';
import { tf } from '../src/tf.js';
import { type Timing, timedRotated } from './timing.js';

const BATCH = 100;
const LAYERS: [number, number][] = [
  [784, 512],
  [512, 256],
  [256, 200],
  [200, 256],
  [256, 512],
  [512, 784],
];

/** One product: its name, C = op(A)·op(B) sizes and transposes. */
export interface ProductCase {
  name: string;
  rows: number;
  shared: number;
  columns: number;
  transposeA: boolean;
  transposeB: boolean;
}

/** x·W (forward), xᵀ·dy (kernel gradient) and dy·Wᵀ (input gradient) of each layer. */
export const PRODUCTS: ProductCase[] = LAYERS.flatMap(([inputs, units]) => [
  {
    name: `${inputs}→${units} x·W`,
    rows: BATCH,
    shared: inputs,
    columns: units,
    transposeA: false,
    transposeB: false,
  },
  {
    name: `${inputs}→${units} xᵀ·dy`,
    rows: inputs,
    shared: BATCH,
    columns: units,
    transposeA: true,
    transposeB: false,
  },
  {
    name: `${inputs}→${units} dy·Wᵀ`,
    rows: BATCH,
    shared: units,
    columns: inputs,
    transposeA: false,
    transposeB: true,
  },
]);

/** A product's timings: packed with FMA (where on), packed with mul+add, tf.matMul. */
export interface MatMulCase {
  name: string;
  flops: number;
  fma?: Timing;
  mulAdd: Timing;
  tfMatMul: Timing;
}

/** GFLOP/s of `flops` done in the median time of `timing`. */
export const gflops = (flops: number, timing: Timing) => flops / (timing.median * 1e6);

/** Timings of each product; `withFma` says whether the FMA micro-kernel can run here. */
export function matMulCases(repeats: number, withFma: boolean): MatMulCase[] {
  return PRODUCTS.map(({ name, rows, shared, columns, transposeA, transposeB }) => {
    const a = tf.randomNormal(transposeA ? [shared, rows] : [rows, shared], 0, 1, 'float32', 1);
    const b = tf.randomNormal(transposeB ? [columns, shared] : [shared, columns], 0, 1, 'float32', 2);
    // No dataSync: the cpu and wasm backends compute in the call, and copying each result out into
    // a fresh JS array (page faults, GC; ~3 ms per MB here) is work the dense layer never does —
    // it made the kernel gradients' 1.6 MB results look up to 3.5× slower at the median.
    const run = (product: () => tf.Tensor) => () => tf.tidy(product).dispose();
    const packed = (fma: boolean) =>
      run(() => {
        useFmaMatMul(fma);
        return packedMatMulOp(a, b, transposeA, transposeB);
      });
    const plain = run(() => tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b));
    const timings = timedRotated(
      withFma ? [packed(false), plain, packed(true)] : [packed(false), plain],
      repeats,
    );
    useFmaMatMul(true);
    tf.dispose([a, b]);
    const [mulAdd, tfMatMul, fma] = timings;
    return { name, flops: 2 * rows * shared * columns, fma, mulAdd, tfMatMul };
  });
}

/** The mul+add and FMA ceilings' timings and flops (bench/wasmCeiling.ts). */
export interface Ceilings {
  chains: number;
  flops: number;
  mulAdd: Timing;
  fma?: Timing;
}

/** GFLOP/s at the median CPU time per call (wall time where not measured) and at the fastest call. */
function rates(flops: number, t: Timing): { cpu: number; best: number } {
  return { cpu: flops / ((t.cpu ?? t).median * 1e6), best: flops / (t.min * 1e6) };
}

/**
 * The products' table, with a last row for all of them together (the matMul work of one VAE step):
 * per product the median wall and CPU milliseconds, and GFLOP/s with the % of the matching ceiling
 * measured the same way, by the median CPU time and by the fastest call (the least disturbed on a
 * shared machine).
 */
export function matMulTable(products: MatMulCase[], ceiling: Ceilings): string[] {
  const fmaCeiling = ceiling.fma && rates(ceiling.flops, ceiling.fma);
  const mulAddCeiling = rates(ceiling.flops, ceiling.mulAdd);
  const cells = (flops: number, t: Timing | undefined, top: { cpu: number; best: number } | undefined) => {
    if (!t || !top) return '— | —';
    const r = rates(flops, t);
    const percent = (x: number, of: number) => `${((100 * x) / of).toFixed(0)} %`;
    return (
      `${t.median.toFixed(3)} / ${(t.cpu ?? t).median.toFixed(3)} | ` +
      `${r.cpu.toFixed(1)} (${percent(r.cpu, top.cpu)}); best ${r.best.toFixed(1)} (${percent(r.best, top.best)})`
    );
  };
  const sum = (pick: (p: MatMulCase) => Timing | undefined): Timing | undefined => {
    const timings = products.map(pick);
    if (timings.some((t) => t === undefined)) return undefined;
    const total = (value: (t: Timing) => number) => timings.reduce((s, t) => s + value(t as Timing), 0);
    return {
      median: total((t) => t.median),
      min: total((t) => t.min),
      max: total((t) => t.max),
      runs: products.length,
      cpu: { median: total((t) => (t.cpu ?? t).median), min: total((t) => (t.cpu ?? t).min) },
    };
  };
  const rows = [
    ...products.map((p) => ({ name: p.name, flops: p.flops, fma: p.fma, mulAdd: p.mulAdd, tf: p.tfMatMul })),
    {
      name: `all ${products.length} products (sums)`,
      flops: products.reduce((s, p) => s + p.flops, 0),
      fma: sum((p) => p.fma),
      mulAdd: sum((p) => p.mulAdd),
      tf: sum((p) => p.tfMatMul),
    },
  ];
  const ceilingText = (top: { cpu: number; best: number }) =>
    `${top.cpu.toFixed(1)} GFLOP/s by median CPU time, ${top.best.toFixed(1)} by the fastest call`;
  return [
    `wasm ceiling, ${ceiling.chains} independent f32x4 chains: mul+add ${ceilingText(mulAddCeiling)}; ` +
      `FMA (relaxed_madd) ${fmaCeiling ? ceilingText(fmaCeiling) : 'not available (relaxed SIMD does not validate)'}`,
    '',
    '| product (batch 100) | packed FMA, ms wall / CPU | GFLOP/s (% of FMA ceiling) | packed mul+add, ms wall / CPU | GFLOP/s (% of mul+add ceiling) | tf.matMul, ms wall / CPU | GFLOP/s (% of mul+add ceiling) |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${cells(r.flops, r.fma, fmaCeiling)} | ${cells(r.flops, r.mulAdd, mulAddCeiling)} | ${cells(r.flops, r.tf, mulAddCeiling)} |`,
    ),
  ];
}
