import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';

/**
 * TF.js's wasm backend runs Identity — `tf.clone`, and the copy TF.js makes of every tensor an op
 * saves for its gradient (customGrad's `save` included) — and a Cast to the same dtype (Mul's
 * gradient casts its other input) as copies of the data. Tensors are immutable, so a second
 * reference to the same buffer (the backend counts references, as its Reshape does) is the same
 * value without the copy: what the cpu backend's Identity does. While on, this replaces the wasm
 * backend's Identity and Cast with that (a Cast that changes the dtype still runs the stock kernel).
 */
let sharing = true;
const stock = new Map<string, KernelConfig>();

/** A second reference to `x`'s buffer, or null where the stock kernel must run. */
function share(args: Parameters<KernelFunc>[0], kernelName: string): TensorInfo | null {
  const { x } = args.inputs as { x: TensorInfo };
  const dtype = kernelName === 'Cast' ? (args.attrs as { dtype: string }).dtype : x.dtype;
  if (!sharing || x.dtype === 'string' || dtype !== x.dtype) return null;
  (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

const sharedKernels: Record<string, KernelFunc> = {
  Identity: (args) => share(args, 'Identity') ?? (stock.get('Identity') as KernelConfig).kernelFunc(args),
  Cast: (args) => share(args, 'Cast') ?? (stock.get('Cast') as KernelConfig).kernelFunc(args),
};

/** Turns buffer sharing for the wasm backend's Identity and Cast on or off (off: TF.js's copies). */
export function useSharedIdentity(on: boolean): void {
  sharing = on;
}

/**
 * Puts the sharing Identity and Cast in place of the wasm backend's registered ones, once (needs the
 * wasm backend's kernels registered, so it is called when the fused kernels first meet that backend).
 */
export function installSharedIdentity(): void {
  for (const [kernelName, kernelFunc] of Object.entries(sharedKernels)) {
    const registered = tf.getKernel(kernelName, 'wasm');
    if (!registered || registered.kernelFunc === kernelFunc) continue;
    stock.set(kernelName, registered);
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...registered, kernelFunc });
  }
}
