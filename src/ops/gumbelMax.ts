import type { Seed } from '../random/generator.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, type TensorInput } from '../validate.js';
import { moveAxisLast, moveLastAxisTo } from './axis.js';
import { type AxisOptions, prepareLogits } from './prepare.js';

/** Options of {@link gumbelMax} and {@link gumbelTopK}. */
export interface GumbelMaxOptions extends AxisOptions {
  /** Integer seed or generator; without one, each call draws fresh noise. */
  seed?: Seed;
}

/**
 * The Gumbel-max trick: argmax(logits + g), g ~ Gumbel(0, 1), is an exact sample of
 * Categorical(softmax(logits)). Masked (−Infinity) categories are never drawn.
 *
 * @returns int32 indices, the logits' shape without `axis`. Not differentiable.
 */
export function gumbelMax(logits: TensorInput, options: GumbelMaxOptions = {}): Tensor {
  return tf.tidy(() => {
    const prepared = prepareLogits(logits, options);
    const noise = gumbelNoise(prepared.logits.shape, options.seed);
    return tf.argMax(tf.add(prepared.logits, noise), prepared.axis);
  });
}

/**
 * Gumbel-top-k: the indices of the k largest logits + g are k categories drawn without replacement
 * in order, each with probability proportional to softmax(logits) among those not yet drawn
 * (Kool et al. 2019). Masked categories are never drawn.
 *
 * @param k - how many distinct categories, in [1, number of unmasked categories].
 * @returns int32 indices; the logits' shape with `axis` of size k, first pick first.
 */
export function gumbelTopK(logits: TensorInput, k: number, options: GumbelMaxOptions = {}): Tensor {
  return tf.tidy(() => {
    const prepared = prepareLogits(logits, options);
    const categories = prepared.logits.shape[prepared.axis];
    if (!Number.isInteger(k) || k < 1 || k > prepared.fewestUnmasked) {
      const limit =
        prepared.fewestUnmasked < categories
          ? `${prepared.fewestUnmasked} (the fewest unmasked categories in a slice)`
          : `${categories} (the number of categories)`;
      throw new ArgumentError('k', `must be an integer in [1, ${limit}], got ${k}`);
    }
    const noise = gumbelNoise(prepared.logits.shape, options.seed);
    const perturbed = tf.add(prepared.logits, noise);
    const { moved, permutation } = moveAxisLast(perturbed, prepared.axis);
    return moveLastAxisTo(tf.topk(moved, k).indices, permutation);
  });
}
