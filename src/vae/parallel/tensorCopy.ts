import type { WasmBackendLike } from '../../kernels/backendMemory.js';
import type { Tensor } from '../../tf.js';
import { tf } from '../../tf.js';

/**
 * Copies a float32 tensor's values into `target` at `offset` without `dataSync`'s fresh array: on
 * the wasm backend straight out of its heap, on cpu from the array it keeps. (Allocating a new
 * array for every gradient of every step cost more than the step's whole all-reduce.)
 */
export function copyTensorInto(tensor: Tensor, target: Float32Array, offset: number): void {
  const backend = tf.backend() as unknown as Partial<WasmBackendLike>;
  const memory = backend.wasm?.asm?.memory;
  const entry = backend.dataIdMap?.get(tensor.dataId);
  if (tf.getBackend() === 'wasm' && memory instanceof WebAssembly.Memory && entry !== undefined) {
    target.set(new Float32Array(memory.buffer, entry.memoryOffset, tensor.size), offset);
    return;
  }
  target.set(tf.backend().readSync(tensor.dataId) as Float32Array, offset);
}

/**
 * A tensor holding a copy of `values` (e.g. a view of shared memory that changes later): the wasm
 * backend copies into its heap anyway, the cpu backend would keep the array itself.
 */
export function tensorCopyOf(values: Float32Array, shape: number[]): Tensor {
  return tf.tensor(tf.getBackend() === 'wasm' ? values : values.slice(), shape);
}
