import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';

/** What the sharing Identity needs of the wasm backend: its reference count per data id. */
interface RefCountingBackend {
  incRef(dataId: object): void;
}

/** Identity as the cpu backend does it: the output shares the input's data (one more reference). */
const sharingIdentity: KernelConfig['kernelFunc'] = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  (backend as unknown as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/**
 * Runs `work` (one TF.js op call) with the wasm backend's Identity sharing its input's data instead
 * of copying it, then restores the backend's own Identity. TF.js keeps the tensors a gradient needs
 * by cloning them (Identity), and the wasm backend's Identity copies the whole buffer — for a dense
 * layer its input, kernel and output on every step. Tensors are immutable and the wasm backend
 * counts references per data id (its Reshape shares data the same way), so sharing is safe; the
 * swap lasts only for `work`, which must not run an Identity whose copy someone relies on.
 */
export function withSharedSaves<T>(work: () => T): T {
  const identity = tf.getBackend() === 'wasm' ? tf.getKernel('Identity', 'wasm') : undefined;
  if (!identity) return work();
  const own = identity.kernelFunc;
  identity.kernelFunc = sharingIdentity;
  try {
    return work();
  } finally {
    identity.kernelFunc = own;
  }
}
