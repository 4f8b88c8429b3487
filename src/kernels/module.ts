import { GUMBEL_KERNELS_WASM_BASE64 } from './gumbelKernelsWasm.js';

/** The functions of the kernels module (src/kernels/gumbelKernels.wat); pointers are byte offsets. */
export interface KernelExports {
  fillWords(out: number, count: number, key0: number, key1: number, low: number, high: number): void;
  fillGumbel(out: number, count: number, key0: number, key1: number, low: number, high: number): void;
  softmaxForward(
    logits: number,
    noise: number,
    tau: number,
    tauScalar: number,
    soft: number,
    hard: number,
    index: number,
    scores: number,
    outer: number,
    categories: number,
    inner: number,
    key0: number,
    key1: number,
    low: number,
    high: number,
  ): void;
  softmaxBackward(
    dy: number,
    y: number,
    scores: number,
    tau: number,
    tauScalar: number,
    dlogits: number,
    dtau: number,
    outer: number,
    categories: number,
    inner: number,
  ): void;
  bernoulliForward(images: number, logits: number, out: number, rows: number, length: number): void;
  bernoulliBackward(
    dy: number,
    images: number,
    logits: number,
    dlogits: number,
    rows: number,
    length: number,
  ): void;
  klUniformForward(logits: number, out: number, rows: number, categories: number): void;
  klUniformBackward(dy: number, logits: number, dlogits: number, rows: number, categories: number): void;
  expConcreteForward(
    logProbs: number,
    x: number,
    logGamma: number,
    out: number,
    rows: number,
    categories: number,
    tau: number,
    logTau: number,
  ): void;
  expConcreteBackward(
    dy: number,
    logProbs: number,
    x: number,
    dLogProbs: number,
    dx: number,
    rows: number,
    categories: number,
    tau: number,
  ): void;
  adam(
    parameter: number,
    gradient: number,
    first: number,
    second: number,
    parameterOut: number,
    firstOut: number,
    secondOut: number,
    count: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    sqrtCorrection2: number,
    epsilon: number,
    stepSize: number,
  ): void;
  matMulPackA(
    a: number,
    rowStride: number,
    columnStride: number,
    rows: number,
    shared: number,
    out: number,
    panelRows: number,
  ): void;
  matMulPackB(
    b: number,
    rowStride: number,
    columnStride: number,
    shared: number,
    columns: number,
    out: number,
  ): void;
  matMulPacked(
    packedA: number,
    packedB: number,
    rows: number,
    columns: number,
    shared: number,
    c: number,
    rowStrideC: number,
    accumulate: number,
    tile: number,
  ): void;
  countNonzero(x: number, count: number, limit: number): number;
  sparseRows(
    a: number,
    rowStride: number,
    columnStride: number,
    rows: number,
    shared: number,
    bRowBytes: number,
    starts: number,
    offsets: number,
    values: number,
  ): void;
  sparsePackB(b: number, rowStride: number, shared: number, columns: number, out: number): void;
  sparseTimesDense(
    starts: number,
    offsets: number,
    values: number,
    rows: number,
    packedB: number,
    shared: number,
    columns: number,
    c: number,
    tile: number,
  ): void;
  denseBiasActivation(
    linear: number,
    bias: number,
    out: number,
    rows: number,
    columns: number,
    relu: number,
  ): void;
  denseBackward(
    dy: number,
    output: number,
    dLinear: number,
    biasGradient: number,
    rows: number,
    columns: number,
    relu: number,
  ): void;
  sinkhornForward(
    x: number,
    y: number,
    potentials: number,
    deviations: number,
    scratch: number,
    matrices: number,
    n: number,
    iterations: number,
  ): void;
  sinkhornBackward(
    dy: number,
    x: number,
    potentials: number,
    dx: number,
    scratch: number,
    matrices: number,
    n: number,
    iterations: number,
  ): void;
  topKForward(
    x: number,
    out: number,
    scratch: number,
    rows: number,
    n: number,
    k: number,
    inverseTemperature: number,
  ): void;
  topKBackward(
    dy: number,
    x: number,
    dx: number,
    scratch: number,
    rows: number,
    n: number,
    k: number,
    inverseTemperature: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;

function kernelBinary(): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(GUMBEL_KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
}

/**
 * Compiles the kernels module asynchronously (initBackend awaits this): browsers refuse synchronous
 * compilation of modules over 4 kB on the main thread. Without WebAssembly (or SIMD) the kernels
 * stay off and the composed TF.js ops run instead.
 */
export async function loadKernels(): Promise<void> {
  if (compiled !== undefined) return;
  try {
    compiled = await WebAssembly.compile(kernelBinary());
  } catch {
    compiled = null;
  }
}

/** The compiled module; compiled synchronously if {@link loadKernels} has not run (fine in Node). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(kernelBinary());
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** An instance working on `memory` (for example the TF.js wasm backend's), or null if it cannot be made. */
export function instantiateOn(memory: WebAssembly.Memory): KernelExports | null {
  const module = kernelModule();
  if (!module) return null;
  try {
    return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  } catch {
    return null;
  }
}

/**
 * The kernels on a memory of their own, for data that lives in JS (the cpu backend, noise arrays):
 * {@link ScratchKernels.reserve} grows the memory to hold a call's buffers and hands out offsets.
 */
export class ScratchKernels {
  private constructor(
    readonly exports: KernelExports,
    readonly memory: WebAssembly.Memory,
  ) {}

  private static shared: ScratchKernels | null | undefined;

  /** The process-wide instance, or null where WebAssembly is unavailable. */
  static get(): ScratchKernels | null {
    if (ScratchKernels.shared === undefined) {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const exports = instantiateOn(memory);
      ScratchKernels.shared = exports ? new ScratchKernels(exports, memory) : null;
    }
    return ScratchKernels.shared;
  }

  /** Byte offsets of consecutive buffers of the given byte sizes (16-byte aligned, none at 0). */
  reserve(byteSizes: number[]): number[] {
    const offsets: number[] = [];
    let end = 16;
    for (const size of byteSizes) {
      offsets.push(end);
      end += Math.ceil(size / 16) * 16;
    }
    const missing = end - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / 65536));
    return offsets;
  }

  /** A float32 view of `count` elements at byte `offset` (valid until the memory grows). */
  floats(offset: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, count);
  }
}

/** Splits a stream position (< 2^53) into the two 32-bit words the kernels take. */
export function positionWords(position: number): [number, number] {
  return [(position % 0x1_0000_0000) >>> 0, Math.floor(position / 0x1_0000_0000) >>> 0];
}
