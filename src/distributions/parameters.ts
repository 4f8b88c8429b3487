import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, checkFinite, checkLogits, type TensorInput } from '../validate.js';
import { untrackedMask } from './masks.js';

/** How far from 1 a slice of `probs` may sum. */
export const PROBABILITY_SUM_TOLERANCE = 1e-4;

/** Exactly one of `logits` (unnormalized log-probabilities) or `probs` (probabilities). */
export type LogitsOrProbs =
  | { logits: TensorInput; probs?: undefined }
  | { probs: TensorInput; logits?: undefined };

/** The parameter a distribution was given, converted to a tensor (a caller's tensor kept as given). */
export interface ProbabilityParameter {
  /** Which of the two parameters it is. */
  readonly kind: 'logits' | 'probs';
  /** The tensor itself. */
  readonly tensor: Tensor;
}

/** Which of `logits` and `probs` was given; throws unless exactly one was. */
export function chooseParameter(parameters: {
  logits?: TensorInput;
  probs?: TensorInput;
}): 'logits' | 'probs' {
  const hasLogits = parameters.logits !== undefined;
  const hasProbs = parameters.probs !== undefined;
  if (hasLogits === hasProbs) {
    throw new ArgumentError(
      'logits',
      `or probs must be given (exactly one), got ${hasLogits ? 'both' : 'neither'}`,
    );
  }
  return hasLogits ? 'logits' : 'probs';
}

/** Checks the rank and category count of a categorical parameter (always, even without validateArgs). */
export function checkCategoryAxis(parameter: ProbabilityParameter): number {
  const { kind, tensor } = parameter;
  if (tensor.rank < 1) {
    throw new ArgumentError(kind, 'must have rank >= 1 (the last axis holds the categories), got a scalar');
  }
  const categories = tensor.shape[tensor.rank - 1];
  if (categories < 1) throw new ArgumentError(kind, 'must have at least one category on the last axis');
  return categories;
}

/**
 * Checks categorical parameters: logits without NaN or +Infinity and with an unmasked entry in every
 * slice, or probs in [0, 1] summing to 1 (within 1e−4) along the last axis.
 */
export function checkCategoricalParameter(parameter: ProbabilityParameter): void {
  if (parameter.kind === 'logits') {
    checkLogits(parameter.tensor, parameter.tensor.rank - 1, 'logits');
    return;
  }
  const values = parameter.tensor.dataSync();
  const categories = parameter.tensor.shape[parameter.tensor.rank - 1];
  for (let start = 0; start < values.length; start += categories) {
    let total = 0;
    for (let i = start; i < start + categories; i++) {
      const p = values[i];
      if (!(p >= 0 && p <= 1)) {
        throw new ArgumentError('probs', `must lie in [0, 1], got ${p} at flat index ${i}`);
      }
      total += p;
    }
    if (Math.abs(total - 1) > PROBABILITY_SUM_TOLERANCE) {
      throw new ArgumentError(
        'probs',
        `must sum to 1 (within ${PROBABILITY_SUM_TOLERANCE}) along the last axis, got a slice summing to ${total}`,
      );
    }
  }
}

/** Checks Bernoulli parameters: finite logits, or probs strictly inside (0, 1). */
export function checkBernoulliParameter(parameter: ProbabilityParameter): void {
  if (parameter.kind === 'logits') {
    checkFinite(parameter.tensor, 'logits');
    return;
  }
  const values = parameter.tensor.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] > 0 && values[i] < 1)) {
      throw new ArgumentError(
        'probs',
        `must lie in the open interval (0, 1), got ${values[i]} at flat index ${i}`,
      );
    }
  }
}

/**
 * Normalized log-probabilities log p along the last axis; masked categories (−Infinity logits or
 * zero probs) give −Infinity with a zero, never NaN, gradient. Returns a new tensor.
 */
export function categoricalLogProbs(parameter: ProbabilityParameter): Tensor {
  return tf.tidy(() => {
    if (parameter.kind === 'logits') return tf.logSoftmax(parameter.tensor);
    const probs = categoricalProbs(parameter);
    const positive = untrackedMask(probs, (p) => tf.greater(p, 0));
    const safeLog = tf.log(tf.where(positive, probs, tf.onesLike(probs)));
    return tf.where(positive, safeLog, tf.fill(probs.shape, Number.NEGATIVE_INFINITY));
  });
}

/** Probabilities along the last axis (softmax of the logits, or the probs renormalized). Returns a new tensor. */
export function categoricalProbs(parameter: ProbabilityParameter): Tensor {
  return tf.tidy(() => {
    if (parameter.kind === 'logits') return tf.softmax(parameter.tensor);
    return tf.div(parameter.tensor, tf.sum(parameter.tensor, -1, true));
  });
}

/** Bernoulli logits log p − log(1 − p). Returns a new tensor. */
export function bernoulliLogits(parameter: ProbabilityParameter): Tensor {
  return tf.tidy(() => {
    if (parameter.kind === 'logits') return tf.clone(parameter.tensor);
    return tf.sub(tf.log(parameter.tensor), tf.log1p(tf.neg(parameter.tensor)));
  });
}

/** Bernoulli probabilities sigmoid(logits). Returns a new tensor. */
export function bernoulliProbs(parameter: ProbabilityParameter): Tensor {
  return tf.tidy(() => {
    if (parameter.kind === 'probs') return tf.clone(parameter.tensor);
    return tf.sigmoid(parameter.tensor);
  });
}

/** Shape of a temperature: `[]` for a number. */
export function temperatureShape(temperature: number | Tensor): number[] {
  return typeof temperature === 'number' ? [] : temperature.shape;
}
