import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { type CpuBackendLike, type WasmBackendLike, wasmBackendKernels } from './backendMemory.js';
import { FMA_PANEL_ROWS, fmaMicroKernelOn, type MicroKernel, relaxedSimdAvailable } from './fmaKernel.js';
import { type KernelExports, ScratchKernels } from './module.js';
import { fusedKernelsActive, registerOnFusedBackends } from './register.js';
import { multiplySparse, sparseNonzeros, sparseScratchBytes } from './sparseMatMul.js';

/** TF.js kernel name of the packed matMul (cpu and wasm backends). */
export const PACKED_MAT_MUL = 'GumbelPackedMatMul';

/**
 * Rows of the shared dimension per packed block: a block's 8-column panel of B (8 KB) stays in L1
 * while the 4- or 5-row panels of A stream past it, and the block's packed B (≤ 256·N floats) in L2.
 */
const BLOCK = 256;

/** The sizes of C = op(A)·op(B) and where each operand's elements lie (strides in elements). */
export interface Product {
  rows: number;
  shared: number;
  columns: number;
  /** A's element (i, p) is at (i·aRowStride + p·aColumnStride). */
  aRowStride: number;
  aColumnStride: number;
  /** B's element (p, j) is at (p·bRowStride + j·bColumnStride). */
  bRowStride: number;
  bColumnStride: number;
}

/** The product op(A)·op(B) of matrices shaped like `a` and `b` (exported for bench/matMulParts.ts). */
export function productOf(
  a: Pick<TensorInfo, 'shape'>,
  b: Pick<TensorInfo, 'shape'>,
  transposeA: boolean,
  transposeB: boolean,
): Product {
  const [aRows, aColumns] = a.shape;
  const [bRows, bColumns] = b.shape;
  return {
    rows: transposeA ? aColumns : aRows,
    shared: transposeA ? aRows : aColumns,
    columns: transposeB ? bRows : bColumns,
    aRowStride: transposeA ? 1 : aColumns,
    aColumnStride: transposeA ? aColumns : 1,
    bRowStride: transposeB ? 1 : bColumns,
    bColumnStride: transposeB ? bColumns : 1,
  };
}

/** Rows per packed panel of A for the mul+add micro-kernel (matMulPacked: a 4×8 tile). */
const MUL_ADD_PANEL_ROWS = 4;

/** A micro-kernel and the rows per panel of A it takes. */
export interface MicroKernelChoice {
  run: MicroKernel;
  panelRows: number;
}

/**
 * The micro-kernel for a product on `memory`: the FMA one (5×8) where it is on and relaxed SIMD
 * validates, else `exports`' mul+add one (4×8).
 */
export function microKernelOn(exports: KernelExports, memory: WebAssembly.Memory): MicroKernelChoice {
  const fma = fmaEnabled && fmaMicroKernelOn(memory);
  return fma
    ? { run: fma, panelRows: FMA_PANEL_ROWS }
    : { run: exports.matMulPacked, panelRows: MUL_ADD_PANEL_ROWS };
}

/** Bytes of the packing buffers: A's block, B's block and one tile (≤ 5×8) for the edges. */
export function scratchBytes(
  product: Product,
  panelRows: number,
): { packedA: number; packedB: number; tile: number } {
  const block = Math.min(BLOCK, product.shared);
  return {
    packedA: Math.ceil(product.rows / panelRows) * panelRows * block * 4,
    packedB: Math.ceil(product.columns / 8) * 8 * block * 4,
    tile: FMA_PANEL_ROWS * 8 * 4,
  };
}

/**
 * Runs the blocked product with `microKernel` and `exports`' packing: byte offsets of A, B, C and
 * the scratch buffers. Exported for bench/matMulParts.ts, which times its parts alone.
 */
export function multiply(
  exports: KernelExports,
  microKernel: MicroKernelChoice,
  product: Product,
  at: { a: number; b: number; c: number; packedA: number; packedB: number; tile: number },
): void {
  const { rows, shared, columns } = product;
  for (let start = 0; start < shared; start += BLOCK) {
    const block = Math.min(BLOCK, shared - start);
    exports.matMulPackA(
      at.a + 4 * start * product.aColumnStride,
      product.aRowStride,
      product.aColumnStride,
      rows,
      block,
      at.packedA,
      microKernel.panelRows,
    );
    exports.matMulPackB(
      at.b + 4 * start * product.bRowStride,
      product.bRowStride,
      product.bColumnStride,
      block,
      columns,
      at.packedB,
    );
    microKernel.run(at.packedA, at.packedB, rows, columns, block, at.c, columns, start > 0 ? 1 : 0, at.tile);
  }
}

