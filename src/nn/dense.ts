import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { inputGradientOf, inputTimesKernel, kernelGradientOf } from './denseProducts.js';

/** Activation applied by {@link dense}. */
export type Activation = 'relu' | 'linear';

/**
 * A fully connected layer y = activation(x·W + b) with a hand-written gradient.
 *
 * Its three products (x·W forward; xᵀ·dy and dy·Wᵀ backward) are those of `denseProducts.ts`: the
 * packed matMul kernel on cpu and wasm, tf.matMul with explicit transposes elsewhere.
 *
 * @param input - [batch, inputs]
 * @param kernel - [inputs, units]
 * @param bias - [units]
 * @param inputGradient - false when nothing upstream needs ∂L/∂input (a first layer fed with
 *   data): its gradient is then zeros, saving a [batch × units × inputs] matMul per step.
 */
export function dense(
  input: Tensor,
  kernel: Tensor,
  bias: Tensor,
  activation: Activation = 'linear',
  inputGradient = true,
): Tensor {
  const layer = tf.customGrad((x, w, b, save) => {
    const output = tf.tidy(() => {
      const linear = tf.add(inputTimesKernel(x as Tensor, w as Tensor), b as Tensor);
      return activation === 'relu' ? tf.relu(linear) : linear;
    });
    (save as tf.GradSaveFunc)([x as Tensor, w as Tensor, output]);
    return {
      value: output,
      gradFunc: (dy: Tensor, [savedInput, savedKernel, savedOutput]: Tensor[]) =>
        tf.tidy(() => {
          const dLinear =
            activation === 'relu' ? tf.mul(dy, tf.cast(tf.greater(savedOutput, 0), 'float32')) : dy;
          return [
            inputGradient ? inputGradientOf(dLinear, savedKernel) : tf.zerosLike(savedInput),
            kernelGradientOf(savedInput, dLinear),
            tf.sum(dLinear, 0),
          ];
        }),
    };
  });
  return layer(input, kernel, bias);
}
