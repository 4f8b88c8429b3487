import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { beginKernelCall, wasmBackendKernels } from './backendMemory.js';
import { type KernelExports, ScratchKernels } from './module.js';
import { useSharedIdentity } from './sharedIdentity.js';
import { useFilledSumGradient } from './sumGradient.js';

/** TF.js kernel names of the fused kernels (registered for the cpu and wasm backends). */
export const FUSED_GUMBEL_SOFTMAX = 'GumbelSoftmaxFused';
export const FUSED_GUMBEL_SOFTMAX_GRAD = 'GumbelSoftmaxFusedGrad';
export const FUSED_ADAM = 'GumbelAdamFused';
export const FUSED_BERNOULLI = 'GumbelBernoulliLogLikelihoodFused';
export const FUSED_BERNOULLI_GRAD = 'GumbelBernoulliLogLikelihoodFusedGrad';
export const FUSED_KL_UNIFORM = 'GumbelKlToUniformFused';
export const FUSED_KL_UNIFORM_GRAD = 'GumbelKlToUniformFusedGrad';
export const FUSED_EXP_CONCRETE = 'GumbelExpConcreteLogProbFused';
export const FUSED_EXP_CONCRETE_GRAD = 'GumbelExpConcreteLogProbFusedGrad';

/** The backends with fused kernels. */
export const FUSED_BACKENDS = ['cpu', 'wasm'] as const;

/**
 * Registers the kernels `kernelsFor(backendName)` lists, each under its name, on every fused backend
 * (cpu and wasm), skipping a name already registered there (a second import of the module).
 */
export function registerOnFusedBackends(
  kernelsFor: (backendName: (typeof FUSED_BACKENDS)[number]) => [string, KernelConfig['kernelFunc']][],
): void {
  for (const backendName of FUSED_BACKENDS) {
    for (const [kernelName, kernelFunc] of kernelsFor(backendName)) {
      if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc });
    }
  }
}

let enabled = true;

/**
 * Turns the fused cpu/wasm kernels on or off (default on): Gumbel-softmax forward and backward,
 * the Adam update, the Bernoulli log-likelihood, the KL to a uniform prior and the ExpConcrete
 * log-density, each with its gradient; on wasm also Identity and Cast sharing buffers instead of
 * copying them (sharedIdentity.ts) and the Sum gradient's ones made by Fill (sumGradient.ts). Off,
 * the same operations run composed from TF.js ops, as they always do on WebGL, WebGPU and
 * tfjs-node; the results agree up to float rounding. For comparisons and debugging.
 */
export function useFusedKernels(on: boolean): void {
  enabled = on;
  useSharedIdentity(on);
  useFilledSumGradient(on);
}

/** Whether the fused kernels run on the active backend. */
export function fusedKernelsActive(): boolean {
  if (!enabled) return false;
  const name = tf.getBackend();
  if (name === 'cpu') return ScratchKernels.get() !== null;
  if (name === 'wasm') return wasmBackendKernels(tf.backend()) !== null;
  return false;
}

type Attrs = NamedAttrMap & Record<string, number | boolean>;

/**
 * Inputs: logits, and optionally noise (Gumbel, the logits' shape) and temperature (broadcast to
 * the logits' shape). Outputs: soft, then the index (int32, the category axis removed) if
 * attrs.withIndex, the one-hot if attrs.hard, the scores if attrs.withScores.
 */
function fusedGumbelSoftmax(backendName: string): KernelConfig['kernelFunc'] {
  return ({ inputs, backend, attrs }) => {
    const { logits, noise, temperature } = inputs as Record<string, TensorInfo | undefined>;
    const a = attrs as Attrs;
    const shape = (logits as TensorInfo).shape;
    const indexShape = shape.filter((_, i) => i !== (a.axis as number));
    const outputs = [
      { shape, dtype: 'float32' as const },
      ...(a.withIndex ? [{ shape: indexShape, dtype: 'int32' as const }] : []),
      ...(a.hard ? [{ shape, dtype: 'float32' as const }] : []),
      ...(a.withScores ? [{ shape, dtype: 'float32' as const }] : []),
    ];
    const call = beginKernelCall(backendName, backend, [logits, noise, temperature], outputs);
    const [soft, ...rest] = call.outputs;
    const index = a.withIndex ? rest.shift() : 0;
    const hard = a.hard ? rest[0] : 0;
    const scores = a.withScores ? rest[rest.length - 1] : 0;
    call.exports.softmaxForward(
      call.inputs[0],
      call.inputs[1],
      call.inputs[2],
      a.temperatureValue as number,
      soft,
      hard,
      index ?? 0,
      scores,
      a.outer as number,
      a.categories as number,
      a.inner as number,
      a.key0 as number,
      a.key1 as number,
      a.positionLow as number,
      a.positionHigh as number,
    );
    return call.finish();
  };
}

