import type { Activation } from '../../nn/dense.js';
import { inputGradientOf, inputTimesKernel, kernelGradientOf } from '../../nn/denseProducts.js';
import type { Tensor } from '../../tf.js';
import { tf } from '../../tf.js';
import type { Collectives } from './collectives.js';
import type { Range } from './partition.js';

/** One worker's columns of a dense layer: the units `columns[index]` of the layer's `columns`. */
export interface ShardedLayer {
  name: string;
  /** [inputs, own units] */
  kernel: tf.Variable;
  /** [own units] */
  bias: tf.Variable;
  activation: Activation;
  /** Every worker's units, in worker order. */
  columns: Range[];
  /** Which of them are this worker's. */
  index: number;
}

/**
 * A dense layer split by output units across the workers (Megatron-style tensor parallelism).
 * Forward: this worker's units act(x·W_own + b_own), then an all-gather gives every worker the whole
 * output. Backward: this worker's columns of ∂L/∂y give ∂L/∂W_own and ∂L/∂b_own locally; its share
 * of ∂L/∂x is summed with the other workers' by an all-reduce. Every input and output is the same on
 * all workers; only the parameters (and their gradients and Adam moments) are split.
 *
 * @param inputGradient - false for a first layer fed with data (no ∂L/∂x, no all-reduce).
 */
export function shardedDense(
  input: Tensor,
  layer: ShardedLayer,
  collectives: Collectives,
  inputGradient = true,
): Tensor {
  const own = layer.columns[layer.index];
  const apply = tf.customGrad((x, kernel, bias, save) => {
    const part = tf.tidy(() => {
      const linear = tf.add(inputTimesKernel(x as Tensor, kernel as Tensor), bias as Tensor);
      return layer.activation === 'relu' ? tf.relu(linear) : linear;
    });
    (save as tf.GradSaveFunc)([x as Tensor, kernel as Tensor, part]);
    return {
      value: collectives.allGatherColumns(part, layer.columns),
      gradFunc: (dy: Tensor, [savedInput, savedKernel, savedPart]: Tensor[]) =>
        tf.tidy(() => {
          const dyOwn = tf.slice(dy, [0, own.start], [-1, own.count]);
          const dLinear =
            layer.activation === 'relu' ? tf.mul(dyOwn, tf.cast(tf.greater(savedPart, 0), 'float32')) : dyOwn;
          const dInput = inputGradient
            ? collectives.allReduceSum(inputGradientOf(dLinear, savedKernel))
            : tf.zerosLike(savedInput);
          return [dInput, kernelGradientOf(savedInput, dLinear), tf.sum(dLinear, 0)];
        }),
    };
  });
  return apply(input, layer.kernel, layer.bias);
}
