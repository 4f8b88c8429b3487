import { positionWords } from '../kernels/module.js';
import { FUSED_GUMBEL_SOFTMAX, FUSED_GUMBEL_SOFTMAX_GRAD } from '../kernels/register.js';
import type { RandomGenerator } from '../random/generator.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import type { Temperature } from '../validate.js';
import { sumToShape } from './axis.js';
import { straightThrough } from './straightThrough.js';

/** The fused sample's views; `hard` only when asked for. */
export interface FusedSample {
  soft: Tensor;
  index: Tensor;
  hard?: Tensor;
}

/** Which outputs one forward call writes besides the soft sample (always output 0). */
interface ForwardOutputs {
  index: boolean;
  hard: boolean;
}

/**
 * The two kernel calls of one draw: `forward` returns [soft, index?, hard?, scores?] (scores when τ is
 * a tensor), `backward` the logits' gradient (and the per-element τ gradient for a tensor τ).
 */
function fusedCalls(logits: Tensor, axis: number, temperature: Temperature, noise: Tensor | RandomGenerator) {
  const { shape } = logits;
  const stream = noise instanceof tf.Tensor ? undefined : noise.reserveWords(logits.size);
  const [positionLow, positionHigh] = positionWords(stream?.position ?? 0);
  const layout = {
    axis,
    outer: tf.util.sizeFromShape(shape.slice(0, axis)),
    categories: shape[axis],
    inner: tf.util.sizeFromShape(shape.slice(axis + 1)),
    temperatureValue: typeof temperature === 'number' ? temperature : 0,
  };
  const withScores = typeof temperature !== 'number';
  return {
    forward(logitsInput: Tensor, wanted: ForwardOutputs, temperatureInput?: Tensor): Tensor[] {
      const inputs: tf.NamedTensorMap = { logits: logitsInput };
      if (noise instanceof tf.Tensor) inputs.noise = noise;
      if (temperatureInput) inputs.temperature = temperatureInput;
      const attrs = {
        ...layout,
        key0: stream?.key0 ?? 0,
        key1: stream?.key1 ?? 0,
        positionLow,
        positionHigh,
        withIndex: wanted.index,
        hard: wanted.hard,
        withScores,
      };
      return tf.engine().runKernel(FUSED_GUMBEL_SOFTMAX, inputs, attrs) as Tensor[];
    },
    backward(dy: Tensor, soft: Tensor, scores?: Tensor, temperatureInput?: Tensor): Tensor[] {
      const inputs: tf.NamedTensorMap = { dy, soft };
      if (scores) inputs.scores = scores;
      if (temperatureInput) inputs.temperature = temperatureInput;
      return tf.engine().runKernel(FUSED_GUMBEL_SOFTMAX_GRAD, inputs, {
        ...layout,
        withTemperature: withScores,
      }) as Tensor[];
    },
  };
}

/**
 * One differentiable output of a fused draw, through tf.customGrad: `pick` chooses it from the
 * forward outputs (`soft` or the one-hot), its gradient is always the soft sample's (for the one-hot
 * that is the straight-through estimator). Saves only the soft sample (and for a tensor τ the scores
 * and τ), nothing else leaves the kernel call but what `pick` returns and `alsoKeep` keeps.
 */
function differentiable(
  calls: ReturnType<typeof fusedCalls>,
  logits: Tensor,
  temperature: Temperature,
  wanted: ForwardOutputs,
  pick: (outputs: Tensor[]) => Tensor,
): Tensor {
  if (typeof temperature === 'number') {
    return tf.customGrad((logitsInput, save) => {
      const outputs = calls.forward(logitsInput as Tensor, wanted);
      (save as tf.GradSaveFunc)([outputs[0]]);
      return {
        value: pick(outputs),
        gradFunc: (dy: Tensor, [savedSoft]: Tensor[]) => calls.backward(dy, savedSoft)[0],
      };
    })(logits);
  }
  return tf.customGrad((logitsInput, temperatureInput, save) => {
    const full = tf.broadcastTo(temperatureInput as Tensor, logits.shape);
    const outputs = calls.forward(logitsInput as Tensor, wanted, full);
    (save as tf.GradSaveFunc)([outputs[0], outputs[outputs.length - 1], full]);
    return {
      value: pick(outputs),
      gradFunc: (dy: Tensor, [savedSoft, savedScores, savedTemperature]: Tensor[]) => {
        const [dLogits, dTemperature] = calls.backward(dy, savedSoft, savedScores, savedTemperature);
        return [dLogits, sumToShape(dTemperature, temperature.shape)];
      },
    };
  })(logits, temperature);
}

/**
 * The Gumbel-softmax's one output through the fused cpu/wasm kernel: the soft sample, or with
 * `hard` the one-hot of its argmax carrying the soft sample's gradient (straight-through). One
 * forward kernel call (noise, softmax, argmax and one-hot), one backward call, no other tensors.
 */
export function fusedGumbelSoftmax(
  logits: Tensor,
  axis: number,
  temperature: Temperature,
  noise: Tensor | RandomGenerator,
  hard: boolean,
): Tensor {
  const calls = fusedCalls(logits, axis, temperature, noise);
  // soft with a scalar τ: the kernel call alone, its gradient registered with TF.js (register.ts)
  if (!hard && typeof temperature === 'number') return calls.forward(logits, { index: false, hard })[0];
  return differentiable(calls, logits, temperature, { index: false, hard }, (outputs) =>
    hard ? outputs[1] : outputs[0],
  );
}

/**
 * Gumbel-softmax through the fused cpu/wasm kernel: noise (drawn inside the kernel from
 * `noise`'s stream, or given as a tensor), softmax((logits + g)/τ), the argmax and its one-hot in
 * one kernel call, with the analytic gradient (for the logits and a tensor τ) as a second kernel.
 * Same values as the composed version up to float rounding (tests compare them).
 */
export function fusedGumbelSoftmaxSample(
  logits: Tensor,
  axis: number,
  temperature: Temperature,
  noise: Tensor | RandomGenerator,
  withHard: boolean,
): FusedSample {
  const calls = fusedCalls(logits, axis, temperature, noise);
  let index: Tensor | undefined;
  let hard: Tensor | undefined;
  const soft = differentiable(calls, logits, temperature, { index: true, hard: withHard }, (outputs) => {
    // customGrad runs this in a tidy that frees all but `value`: keep the other views, and hand
    // them to the caller's scope below.
    index = tf.keep(outputs[1]);
    if (withHard) hard = tf.keep(outputs[2]);
    return outputs[0];
  });
  const tracked = (kept: Tensor) => {
    const copy = tf.clone(kept);
    kept.dispose();
    return copy;
  };
  return {
    soft,
    index: tracked(index as unknown as Tensor),
    hard: hard ? straightThrough(tracked(hard), soft) : undefined,
  };
}