/** Inputs: dy, soft, and optionally scores and temperature. Outputs: dlogits, then dτ per element if attrs.withTemperature. */
function fusedGumbelSoftmaxGrad(backendName: string): KernelConfig['kernelFunc'] {
  return ({ inputs, backend, attrs }) => {
    const { dy, soft, scores, temperature } = inputs as Record<string, TensorInfo | undefined>;
    const a = attrs as Attrs;
    const shape = (soft as TensorInfo).shape;
    const outputs = [{ shape, dtype: 'float32' as const }];
    if (a.withTemperature) outputs.push({ shape, dtype: 'float32' as const });
    const call = beginKernelCall(backendName, backend, [dy, soft, scores, temperature], outputs);
    call.exports.softmaxBackward(
      call.inputs[0],
      call.inputs[1],
      call.inputs[2],
      call.inputs[3],
      a.temperatureValue as number,
      call.outputs[0],
      a.withTemperature ? call.outputs[1] : 0,
      a.outer as number,
      a.categories as number,
      a.inner as number,
    );
    return call.finish();
  };
}

/** Inputs: parameter, gradient, first, second moments. Outputs: the three updated. */
function fusedAdam(backendName: string): KernelConfig['kernelFunc'] {
  return ({ inputs, backend, attrs }) => {
    const { parameter, gradient, first, second } = inputs as Record<string, TensorInfo>;
    const a = attrs as Attrs;
    const shape = parameter.shape;
    const spec = { shape, dtype: 'float32' as const };
    const call = beginKernelCall(
      backendName,
      backend,
      [parameter, gradient, first, second],
      [spec, spec, spec],
    );
    call.exports.adam(
      call.inputs[0],
      call.inputs[1],
      call.inputs[2],
      call.inputs[3],
      call.outputs[0],
      call.outputs[1],
      call.outputs[2],
      tf.util.sizeFromShape(shape),
      a.beta1 as number,
      a.oneMinusBeta1 as number,
      a.beta2 as number,
      a.oneMinusBeta2 as number,
      a.sqrtCorrection2 as number,
      a.epsilon as number,
      a.stepSize as number,
    );
    return call.finish();
  };
}

/**
 * A kernel over rows of the last axis: `inputs` in this order, one float32 output of the shape of
 * input `shapeFrom` (minus its last axis when `reduces`); `run` gets the offsets, the row count and
 * the row length.
 */
function rowKernel(
  backendName: string,
  inputNames: string[],
  shapeFrom: string,
  reduces: boolean,
  run: (
    exports: KernelExports,
    inputs: number[],
    output: number,
    rows: number,
    length: number,
    attrs: Attrs,
  ) => void,
): KernelConfig['kernelFunc'] {
  return ({ inputs, backend, attrs }) => {
    const named = inputs as Record<string, TensorInfo>;
    const shape = named[shapeFrom].shape;
    const length = shape[shape.length - 1] ?? 1;
    const rows = tf.util.sizeFromShape(shape.slice(0, -1));
    const outputShape = reduces ? shape.slice(0, -1) : shape;
    const call = beginKernelCall(
      backendName,
      backend,
      inputNames.map((name) => named[name]),
      [{ shape: outputShape, dtype: 'float32' }],
    );
    if (rows * length > 0) run(call.exports, call.inputs, call.outputs[0], rows, length, attrs as Attrs);
    return call.finish();
  };
}

