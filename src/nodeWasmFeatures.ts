/**
 * Node-only: switches on WebAssembly relaxed SIMD where the engine keeps it behind a flag (Node 20's
 * V8 11.3: `--experimental-wasm-relaxed-simd`; on by default from Node 22 and in Chrome ≥ 114),
 * so the packed matMul can run its fused multiply-add micro-kernel (src/kernels/fmaKernel.ts).
 */
import { setFlagsFromString } from 'node:v8';
import { MAT_MUL_FMA_WASM_BASE64 } from './kernels/gumbelKernelsWasm.js';

/** Whether this engine validates the FMA micro-kernel's module (relaxed SIMD is on). */
export function relaxedSimdValidates(): boolean {
  return WebAssembly.validate(Buffer.from(MAT_MUL_FMA_WASM_BASE64, 'base64'));
}

/**
 * Sets V8's relaxed-SIMD flag when relaxed SIMD does not validate yet, and says whether it does
 * afterwards. Call it before the first matMul: the FMA module is compiled, or refused, once.
 */
export function enableRelaxedSimd(): boolean {
  if (!relaxedSimdValidates()) setFlagsFromString('--experimental-wasm-relaxed-simd');
  return relaxedSimdValidates();
}
