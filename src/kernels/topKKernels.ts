/**
 * The relaxed k-hot of Xie & Ermon (2019) as two cpu/wasm kernels: the forward runs all k softmax
 * steps of a row in one call on a scratch row (nothing but the result is stored); the backward
 * recomputes a row's k weight rows into its scratch and goes back through the steps, one exp per
 * item and step each way. One TF.js kernel call each way instead of ~25 ops per step, and no
 * [k, rows, n] of saved tensors.
 */
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { beginKernelCall, withoutScratch } from './backendMemory.js';
import { fusedKernelsActive, registerOnFusedBackends } from './register.js';

/** TF.js kernel names of the fused relaxed k-hot and its gradient (cpu and wasm backends). */
export const FUSED_RELAXED_K_HOT = 'GumbelRelaxedKHotFused';
export const FUSED_RELAXED_K_HOT_GRAD = 'GumbelRelaxedKHotFusedGrad';

type KHotAttrs = NamedAttrMap & { k: number; temperature: number };

/** Rows, row length and the row length rounded up to a multiple of 4 of perturbed logits [..., n]. */
function rowShape(shape: number[]): { rows: number; n: number; padded: number } {
  const n = shape[shape.length - 1];
  return { rows: tf.util.sizeFromShape(shape.slice(0, -1)), n, padded: Math.ceil(n / 4) * 4 };
}

/** Input: x [..., n]. Output: the relaxed k-hot (a scratch output of 3·n4 + 8 floats is freed). */
function forward(backendName: string): KernelConfig['kernelFunc'] {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs as Record<string, TensorInfo>;
    const { k, temperature } = attrs as KHotAttrs;
    const { rows, n, padded } = rowShape(x.shape);
    const call = beginKernelCall(
      backendName,
      backend,
      [x],
      [
        { shape: x.shape, dtype: 'float32' },
        { shape: [3 * padded + 8], dtype: 'float32' },
      ],
    );
    const [out, scratch] = call.outputs;
    if (rows * n > 0) call.exports.topKForward(call.inputs[0], out, scratch, rows, n, k, 1 / temperature);
    return withoutScratch(backend, call.finish())[0] as TensorInfo; // one tensor out; scratch freed
  };
}

/** Inputs: dy, x. Output: ∂L/∂x (a scratch output of (k + 5)·n4 + 8k floats is freed). */
function backward(backendName: string): KernelConfig['kernelFunc'] {
  return ({ inputs, backend, attrs }) => {
    const { dy, x } = inputs as Record<string, TensorInfo>;
    const { k, temperature } = attrs as KHotAttrs;
    const { rows, n, padded } = rowShape(x.shape);
    const call = beginKernelCall(
      backendName,
      backend,
      [dy, x],
      [
        { shape: x.shape, dtype: 'float32' },
        { shape: [(k + 5) * padded + 8 * k], dtype: 'float32' },
      ],
    );
    const [dx, scratch] = call.outputs;
    if (rows * n > 0) {
      call.exports.topKBackward(call.inputs[0], call.inputs[1], dx, scratch, rows, n, k, 1 / temperature);
    }
    return withoutScratch(backend, call.finish())[0] as TensorInfo; // one tensor out; scratch freed
  };
}

registerOnFusedBackends((backendName) => [
  [FUSED_RELAXED_K_HOT, forward(backendName)],
  [FUSED_RELAXED_K_HOT_GRAD, backward(backendName)],
]);

if (!tf.getGradient(FUSED_RELAXED_K_HOT)) {
  tf.registerGradient({
    kernelName: FUSED_RELAXED_K_HOT,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const gradient = Array.isArray(dy) ? dy[0] : dy;
      return {
        x: () =>
          tf
            .engine()
            .runKernel(FUSED_RELAXED_K_HOT_GRAD, { dy: gradient, x }, attrs as NamedAttrMap) as Tensor,
      };
    },
  });
}

let enabled = true;

/**
 * Turns the fused relaxed k-hot alone off (default on) while the other fused kernels stay on: the
 * composed ops then run as before this kernel existed. For comparisons (bench/topKCases.ts).
 */
export function useFusedRelaxedKHot(on: boolean): void {
  enabled = on;
}

/** Whether {@link fusedRelaxedKHot} runs: fused kernels on, float32 perturbed logits of rank ≥ 1. */
export function fusedRelaxedKHotApplies(perturbed: Tensor): boolean {
  return enabled && fusedKernelsActive() && perturbed.rank >= 1 && perturbed.dtype === 'float32';
}

/**
 * The relaxed k-hot of float32 perturbed logits along the last axis by the fused cpu/wasm kernels
 * (only where {@link fusedRelaxedKHotApplies}), differentiable; the composed ops' values and
 * gradients up to float rounding.
 */
export function fusedRelaxedKHot(perturbed: Tensor, k: number, temperature: number): Tensor {
  return tf.engine().runKernel(FUSED_RELAXED_K_HOT, { x: perturbed }, { k, temperature }) as Tensor;
}