/** Inputs: logProbs, x, logGamma ([K + 1]); attrs: temperature. Output: the log-density per row. */
function fusedExpConcrete(backendName: string): KernelConfig['kernelFunc'] {
  return rowKernel(
    backendName,
    ['logProbs', 'x', 'logGamma'],
    'x',
    true,
    (e, [lp, x, logGamma], out, rows, k, a) => {
      const tau = a.temperature as number;
      e.expConcreteForward(lp, x, logGamma, out, rows, k, tau, Math.log(tau));
    },
  );
}

/** Inputs: dy, logProbs, x. Outputs: the gradients w.r.t. logProbs and x. */
function fusedExpConcreteGrad(backendName: string): KernelConfig['kernelFunc'] {
  return ({ inputs, backend, attrs }) => {
    const { dy, logProbs, x } = inputs as Record<string, TensorInfo>;
    const shape = x.shape;
    const k = shape[shape.length - 1];
    const rows = tf.util.sizeFromShape(shape.slice(0, -1));
    const spec = { shape, dtype: 'float32' as const };
    const call = beginKernelCall(backendName, backend, [dy, logProbs, x], [spec, spec]);
    if (rows * k > 0) {
      const [dyAt, lpAt, xAt] = call.inputs;
      call.exports.expConcreteBackward(
        dyAt,
        lpAt,
        xAt,
        call.outputs[0],
        call.outputs[1],
        rows,
        k,
        (attrs as Attrs).temperature as number,
      );
    }
    return call.finish();
  };
}

registerOnFusedBackends((backendName) => [
  [FUSED_GUMBEL_SOFTMAX, fusedGumbelSoftmax(backendName)],
  [FUSED_GUMBEL_SOFTMAX_GRAD, fusedGumbelSoftmaxGrad(backendName)],
  [FUSED_ADAM, fusedAdam(backendName)],
  [
    FUSED_BERNOULLI,
    rowKernel(backendName, ['images', 'logits'], 'logits', true, (e, [x, l], out, rows, d) =>
      e.bernoulliForward(x, l, out, rows, d),
    ),
  ],
  [
    FUSED_BERNOULLI_GRAD,
    rowKernel(backendName, ['dy', 'images', 'logits'], 'logits', false, (e, [dy, x, l], out, rows, d) =>
      e.bernoulliBackward(dy, x, l, out, rows, d),
    ),
  ],
  [
    FUSED_KL_UNIFORM,
    rowKernel(backendName, ['logits'], 'logits', true, (e, [l], out, rows, k) =>
      e.klUniformForward(l, out, rows, k),
    ),
  ],
  [
    FUSED_KL_UNIFORM_GRAD,
    rowKernel(backendName, ['dy', 'logits'], 'logits', false, (e, [dy, l], out, rows, k) =>
      e.klUniformBackward(dy, l, out, rows, k),
    ),
  ],
  [FUSED_EXP_CONCRETE, fusedExpConcrete(backendName)],
  [FUSED_EXP_CONCRETE_GRAD, fusedExpConcreteGrad(backendName)],
]);

/**
 * The gradient of the forward kernel's soft sample when TF.js's tape records the kernel itself (a
 * scalar τ, soft output only): the backward kernel on dy and the saved soft sample. Cheaper than a
 * tf.customGrad around the call (its tidy and closures: ≈ 0.03 ms a call). Inside a customGrad (the
 * other outputs, a tensor τ) the kernel is not taped, so this is not used there.
 */
if (!tf.getGradient(FUSED_GUMBEL_SOFTMAX)) {
  tf.registerGradient({
    kernelName: FUSED_GUMBEL_SOFTMAX,
    outputsToSave: [true],
    gradFunc: (dy, [soft], attrs) => {
      const { outer, categories, inner, temperatureValue } = attrs as Attrs;
      const gradAttrs = { outer, categories, inner, temperatureValue, withTemperature: false };
      const inputs = { dy: dy as tf.Tensor, soft };
      return {
        logits: () => (tf.engine().runKernel(FUSED_GUMBEL_SOFTMAX_GRAD, inputs, gradAttrs) as tf.Tensor[])[0],
      };
    },
  });
}
