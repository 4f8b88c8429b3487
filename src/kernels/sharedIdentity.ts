import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';

/**
 * TF.js's wasm backend runs Identity — `tf.clone`, and the copy TF.js makes of every tensor an op
 * saves for its gradient (customGrad's `save` included) — as a copy of the data. Tensors are
 * immutable, so a second reference to the same buffer (the backend counts references, as its
 * Reshape does) is the same value without the copy: what the cpu backend's Identity does. While on,
 * this replaces the wasm backend's Identity with that.
 */
let sharing = true;
let stock: KernelConfig | undefined;

const sharedIdentity: KernelFunc = (args) => {
  const { x } = args.inputs as { x: TensorInfo };
  if (!sharing || x.dtype === 'string') return (stock as KernelConfig).kernelFunc(args);
  (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/** Turns buffer sharing for the wasm backend's Identity on or off (off: TF.js's copy). */
export function useSharedIdentity(on: boolean): void {
  sharing = on;
}

/**
 * Puts {@link sharedIdentity} in place of the wasm backend's registered Identity, once (needs the
 * wasm backend's kernels registered, so it is called when the fused kernels first meet that backend).
 */
export function installSharedIdentity(): void {
  const registered = tf.getKernel('Identity', 'wasm');
  if (!registered || registered.kernelFunc === sharedIdentity) return;
  stock = registered;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ ...registered, kernelFunc: sharedIdentity });
}
