import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';

/**
 * Runs a fused row kernel `forward` (a value per row of the last axis of `logits`) with the fused
 * gradient kernel `backward` (w.r.t. `logits` only; `constants` such as data get none). The
 * constants are saved with the logits, so they may be intermediates of the caller's tidy.
 */
export function fusedRowLoss(
  forward: string,
  backward: string,
  logits: Tensor,
  constants: tf.NamedTensorMap = {},
): Tensor {
  const names = Object.keys(constants);
  return tf.customGrad((input, save) => {
    const [value] = tf.engine().runKernel(forward, { ...constants, logits: input as Tensor }, {}) as Tensor[];
    (save as tf.GradSaveFunc)([input as Tensor, ...names.map((name) => constants[name])]);
    return {
      value,
      gradFunc: (dy: Tensor, [saved, ...savedConstants]: Tensor[]) => {
        const inputs: tf.NamedTensorMap = { dy, logits: saved };
        names.forEach((name, i) => {
          inputs[name] = savedConstants[i];
        });
        return (tf.engine().runKernel(backward, inputs, {}) as Tensor[])[0];
      },
    };
  })(logits);
}
