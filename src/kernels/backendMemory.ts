import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { instantiateOn, type KernelExports, ScratchKernels } from './module.js';
import { installSharedIdentity } from './sharedIdentity.js';
import { installSumGradient } from './sumGradient.js';

/** What the kernels need of TF.js's wasm backend (typed structurally: core code imports no backend). */
export interface WasmBackendLike {
  wasm: { asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: object): void;
}

/** What the kernels need of TF.js's cpu backend. */
export interface CpuBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: DataType, values: Float32Array | Int32Array): TensorInfo;
}

/** Frees `info`'s data on `backend` (cpu or wasm): an intermediate a kernel made and does not return. */
export function freeData(backend: object, info: TensorInfo): void {
  (backend as { disposeData(dataId: object): void }).disposeData(info.dataId);
}

/** The outputs but the last, a scratch buffer the kernel wrote and no one reads, which is freed. */
export function withoutScratch(backend: object, outputs: TensorInfo[]): TensorInfo[] {
  freeData(backend, outputs[outputs.length - 1] as TensorInfo);
  return outputs.slice(0, -1);
}

/** An output a kernel call allocates. */
export interface OutputSpec {
  shape: number[];
  dtype: 'float32' | 'int32';
}

/**
 * One kernel call's memory: byte offsets of the inputs (0 for an absent one) and of the outputs,
 * in the memory `exports` works on; `finish` returns the outputs as TF.js tensor infos.
 */
export interface KernelCall {
  exports: KernelExports;
  inputs: number[];
  outputs: number[];
  finish(): TensorInfo[];
}

const boundToWasmBackend = new WeakMap<object, KernelExports | null>();

/**
 * The kernels instantiated on the wasm backend's own memory, so they read and write its tensors in
 * place, or null where that memory cannot be imported (a multi-threaded build shares its memory).
 * The first call also makes the backend's Identity and Cast share buffers instead of copying them,
 * and TF.js's Sum gradient make its ones with the Fill kernel (sharedIdentity.ts, sumGradient.ts).
 */
export function wasmBackendKernels(backend: object): KernelExports | null {
  if (!boundToWasmBackend.has(backend)) {
    installSharedIdentity();
    installSumGradient();
    const memory = (backend as Partial<WasmBackendLike>).wasm?.asm?.memory;
    boundToWasmBackend.set(backend, memory instanceof WebAssembly.Memory ? instantiateOn(memory) : null);
  }
  return boundToWasmBackend.get(backend) ?? null;
}

/**
 * Prepares a kernel call on `backendName`'s memory. On wasm the outputs are allocated by the
 * backend and the kernels work directly on its heap (no copies); on cpu the inputs are copied into
 * the kernels' own memory and the outputs copied back out into new tensors.
 */
export function beginKernelCall(
  backendName: string,
  backend: object,
  inputs: (TensorInfo | undefined)[],
  outputs: OutputSpec[],
): KernelCall {
  if (backendName === 'wasm') {
    const exports = wasmBackendKernels(backend);
    if (!exports) throw new Error('the gumbel-softmax kernels cannot use this wasm backend memory');
    const wasm = backend as WasmBackendLike;
    const infos = outputs.map((o) => wasm.makeOutput(o.shape, o.dtype));
    const offset = (info: TensorInfo | undefined) =>
      info && tf.util.sizeFromShape(info.shape) > 0
        ? (wasm.dataIdMap.get(info.dataId)?.memoryOffset ?? 0)
        : 0;
    return { exports, inputs: inputs.map(offset), outputs: infos.map(offset), finish: () => infos };
  }
  const scratch = ScratchKernels.get();
  if (!scratch) throw new Error('the gumbel-softmax kernels need WebAssembly');
  const cpu = backend as CpuBackendLike;
  const inputSizes = inputs.map((info) => (info ? tf.util.sizeFromShape(info.shape) : 0));
  const outputSizes = outputs.map((o) => tf.util.sizeFromShape(o.shape));
  const offsets = scratch.reserve([...inputSizes, ...outputSizes].map((n) => n * 4));
  inputs.forEach((info, i) => {
    if (info) scratch.floats(offsets[i], inputSizes[i]).set(cpu.readSync(info.dataId));
  });
  const outputOffsets = offsets.slice(inputs.length);
  return {
    exports: scratch.exports,
    inputs: offsets.slice(0, inputs.length).map((offset, i) => (inputs[i] ? offset : 0)),
    outputs: outputOffsets,
    finish: () =>
      outputs.map((o, j) => {
        const bytes = scratch.memory.buffer.slice(outputOffsets[j], outputOffsets[j] + outputSizes[j] * 4);
        const values = o.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
        return cpu.makeTensorInfo(o.shape, o.dtype, values);
      }),
  };
}