function packedMatMul(backendName: string): KernelConfig['kernelFunc'] {
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as Record<string, TensorInfo>;
    const { transposeA, transposeB } = attrs as NamedAttrMap & Record<string, boolean>;
    const product = productOf(a, b, transposeA, transposeB);
    const outputShape = [product.rows, product.columns];
    if (backendName === 'wasm') {
      const exports = wasmBackendKernels(backend) as KernelExports;
      const wasm = backend as unknown as WasmBackendLike;
      const memory = wasm.wasm.asm?.memory as WebAssembly.Memory; // wasmBackendKernels checked it
      const offset = (info: TensorInfo) => wasm.dataIdMap.get(info.dataId)?.memoryOffset ?? 0;
      const output = wasm.makeOutput(outputShape, 'float32');
      const nonzeros = sparseNonzeros(exports, product, offset(a));
      if (nonzeros !== undefined) {
        const buffers = wasm.makeOutput([sparseScratchBytes(product, nonzeros).total / 4], 'float32');
        const at = { a: offset(a), b: offset(b), c: offset(output), scratch: offset(buffers) };
        multiplySparse(exports, product, nonzeros, at);
        wasm.disposeData(buffers.dataId);
        return output;
      }
      const microKernel = microKernelOn(exports, memory);
      const scratch = scratchBytes(product, microKernel.panelRows);
      const buffers = wasm.makeOutput([(scratch.packedA + scratch.packedB + scratch.tile) / 4], 'float32');
      const start = offset(buffers);
      if (product.rows * product.columns > 0) {
        multiply(exports, microKernel, product, {
          a: offset(a),
          b: offset(b),
          c: offset(output),
          packedA: start,
          packedB: start + scratch.packedA,
          tile: start + scratch.packedA + scratch.packedB,
        });
      }
      wasm.disposeData(buffers.dataId);
      return output;
    }
    const kernels = ScratchKernels.get() as ScratchKernels;
    const cpu = backend as unknown as CpuBackendLike;
    const sizes = [a, b].map((info) => tf.util.sizeFromShape(info.shape));
    const outputSize = product.rows * product.columns;
    // A, B and C first; the scratch after them only for the path taken (reserve keeps the offsets
    // of the same leading sizes, and growing the memory keeps its contents).
    const operands = [sizes[0] * 4, sizes[1] * 4, outputSize * 4];
    const [aAt, bAt, cAt] = kernels.reserve(operands);
    kernels.floats(aAt, sizes[0]).set(cpu.readSync(a.dataId));
    kernels.floats(bAt, sizes[1]).set(cpu.readSync(b.dataId));
    const nonzeros = sparseNonzeros(kernels.exports, product, aAt);
    if (nonzeros !== undefined) {
      const [, , , scratchAt] = kernels.reserve([...operands, sparseScratchBytes(product, nonzeros).total]);
      multiplySparse(kernels.exports, product, nonzeros, { a: aAt, b: bAt, c: cAt, scratch: scratchAt });
    } else if (outputSize > 0) {
      const microKernel = microKernelOn(kernels.exports, kernels.memory);
      const scratch = scratchBytes(product, microKernel.panelRows);
      const [, , , packedA, packedB, tile] = kernels.reserve([
        ...operands,
        scratch.packedA,
        scratch.packedB,
        scratch.tile,
      ]);
      multiply(kernels.exports, microKernel, product, { a: aAt, b: bAt, c: cAt, packedA, packedB, tile });
    }
    return cpu.makeTensorInfo(outputShape, 'float32', kernels.floats(cAt, outputSize).slice());
  };
}

registerOnFusedBackends((backendName) => [[PACKED_MAT_MUL, packedMatMul(backendName)]]);

let enabled = true;
let fmaEnabled = true;

/** Turns the packed matMul on or off (default on) while the other fused kernels stay: for the bench. */
export function usePackedMatMul(on: boolean): void {
  enabled = on;
}

/** Whether the dense layer's products run on the packed kernel (cpu/wasm with fused kernels on). */
export function packedMatMulActive(): boolean {
  return enabled && fusedKernelsActive();
}

/**
 * Turns the fused multiply-add micro-kernel on or off (default on; it runs only where relaxed SIMD
 * validates): for the bench and for tests of the mul+add fallback.
 */
export function useFmaMatMul(on: boolean): void {
  fmaEnabled = on;
}

/** Whether the packed matMul runs its FMA micro-kernel (on, relaxed SIMD validates, packed matMul active). */
export function fmaMatMulActive(): boolean {
  return fmaEnabled && packedMatMulActive() && relaxedSimdAvailable();
}

/**
 * op(A)·op(B) for matrices (cast to float32) by the packed kernel (op = transpose where asked; the transposes
 * are folded into the packing, never materialized). Only where `fusedKernelsActive()`; no gradient
 * (the dense layer's gradient is written out).
 */
export function packedMatMulOp(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  return tf.tidy(() => {
    const float = (x: Tensor) => (x.dtype === 'float32' ? x : tf.cast(x, 'float32')); // e.g. a one-hot code
    return tf
      .engine()
      .runKernel(PACKED_MAT_MUL, { a: float(a), b: float(b) }, { transposeA, transposeB }) as Tensor;
  });
}
