import type { Seed } from '../random/generator.js';
import { normalNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, checkFinite, type TensorInput, toFloatTensor } from '../validate.js';

/**
 * The reparameterization trick for a Gaussian: z = μ + σ·ε, ε ~ N(0, 1), differentiable in μ and
 * σ. The result has the broadcast shape of `mean` and `std`.
 *
 * @param std - standard deviation σ ≥ 0 (finite).
 * @example
 * ```ts
 * const z = reparameterizeNormal(tf.zeros([4]), tf.ones([4]), { seed: 3 });
 * ```
 */
export function reparameterizeNormal(
  mean: TensorInput,
  std: TensorInput,
  options: { seed?: Seed; validateArgs?: boolean } = {},
): Tensor {
  return tf.tidy(() => {
    const meanTensor = toFloatTensor(mean, 'mean');
    const stdTensor = toFloatTensor(std, 'std');
    if (options.validateArgs !== false) {
      checkFinite(meanTensor, 'mean');
      checkFinite(stdTensor, 'std');
      if (tf.any(tf.less(stdTensor, 0)).dataSync()[0]) {
        throw new ArgumentError('std', 'must be >= 0 everywhere');
      }
    }
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(meanTensor.shape, stdTensor.shape);
    const epsilon = normalNoise(shape, options.seed);
    return tf.add(meanTensor, tf.mul(stdTensor, epsilon));
  });
}
