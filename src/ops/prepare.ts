import type { Tensor } from '../tf.js';
import { ArgumentError, checkLogits, normalizeAxis, type TensorInput, toFloatTensor } from '../validate.js';

/** Options shared by the sampling ops. */
export interface AxisOptions {
  /** The axis of categories (default −1, the last). */
  axis?: number;
  /**
   * Check inputs for NaN, +Infinity and fully masked slices before sampling (default true). It
   * reads the logits once; turn it off in a hot loop once the inputs are known to be good.
   */
  validateArgs?: boolean;
}

/** Converts and checks logits; returns the tensor, the resolved axis and the fewest unmasked entries per slice. */
export function prepareLogits(
  logits: TensorInput,
  options: AxisOptions,
): { logits: Tensor; axis: number; fewestUnmasked: number } {
  const tensor = toFloatTensor(logits, 'logits');
  if (tensor.rank < 1)
    throw new ArgumentError('logits', 'must have rank >= 1 (an axis of categories), got a scalar');
  const axis = normalizeAxis(options.axis ?? -1, tensor.rank);
  const fewestUnmasked = options.validateArgs === false ? tensor.shape[axis] : checkLogits(tensor, axis);
  return { logits: tensor, axis, fewestUnmasked };
}
