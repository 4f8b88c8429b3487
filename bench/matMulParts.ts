/**
 * The packed matMul's parts timed alone, outside TF.js: `node --import tsx bench/matMulParts.ts
 * [--repeats N]`. For each of the VAE step's 18 dense products (bench/matMulCases.ts) it times, in
 * rotated rounds on a memory of its own, the packing alone, the micro-kernel alone (mul+add, and FMA
 * where relaxed SIMD validates) and the whole blocked product as the TF.js kernel runs it; then the
 * sums against the wasm ceiling measured in the same run. It shows where the op loses against the
 * ceiling: packing, micro-kernel, or the call through TF.js (the difference to `npm run bench`).
 */
import { parseArgs } from 'node:util';
import { relaxedSimdAvailable } from '../src/kernels/fmaKernel.js';
import {
  type MicroKernelChoice,
  microKernelOn,
  multiply,
  productOf,
  scratchBytes,
  useFmaMatMul,
} from '../src/kernels/matMul.js';
import { instantiateOn, type KernelExports } from '../src/kernels/module.js';
import { enableRelaxedSimd } from '../src/nodeWasmFeatures.js';
import { PRODUCTS } from './matMulCases.js';
import { type Timing, timedRotated } from './timing.js';
import { wasmCeiling } from './wasmCeiling.js';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '30' } } });
const repeats = Number(values.repeats);
enableRelaxedSimd(); // before the first compile: Node 20 keeps relaxed SIMD behind a flag
const memory = new WebAssembly.Memory({ initial: 1 });
const kernels = instantiateOn(memory) as KernelExports;
const skip = () => {};
useFmaMatMul(false);
const mulAdd = microKernelOn(kernels, memory);
useFmaMatMul(true);
const fma = relaxedSimdAvailable() ? microKernelOn(kernels, memory) : undefined;
const best = fma ?? mulAdd;
const noPacking = { ...kernels, matMulPackA: skip, matMulPackB: skip };
/** A variant: the kernels' functions that run (the others are skipped) and the micro-kernel. */
const VARIANTS: { name: string; exports: KernelExports; microKernel: MicroKernelChoice }[] = [
  {
    name: `packing (${best.panelRows}-row panels of A)`,
    exports: kernels,
    microKernel: { ...best, run: skip },
  },
  { name: 'micro-kernel mul+add 4×8', exports: noPacking, microKernel: mulAdd },
  ...(fma ? [{ name: 'micro-kernel FMA 5×8', exports: noPacking, microKernel: fma }] : []),
  { name: 'whole product', exports: kernels, microKernel: best },
];

const sums = VARIANTS.map(() => ({ median: 0, min: 0 }));
let flops = 0;
console.log(`| product | ${VARIANTS.map((v) => `${v.name}, ms median / fastest`).join(' | ')} |`);
console.log(`|---|${VARIANTS.map(() => '---|').join('')}`);
for (const { name, rows, shared, columns, transposeA, transposeB } of PRODUCTS) {
  const product = productOf(
    { shape: transposeA ? [shared, rows] : [rows, shared] },
    { shape: transposeB ? [columns, shared] : [shared, columns] },
    transposeA,
    transposeB,
  );
  const scratch = scratchBytes(product, best.panelRows);
  const sizes = [rows * shared, shared * columns, rows * columns].map((n) => 4 * n);
  const bytes = [...sizes, scratch.packedA, scratch.packedB, scratch.tile];
  const offsets = bytes.map((_, i) => 16 + bytes.slice(0, i).reduce((s, b) => s + Math.ceil(b / 16) * 16, 0));
  const end = offsets[offsets.length - 1] + scratch.tile;
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
  // Operands in [−1, 1] (no denormals, no overflow); the values do not change the time.
  const [a, b, c, packedA, packedB, tile] = offsets;
  for (const [at, size] of [
    [a, sizes[0]],
    [b, sizes[1]],
  ]) {
    const floats = new Float32Array(memory.buffer, at, size / 4);
    for (let i = 0; i < floats.length; i++) floats[i] = Math.sin(i);
  }
  const timings: Timing[] = timedRotated(
    VARIANTS.map(
      (variant) => () =>
        multiply(variant.exports, variant.microKernel, product, { a, b, c, packedA, packedB, tile }),
    ),
    repeats,
  );
  flops += 2 * rows * shared * columns;
  timings.forEach((t, i) => {
    sums[i].median += t.median;
    sums[i].min += t.min;
  });
  console.log(
    `| ${name} | ${timings.map((t) => `${t.median.toFixed(3)} / ${t.min.toFixed(3)}`).join(' | ')} |`,
  );
}
const ceiling = await wasmCeiling(repeats);
const rate = (ms: number) => flops / (ms * 1e6);
const ceilingRate = (t: Timing) => ceiling.flops / (t.min * 1e6);
const top = { mulAdd: ceilingRate(ceiling.mulAdd), fma: ceiling.fma && ceilingRate(ceiling.fma) };
console.log(
  `| all (sums), GFLOP/s at median / fastest | ${sums.map((s) => `${s.median.toFixed(2)} / ${s.min.toFixed(2)} ms (${rate(s.median).toFixed(1)} / ${rate(s.min).toFixed(1)})`).join(' | ')} |`,
);
console.log(
  `\nwasm ceiling at its fastest call: mul+add ${top.mulAdd.toFixed(1)} GFLOP/s, FMA ${top.fma?.toFixed(1) ?? '—'}`,
);
