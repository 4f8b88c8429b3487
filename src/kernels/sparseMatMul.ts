/**
 * The packed matMul's sparse path: op(A)·B where A is mostly zeros — the first dense layer's input
 * (binary digit images) and a trained encoder's ReLU outputs — as the sum of B's rows at A's
 * nonzeros. A's nonzeros are gathered by rows (compressed sparse rows), B packed into 64-byte
 * aligned strips of 32 columns, and each row of C summed strip by strip with eight f32x4
 * accumulators (gumbelKernels.wat: countNonzero, sparseRows, sparsePackB, sparseTimesDense).
 */

import type { Product } from './matMul.js';
import type { KernelExports } from './module.js';

let sparseEnabled = true;

/**
 * The largest share of nonzeros in A at which op(A)·B runs as sparse rows times B. Measured at the
 * VAE's shapes (2026-11-29, wasm, FMA packed kernel beside it): the sparse path takes 0.4× the
 * packed kernel's time at 20 % nonzeros, 0.75–0.93× at 50 %, and breaks even near 60 %. Binary
 * digit images are 10–30 % ones; a trained encoder's ReLU outputs 18–34 % nonzero.
 */
export const SPARSE_DENSITY = 0.5;

/**
 * A's nonzero count where op(A)·op(B) runs on the sparse kernel — on, B not transposed, and at
 * most {@link SPARSE_DENSITY} of A nonzero (counted at `a`, a byte offset in `exports`' memory;
 * the count stops once past that share) — else undefined.
 */
export function sparseNonzeros(exports: KernelExports, product: Product, a: number): number | undefined {
  if (!sparseEnabled || product.bColumnStride !== 1) return undefined;
  const size = product.rows * product.shared;
  const limit = Math.floor(SPARSE_DENSITY * size);
  const nonzeros = exports.countNonzero(a, size, limit);
  return nonzeros <= limit ? nonzeros : undefined;
}

/** Columns per strip of B in the sparse kernel (eight f32x4 accumulators). */
const SPARSE_STRIP = 32;

/**
 * Bytes of the sparse kernel's buffers for A with `nonzeros` nonzeros: row starts, an offset and a
 * value per nonzero (and one more: the gathering writes every element at the next free place), B
 * packed by strips, and a strip-wide tile; `total` leaves room to align the packed B to 64 bytes.
 */
export function sparseScratchBytes(
  product: Product,
  nonzeros: number,
): {
  starts: number;
  entries: number;
  packedB: number;
  tile: number;
  total: number;
} {
  const starts = (product.rows + 1) * 4;
  const entries = (nonzeros + 1) * 4;
  const packedB = Math.ceil(product.columns / SPARSE_STRIP) * SPARSE_STRIP * product.shared * 4;
  const tile = SPARSE_STRIP * 4;
  return { starts, entries, packedB, tile, total: 64 + packedB + tile + starts + 2 * entries };
}

/**
 * op(A)·B by rows of A's nonzeros: gathers them (sparseRows), packs B by strips of 32 columns
 * (sparsePackB), then sums each row's rows of B (sparseTimesDense). Byte offsets of A, B, C and of a
 * buffer of {@link sparseScratchBytes}' `total` for A's `nonzeros`.
 */
export function multiplySparse(
  exports: KernelExports,
  product: Product,
  nonzeros: number,
  at: { a: number; b: number; c: number; scratch: number },
): void {
  const bytes = sparseScratchBytes(product, nonzeros);
  const packedB = Math.ceil(at.scratch / 64) * 64;
  const tile = packedB + bytes.packedB;
  const starts = tile + bytes.tile;
  const offsets = starts + bytes.starts;
  const values = offsets + bytes.entries;
  exports.sparseRows(
    at.a,
    product.aRowStride,
    product.aColumnStride,
    product.rows,
    product.shared,
    SPARSE_STRIP * 4,
    starts,
    offsets,
    values,
  );
  exports.sparsePackB(at.b, product.bRowStride, product.shared, product.columns, packedB);
  exports.sparseTimesDense(
    starts,
    offsets,
    values,
    product.rows,
    packedB,
    product.shared,
    product.columns,
    at.c,
    tile,
  );
}

/**
 * Turns the sparse path on or off (default on): on, a product whose A is mostly zeros (at most
 * {@link SPARSE_DENSITY} nonzero) and whose B is not transposed sums B's rows at A's nonzeros instead
 * of running the packed kernel. Rows of B met only by zeros are never read, so a NaN or ±∞ there
 * does not reach C (the packed kernel gives 0·NaN = NaN). For the bench and for tests of either path.
 */
export function useSparseMatMul(on: boolean): void {
  sparseEnabled = on;
}
