import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { type WasmBackendLike, wasmBackendKernels } from './backendMemory.js';
import { fusedKernelsActive } from './register.js';

/** Adam's numbers for one update, as the fused kernel takes them (see src/nn/adam.ts). */
export interface AdamStep {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  sqrtCorrection2: number;
  epsilon: number;
  stepSize: number;
}

let enabled = true;

/** Turns the in-place update on or off (default on): for the bench. */
export function useAdamInPlace(on: boolean): void {
  enabled = on;
}

/** The wasm backend's reference count of a buffer: how many tensors share it. */
interface RefCounting {
  refCount(dataId: object): number;
}

/**
 * One Adam update of every parameter and both its moments in place, on the wasm backend: the fused
 * kernel (`adam` in gumbelKernels.wat) runs once per parameter straight on the tensors' memory,
 * with no TF.js kernel call, no new buffers and no `assign` — the same float32 operations as the
 * fused kernel that writes new tensors, so the same bits. Returns false, changing nothing, where
 * that is not possible or it is off: another backend, fused kernels off, a non-float32 tensor, a size mismatch,
 * or a parameter or moment whose buffer another tensor shares (it must not see the change).
 */
export function adamInPlace(
  parameters: Tensor[],
  gradients: Tensor[],
  firstMoments: Tensor[],
  secondMoments: Tensor[],
  step: AdamStep,
): boolean {
  if (!enabled || tf.getBackend() !== 'wasm' || !fusedKernelsActive()) return false;
  const backend = tf.backend() as unknown as WasmBackendLike & RefCounting;
  const exports = wasmBackendKernels(backend);
  if (!exports) return false;
  const owned = [...parameters, ...firstMoments, ...secondMoments];
  const sizesMatch = parameters.every(
    (p, i) =>
      gradients[i]?.size === p.size && firstMoments[i]?.size === p.size && secondMoments[i]?.size === p.size,
  );
  const exclusive = owned.every((t) => t.dtype === 'float32' && backend.refCount(t.dataId) === 1);
  if (!sizesMatch || !exclusive || gradients.some((g) => g.dtype !== 'float32')) return false;
  const at = (t: Tensor) => backend.dataIdMap.get(t.dataId)?.memoryOffset ?? 0;
  parameters.forEach((parameter, i) => {
    if (parameter.size === 0) return;
    const [p, m, v] = [parameter, firstMoments[i], secondMoments[i]].map(at);
    exports.adam(
      p,
      at(gradients[i]),
      m,
      v,
      p,
      m,
      v,
      parameter.size,
      step.beta1,
      step.oneMinusBeta1,
      step.beta2,
      step.oneMinusBeta2,
      step.sqrtCorrection2,
      step.epsilon,
      step.stepSize,
    );
  });
  return true;
}
