/**
 * The dense layer y = act(x·W + b) as two cpu/wasm kernels: the forward runs the packed matMul and
 * then bias + ReLU in one pass over its output (in place on wasm); the backward masks dy by
 * output > 0 and sums the bias gradient's columns in one pass, then runs both products (xᵀ·dLinear
 * and, where asked, dLinear·Wᵀ) — one TF.js kernel call each way instead of the ~8 ops and 3
 * saved-tensor copies of the composed layer. Results equal the composed layer's (same products, same
 * float32 additions in the same order; the bias gradient's row sum as tf.sum's).
 */
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { beginKernelCall, freeData } from './backendMemory.js';
import { PACKED_MAT_MUL, packedMatMulActive } from './matMul.js';
import { registerOnFusedBackends } from './register.js';

/** TF.js kernel names of the fused dense layer and its gradient (cpu and wasm backends). */
export const FUSED_DENSE = 'GumbelDenseFused';
export const FUSED_DENSE_GRAD = 'GumbelDenseFusedGrad';

/** The layer's attributes: ReLU or linear, and whether ∂L/∂x is computed. */
type DenseAttrs = NamedAttrMap & { relu: boolean; inputGradient: boolean };

/** op(a)·op(b) by the packed matMul kernel called directly (no engine dispatch), as a new tensor info. */
function packedProduct(
  backendName: string,
  backend: object,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const kernel = tf.getKernel(PACKED_MAT_MUL, backendName) as KernelConfig;
  return kernel.kernelFunc({
    inputs: { a, b },
    attrs: { transposeA, transposeB },
    backend: backend as never,
  }) as TensorInfo;
}

/** Inputs: x [batch, inputs], kernel [inputs, units], bias [units]. Output: act(x·W + b). */
function denseForward(backendName: string): KernelConfig['kernelFunc'] {
  return ({ inputs, backend, attrs }) => {
    const { x, kernel, bias } = inputs as Record<string, TensorInfo>;
    const linear = packedProduct(backendName, backend, x, kernel, false, false);
    const [rows, columns] = linear.shape;
    const inPlace = backendName === 'wasm';
    const call = beginKernelCall(
      backendName,
      backend,
      [linear, bias],
      inPlace ? [] : [{ shape: linear.shape, dtype: 'float32' }],
    );
    const relu = (attrs as DenseAttrs).relu ? 1 : 0;
    if (rows * columns > 0) {
      const out = inPlace ? call.inputs[0] : call.outputs[0];
      call.exports.denseBiasActivation(call.inputs[0], call.inputs[1], out, rows, columns, relu);
    }
    if (inPlace) return linear;
    freeData(backend, linear);
    return call.finish()[0];
  };
}

/**
 * Inputs: dy, x, kernel, output (the forward's). Outputs: ∂L/∂x (only with attrs.inputGradient),
 * ∂L/∂W, ∂L/∂b.
 */
function denseBackward(backendName: string): KernelConfig['kernelFunc'] {
  return ({ inputs, backend, attrs }) => {
    const { dy, x, kernel, output } = inputs as Record<string, TensorInfo>;
    const { relu, inputGradient } = attrs as DenseAttrs;
    const [rows, columns] = dy.shape;
    const call = beginKernelCall(
      backendName,
      backend,
      [dy, output],
      [
        { shape: [columns], dtype: 'float32' },
        ...(relu ? [{ shape: dy.shape, dtype: 'float32' as const }] : []),
      ],
    );
    call.exports.denseBackward(
      call.inputs[0],
      call.inputs[1],
      relu ? call.outputs[1] : 0,
      call.outputs[0],
      rows,
      columns,
      relu ? 1 : 0,
    );
    const [biasGradient, masked] = call.finish();
    const dLinear = relu ? masked : dy;
    const kernelGradient = packedProduct(backendName, backend, x, dLinear, true, false);
    const inputGrad = inputGradient
      ? [packedProduct(backendName, backend, dLinear, kernel, false, true)]
      : [];
    if (relu) freeData(backend, masked);
    return [...inputGrad, kernelGradient, biasGradient];
  };
}

registerOnFusedBackends((backendName) => [
  [FUSED_DENSE, denseForward(backendName)],
  [FUSED_DENSE_GRAD, denseBackward(backendName)],
]);

if (!tf.getGradient(FUSED_DENSE)) {
  tf.registerGradient({
    kernelName: FUSED_DENSE,
    inputsToSave: ['x', 'kernel'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, kernel, output] = saved;
      const grads = tf
        .engine()
        .runKernel(
          FUSED_DENSE_GRAD,
          { dy: dy as Tensor, x, kernel, output },
          attrs as NamedAttrMap,
        ) as Tensor[];
      const [inputGrad, kernelGradient, biasGradient] = (attrs as DenseAttrs).inputGradient
        ? grads
        : [undefined, ...grads];
      return {
        x: () => inputGrad ?? tf.zerosLike(x),
        kernel: () => kernelGradient as Tensor,
        bias: () => biasGradient as Tensor,
      };
    },
  });
}

let enabled = true;

/**
 * Turns the fused dense kernels on or off (default on) while the packed matMul stays: off, the dense
 * layer composes TF.js ops around the packed products, as before them. For the bench.
 */
export function useFusedDense(on: boolean): void {
  enabled = on;
}

/** Whether the dense layer runs on the fused kernels (on, and the packed matMul active). */
export function fusedDenseActive(): boolean {
  return enabled && packedMatMulActive();
}

/**
 * act(x·W + b) by the fused cpu/wasm kernels (only where {@link fusedDenseActive}), with its
 * gradient: the tensors the gradient keeps share their data instead of being copied.
 * `inputGradient` false: ∂L/∂x is not computed (zeros if asked for).
 */
export function fusedDenseOp(
  input: Tensor,
  kernel: Tensor,
  bias: Tensor,
  relu: boolean,
  inputGradient: boolean,
): Tensor {
  return tf.tidy(() => {
    const x = input.dtype === 'float32' ? input : tf.cast(input, 'float32'); // e.g. a one-hot code
    return tf.engine().runKernel(FUSED_DENSE, { x, kernel, bias }, { relu, inputGradient }) as Tensor;
  });
}
