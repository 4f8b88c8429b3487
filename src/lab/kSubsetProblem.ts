/**
 * The lab's k-subset problem: min_θ E‖z − t‖² over k-hot z, n = 8, k = 3, where every one of the
 * C(8, 3) = 56 subsets (and all 336 ordered draws) can be enumerated, so each estimator's bias is
 * measured against an exact gradient — of the law it actually samples.
 */
import { RandomGenerator } from '../random/generator.js';
import { normalArray, uniformArray } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import { kSubsetLabEstimators, type LabReference } from './kSubsetEstimators.js';
import type { LabProblem } from './problems.js';

/** Every k-subset of n items (as sorted index lists), or every ordered draw of k distinct items. */
function choices(n: number, k: number, ordered: boolean): number[][] {
  const out: number[][] = [];
  const extend = (prefix: number[]) => {
    if (prefix.length === k) {
      out.push(prefix);
      return;
    }
    const start = ordered ? 0 : (prefix[prefix.length - 1] ?? -1) + 1;
    for (let i = start; i < n; i++) if (!prefix.includes(i)) extend([...prefix, i]);
  };
  extend([]);
  return out;
}

function kHots(sets: number[][], n: number): Tensor {
  return tf.tensor2d(sets.map((set) => Array.from({ length: n }, (_, i) => (set.includes(i) ? 1 : 0))));
}

/** The value and gradient at θ of a scalar function of θ, as plain numbers. */
function valueAndGradient(
  logits: Tensor,
  objective: (theta: Tensor) => Tensor,
): { value: number; gradient: Float32Array } {
  return tf.tidy(() => {
    const { value, grad } = tf.valueAndGrad((theta: Tensor) => objective(theta) as tf.Scalar)(logits);
    return { value: value.dataSync()[0], gradient: grad.dataSync() as Float32Array };
  });
}

/**
 * E‖z − t‖² over k-subsets of n items, θ ~ N(0, 1) and t ~ U(0, 1)^n from `seed`. Its exact
 * gradients, by enumeration:
 * - 'k-subset law': ∇ Σ_S p_θ(S) f(S) with p_θ(S) ∝ exp(Σ_{i∈S} θ_i) — what SIMPLE and the score
 *   function on KSubset estimate;
 * - 'gumbel top-k law': ∇ Σ_S P_θ(S) f(S) with P_θ the law of the Gumbel top-k (k draws without
 *   replacement from softmax θ, summed over the k! orders) — the law relaxed top-k's hard sample
 *   follows, so its gradient is what relaxed top-k approximates as τ → 0.
 */
export function kSubsetProblem(options: { items?: number; k?: number; seed?: number } = {}): LabProblem {
  const items = options.items ?? 8;
  const k = options.k ?? 3;
  if (!Number.isInteger(items) || items < 2 || items > 12) {
    throw new ArgumentError('items', `must be an integer in [2, 12] (to enumerate), got ${items}`);
  }
  if (!Number.isInteger(k) || k < 1 || k >= items) {
    throw new ArgumentError('k', `must be an integer in [1, ${items - 1}], got ${k}`);
  }
  const generator = new RandomGenerator(options.seed ?? 4);
  const logits = tf.tensor1d(normalArray(items, generator));
  const target = tf.tensor1d(uniformArray(items, generator));
  const squaredError = (z: Tensor) => tf.sum(tf.square(tf.sub(z, target)), -1);
  const exact = tf.tidy(() => {
    const subsets = kHots(choices(items, k, false), items); // [C, n]
    const subsetCosts = squaredError(subsets);
    const kSubsetLaw = valueAndGradient(logits, (theta) => {
      const scores = tf.squeeze(tf.matMul(subsets, tf.expandDims(theta, 1)), [1]);
      return tf.sum(tf.mul(tf.softmax(scores), subsetCosts));
    });
    const orders = choices(items, k, true);
    const orderCosts = squaredError(kHots(orders, items)); // [k!·C]
    // The j-th pick of every order as one-hot rows [k!·C, n] (a matMul: tf.gather's gradient has no wasm kernel).
    const picks = Array.from({ length: k }, (_, j) =>
      kHots(
        orders.map((order) => [order[j]]),
        items,
      ),
    );
    const topKLaw = valueAndGradient(logits, (theta) => {
      const probabilities = tf.softmax(theta);
      let orderProbability = tf.onesLike(orderCosts);
      let taken = tf.zerosLike(orderCosts);
      for (let j = 0; j < k; j++) {
        const picked = tf.squeeze(tf.matMul(picks[j], tf.expandDims(probabilities, 1)), [1]);
        orderProbability = tf.mul(orderProbability, tf.div(picked, tf.sub(1, taken)));
        taken = tf.add(taken, picked);
      }
      return tf.sum(tf.mul(orderProbability, orderCosts));
    });
    return { kSubsetLaw, topKLaw };
  });
  const gradients: Record<LabReference, Float32Array> = {
    'k-subset law': exact.kSubsetLaw.gradient,
    'gumbel top-k law': exact.topKLaw.gradient,
  };
  return {
    name: 'k-subset',
    lossPerCategorical: false, // the loss is one per k-hot; the registry's estimators do not run here
    binary: false,
    description: `E‖z − t‖² over k-hot z, n = ${items}, k = ${k}; ∇ of the KSubset law (top-k law for relaxed top-k: value ${exact.topKLaw.value.toPrecision(4)})`,
    logits,
    loss: squaredError,
    exactValue: exact.kSubsetLaw.value,
    exactGradient: exact.kSubsetLaw.gradient,
    estimators: kSubsetLabEstimators(k).map((estimator) => ({
      ...estimator,
      exactGradient: gradients[estimator.reference],
    })),
    dispose: () => tf.dispose([logits, target]),
  };
}
