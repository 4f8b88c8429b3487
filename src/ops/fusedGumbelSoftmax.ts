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
  const { shape } = logits;
  const stream = noise instanceof tf.Tensor ? undefined : noise.reserveWords(logits.size);
  const [positionLow, positionHigh] = positionWords(stream?.position ?? 0);
  const layout = {
    axis,
    outer: tf.util.sizeFromShape(shape.slice(0, axis)),
    categories: shape[axis],
    inner: tf.util.sizeFromShape(shape.slice(axis + 1)),
  };
  const numberTemperature = typeof temperature === 'number';
  const forwardAttrs = {
    ...layout,
    temperatureValue: numberTemperature ? temperature : 0,
    key0: stream?.key0 ?? 0,
    key1: stream?.key1 ?? 0,
    positionLow,
    positionHigh,
    hard: withHard,
    withScores: !numberTemperature,
  };
  let index: Tensor | undefined;
  let hard: Tensor | undefined;
  const run = (logitsInput: Tensor, temperatureInput?: Tensor): Tensor[] => {
    const inputs: tf.NamedTensorMap = { logits: logitsInput };
    if (noise instanceof tf.Tensor) inputs.noise = noise;
    if (temperatureInput) inputs.temperature = temperatureInput;
    const outputs = tf.engine().runKernel(FUSED_GUMBEL_SOFTMAX, inputs, forwardAttrs) as Tensor[];
    // customGrad runs this in a tidy that frees all but `value`: keep the other views, and hand
    // them to the caller's scope below.
    index = tf.keep(outputs[1]);
    if (withHard) hard = tf.keep(outputs[2]);
    return outputs;
  };
  const backward = (dy: Tensor, soft: Tensor, scores?: Tensor, temperatureInput?: Tensor): Tensor[] => {
    const inputs: tf.NamedTensorMap = { dy, soft };
    if (scores) inputs.scores = scores;
    if (temperatureInput) inputs.temperature = temperatureInput;
    return tf.engine().runKernel(FUSED_GUMBEL_SOFTMAX_GRAD, inputs, {
      ...layout,
      temperatureValue: forwardAttrs.temperatureValue,
      withTemperature: !numberTemperature,
    }) as Tensor[];
  };

  let soft: Tensor;
  if (typeof temperature === 'number') {
    soft = tf.customGrad((logitsInput, save) => {
      const [value] = run(logitsInput as Tensor);
      (save as tf.GradSaveFunc)([value]);
      return { value, gradFunc: (dy: Tensor, [savedSoft]: Tensor[]) => backward(dy, savedSoft)[0] };
    })(logits);
  } else {
    soft = tf.customGrad((logitsInput, temperatureInput, save) => {
      const full = tf.broadcastTo(temperatureInput as Tensor, shape);
      const outputs = run(logitsInput as Tensor, full);
      (save as tf.GradSaveFunc)([outputs[0], outputs[outputs.length - 1], full]);
      return {
        value: outputs[0],
        gradFunc: (dy: Tensor, [savedSoft, savedScores, savedTemperature]: Tensor[]) => {
          const [dLogits, dTemperature] = backward(dy, savedSoft, savedScores, savedTemperature);
          return [dLogits, sumToShape(dTemperature, temperature.shape)];
        },
      };
    })(logits, temperature);
  }
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
