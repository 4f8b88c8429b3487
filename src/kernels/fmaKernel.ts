/**
 * The matMul micro-kernel with fused multiply-adds (`f32x4.relaxed_madd`, relaxed SIMD), a small
 * module of its own beside the kernels module: compiled only where `WebAssembly.validate` accepts it
 * (Chrome ≥ 114, Node ≥ 22; Node 20 after `enableRelaxedSimd()` from `gumbel-softmax/node`), so
 * an engine without relaxed SIMD never sees it and keeps the mul+add micro-kernel.
 */
import { MAT_MUL_FMA_WASM_BASE64 } from './gumbelKernelsWasm.js';
import type { KernelExports } from './module.js';

/** Rows per packed panel of A that the FMA micro-kernel takes (its tile is 5×8; mul+add's is 4×8). */
export const FMA_PANEL_ROWS = 5;

/** The micro-kernel's signature, the same in both variants. */
export type MicroKernel = KernelExports['matMulPacked'];

let compiled: WebAssembly.Module | null | undefined;

/**
 * The FMA module, or null where relaxed SIMD does not validate. Decided at the first call: an
 * engine flag set later (`enableRelaxedSimd`) is not seen, so set it before the first matMul.
 */
function fmaModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const binary = Uint8Array.from(atob(MAT_MUL_FMA_WASM_BASE64), (c) => c.charCodeAt(0));
    try {
      compiled = WebAssembly.validate(binary) ? new WebAssembly.Module(binary) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Whether this engine runs the FMA micro-kernel (relaxed SIMD validates). */
export function relaxedSimdAvailable(): boolean {
  return fmaModule() !== null;
}

const instances = new WeakMap<WebAssembly.Memory, MicroKernel | null>();

/** The FMA micro-kernel working on `memory`, or null where relaxed SIMD is unavailable. */
export function fmaMicroKernelOn(memory: WebAssembly.Memory): MicroKernel | null {
  let kernel = instances.get(memory);
  if (kernel === undefined) {
    const module = fmaModule();
    try {
      kernel = module
        ? (new WebAssembly.Instance(module, { env: { memory } }).exports as { matMulPacked: MicroKernel })
            .matMulPacked
        : null;
    } catch {
      kernel = null; // a memory the module cannot import: the mul+add micro-kernel runs
    }
    instances.set(memory, kernel);
  }
  return kernel;
}
