/**
 * Log-space Sinkhorn as two cpu/wasm kernels: the forward runs all iterations of row-then-column
 * logsumexp normalisation of every matrix in one call (through the dual potentials U, V: the state
 * after each half-step is x − U − V, x only read), and stores each iteration's potentials; the
 * backward goes through the iterations in reverse in one call, rebuilding each half-step's state
 * from x and the potentials (one exp per element per half-step, as the forward) instead of storing
 * the states. One TF.js kernel call each way instead of ~10 ops per iteration.
 */
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { stopGradient } from '../ops/stopGradient.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { beginKernelCall, withoutScratch } from './backendMemory.js';
import { fusedKernelsActive, registerOnFusedBackends } from './register.js';

/** TF.js kernel names of the fused log-Sinkhorn and its gradient (cpu and wasm backends). */
export const FUSED_LOG_SINKHORN = 'GumbelLogSinkhornFused';
export const FUSED_LOG_SINKHORN_GRAD = 'GumbelLogSinkhornFusedGrad';

/** The smallest n the kernels take (their rows go four columns at a time). */
const SMALLEST_N = 4;

/** `withDeviations`: also output each iteration's smallest and largest log row sum (forward only). */
type SinkhornAttrs = NamedAttrMap & { iterations: number; withDeviations?: boolean };

/** Matrices and n of log-scores [..., n, n]. */
function matrixShape(shape: number[]): { matrices: number; n: number } {
  const n = shape[shape.length - 1];
  return { matrices: tf.util.sizeFromShape(shape.slice(0, -2)), n };
}

/**
 * Inputs: x [..., n, n]. Outputs: the log-Sinkhorn of x, the potentials [matrices, iterations, 2, n],
 * and with attrs.withDeviations the log row sums' range per iteration [matrices, iterations, 2] (a
 * scratch output of n² + 2n floats is freed).
 */
function forward(backendName: string): KernelConfig['kernelFunc'] {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs as Record<string, TensorInfo>;
    const { iterations, withDeviations } = attrs as SinkhornAttrs;
    const { matrices, n } = matrixShape(x.shape);
    const call = beginKernelCall(
      backendName,
      backend,
      [x],
      [
        { shape: x.shape, dtype: 'float32' },
        { shape: [matrices, iterations, 2, n], dtype: 'float32' },
        ...(withDeviations ? [{ shape: [matrices, iterations, 2], dtype: 'float32' as const }] : []),
        { shape: [n * n + 2 * n], dtype: 'float32' },
      ],
    );
    if (matrices > 0) {
      const [y, potentials, ...rest] = call.outputs;
      const deviations = withDeviations ? rest[0] : 0;
      const scratch = rest[rest.length - 1];
      call.exports.sinkhornForward(
        call.inputs[0],
        y,
        potentials,
        deviations,
        scratch,
        matrices,
        n,
        iterations,
      );
    }
    return withoutScratch(backend, call.finish());
  };
}

/** Inputs: dy, x, potentials (the forward's). Output: ∂L/∂x (a scratch output of 4n + n² floats is freed). */
function backward(backendName: string): KernelConfig['kernelFunc'] {
  return ({ inputs, backend, attrs }) => {
    const { dy, x, potentials } = inputs as Record<string, TensorInfo>;
    const { iterations } = attrs as SinkhornAttrs;
    const { matrices, n } = matrixShape(x.shape);
    const call = beginKernelCall(
      backendName,
      backend,
      [dy, x, potentials],
      [
        { shape: x.shape, dtype: 'float32' },
        { shape: [4 * n + n * n], dtype: 'float32' },
      ],
    );
    if (matrices > 0) {
      const [dyAt, xAt, potentialsAt] = call.inputs;
      const [dx, scratch] = call.outputs;
      call.exports.sinkhornBackward(dyAt, xAt, potentialsAt, dx, scratch, matrices, n, iterations);
    }
    return withoutScratch(backend, call.finish());
  };
}

registerOnFusedBackends((backendName) => [
  [FUSED_LOG_SINKHORN, forward(backendName)],
  [FUSED_LOG_SINKHORN_GRAD, backward(backendName)],
]);

if (!tf.getGradient(FUSED_LOG_SINKHORN)) {
  tf.registerGradient({
    kernelName: FUSED_LOG_SINKHORN,
    inputsToSave: ['x'],
    outputsToSave: [false, true, false],
    gradFunc: (dy, saved, attrs) => {
      const [x, potentials] = saved;
      const gradient = (dy as Tensor[])[0] ?? dy;
      return {
        x: () =>
          (
            tf
              .engine()
              .runKernel(
                FUSED_LOG_SINKHORN_GRAD,
                { dy: gradient as Tensor, x, potentials },
                attrs as NamedAttrMap,
              ) as Tensor[]
          )[0],
      };
    },
  });
}

/** Whether {@link fusedLogSinkhorn} runs for scores of this shape: fused kernels on, n ≥ 4. */
export function fusedLogSinkhornApplies(shape: number[]): boolean {
  return fusedKernelsActive() && shape.length >= 2 && shape[shape.length - 1] >= SMALLEST_N;
}

/**
 * `iterations` row-then-column logsumexp normalisations of float32 log-scores [..., n, n] by the
 * fused cpu/wasm kernels (only where {@link fusedLogSinkhornApplies}), differentiable; the same
 * matrices as the composed ops up to float rounding.
 */
export function fusedLogSinkhorn(scores: Tensor, iterations: number): Tensor {
  return tf.tidy(() => {
    const [result] = tf.engine().runKernel(FUSED_LOG_SINKHORN, { x: scores }, { iterations }) as Tensor[];
    return result;
  });
}

/**
 * The fewest iterations after which every row of every matrix sums to 1 within `tolerance`
 * (max |Σ_j exp(logSinkhorn)_ij − 1|, as logSinkhorn's composed check), or `iterations` if none:
 * one fused forward pass that also returns each iteration's range of log row sums, read once.
 */
export function fusedIterationsToTolerance(scores: Tensor, iterations: number, tolerance: number): number {
  const ranges = tf.tidy(() => {
    const outputs = tf
      .engine()
      .runKernel(
        FUSED_LOG_SINKHORN,
        { x: stopGradient(scores) },
        { iterations, withDeviations: true },
      ) as Tensor[];
    return outputs[2].dataSync();
  });
  const matrices = ranges.length / (2 * iterations);
  for (let t = 0; t < iterations; t++) {
    let deviation = 0;
    for (let b = 0; b < matrices; b++) {
      const at = 2 * (b * iterations + t);
      deviation = Math.max(deviation, 1 - Math.exp(ranges[at]), Math.exp(ranges[at + 1]) - 1);
    }
    if (deviation < tolerance) return t + 1;
  }
  return iterations;
}
