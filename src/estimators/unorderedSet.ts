import { oneHotAlong } from '../ops/axis.js';
import { gumbelTopK } from '../ops/gumbelMax.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import type { DownstreamLoss, Estimate, EstimatorOptions } from './estimator.js';
import { callLoss, checkCount, prepareEstimatorLogits, scoreSurrogate } from './shared.js';

/** Options of {@link unorderedSet}. */
export interface UnorderedSetOptions extends EstimatorOptions {
  /** k ≥ 2 (default 4): distinct categories drawn without replacement per categorical; f is evaluated k times. */
  k?: number;
}

/**
 * p^{D∖removed}(set): the probability that |set| draws without replacement from p restricted to the
 * categories not in `removed` give exactly `set` in some order — a sum over the orders, by dynamic
 * programming over subsets (2^|set|·|set| terms), in double precision.
 */
function setProbability(p: ArrayLike<number>, set: number[], removed: number[]): number {
  let mass = 1;
  for (const a of removed) mass -= p[a];
  const size = set.length;
  const full = (1 << size) - 1;
  // ways[mask]: probability of drawing the members of mask first (in any order).
  const ways = new Float64Array(1 << size);
  ways[0] = 1;
  for (let mask = 0; mask < full; mask++) {
    if (ways[mask] === 0) continue;
    let used = 0;
    for (let i = 0; i < size; i++) if (mask & (1 << i)) used += p[set[i]];
    const left = mass - used;
    for (let i = 0; i < size; i++) {
      if (mask & (1 << i)) continue;
      ways[mask | (1 << i)] += left > 0 ? (ways[mask] * p[set[i]]) / left : 0;
    }
  }
  return ways[full];
}

/**
 * For one categorical: the weights p(s)·R(S, s) of the unordered-set estimate of E f, and the weights
 * p(s)·R(S, s)·(f(s) − B(S, s)) of ∇log p(s) in its gradient with the built-in baseline
 * B(S, s) = p(s)·f(s) + Σ_{s′ ∈ S∖s} p(s′)·R^{D∖s}(S∖s, s′)·f(s′) (Kool et al. 2020, Theorem 4).
 */
function setWeights(
  p: ArrayLike<number>,
  set: number[],
  losses: number[],
): { value: number[]; score: number[] } {
  const whole = setProbability(p, set, []);
  const value: number[] = [];
  const score: number[] = [];
  set.forEach((s, i) => {
    const others = set.filter((_, j) => j !== i);
    const withoutS = setProbability(p, others, [s]);
    const ratio = withoutS / whole;
    let baseline = p[s] * losses[i];
    others.forEach((other, j) => {
      const rest = others.filter((_, m) => m !== j);
      const otherRatio = setProbability(p, rest, [s, other]) / withoutS;
      baseline += p[other] * otherRatio * losses[set.indexOf(other)];
    });
    value.push(p[s] * ratio);
    score.push(p[s] * ratio * (losses[i] - baseline));
  });
  return { value, score };
}

/**
 * The unordered-set estimator (Kool, van Hoof & Welling 2020) with its built-in baseline: k distinct
 * categories S drawn without replacement (Gumbel-top-k, {@link gumbelTopK}) and the unbiased gradient
 * Σ_{s∈S} ∇p(s)·R(S, s)·(f(s) − B(S, s)), R(S, s) = p^{D∖s}(S∖s)/p(S), B the estimate of E f from the
 * other samples (so no learned baseline is needed). `loss` is the unordered-set estimate
 * Σ_s p(s)·R(S, s)·f(s) of E f (variables f reads get its gradient); `sample` is the first draw.
 * f must return one loss per categorical (the logits' shape without the category axis), since the
 * set is drawn for each categorical on its own. The set probabilities are exact sums over the k!
 * orders (by subsets), computed on the CPU in double precision; keep k small (≤ 8).
 *
 * @throws {@link ArgumentError} for bad logits, k not an integer in [2, unmasked categories], a loss
 *   that is not one value per categorical.
 * @example
 * ```ts
 * const { loss } = estimators.unorderedSet(logits, squaredError, { k: 4, seed: 1 });
 * ```
 */
export function unorderedSet(
  logits: Tensor,
  loss: DownstreamLoss,
  options: UnorderedSetOptions = {},
): Estimate {
  const k = options.k ?? 4;
  checkCount(k, 2, 'k');
  return tf.tidy(() => {
    const prepared = prepareEstimatorLogits(logits, options);
    const categories = prepared.shape[prepared.rank - 1];
    const batchShape = prepared.shape.slice(0, -1);
    // Drawn from a copy off the gradient tape (TopK has no gradient).
    const indices = gumbelTopK(tf.tensor(prepared.dataSync(), prepared.shape), k, {
      seed: options.seed,
      axis: -1,
    });
    const draws: Tensor[] = [];
    const losses: Tensor[] = [];
    for (let j = 0; j < k; j++) {
      const index = tf.squeeze(tf.slice(indices, [...batchShape.map(() => 0), j], [...batchShape, 1]), [-1]);
      const draw = oneHotAlong(index, categories, prepared.rank - 1);
      const value = callLoss(loss, draw, prepared.shape);
      if (value.rank !== batchShape.length) {
        throw new ArgumentError(
          'loss',
          `must return one loss per categorical (shape [${batchShape}]) for the unordered-set estimator, got [${value.shape}]`,
        );
      }
      draws.push(draw);
      losses.push(value);
    }
    const probabilities = tf.softmax(prepared).dataSync();
    const chosen = indices.dataSync();
    const lossValues = tf.stack(losses).dataSync();
    const slices = chosen.length / k;
    const valueWeights = new Float32Array(k * slices);
    const scoreWeights = new Float32Array(k * slices);
    for (let slice = 0; slice < slices; slice++) {
      const set = Array.from(chosen.subarray(slice * k, (slice + 1) * k));
      const p = probabilities.subarray(slice * categories, (slice + 1) * categories);
      const f = set.map((_, j) => lossValues[j * slices + slice]);
      const { value, score } = setWeights(p, set, f);
      for (let j = 0; j < k; j++) {
        valueWeights[j * slices + slice] = value[j];
        scoreWeights[j * slices + slice] = score[j];
      }
    }
    const stackedLosses = tf.stack(losses);
    const estimate = tf.sum(tf.mul(stackedLosses, tf.tensor(valueWeights, stackedLosses.shape)), 0);
    const surrogate = scoreSurrogate(prepared, tf.stack(draws), tf.tensor(scoreWeights, stackedLosses.shape));
    return { sample: draws[0], loss: tf.add(estimate, surrogate) };
  });
}
