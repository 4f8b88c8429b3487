import { fusedDenseActive, fusedDenseOp } from '../kernels/denseKernels.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { inputGradientOf, inputTimesKernel, kernelGradientOf } from './denseProducts.js';

/** Activation applied by {@link dense}. */
export type Activation = 'relu' | 'linear';

/**
 * A fully connected layer y = activation(x·W + b) with a hand-written gradient.
 *
 * On cpu and wasm (packed matMul active) one fused kernel each way (`kernels/denseKernels.ts`:
 * the packed products with bias, ReLU, its mask and the bias gradient in single passes, and no
 * copies of the saved tensors). Elsewhere composed TF.js ops with the products of
 * `denseProducts.ts` (tf.matMul with explicit transposes).
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
  if (fusedDenseActive()) return fusedDenseOp(input, kernel, bias, activation === 'relu', inputGradient);
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
