import { lgammaTensor } from '../math/lgamma.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import { Categorical } from './categorical.js';
import { broadcastShapes, type Distribution } from './distribution.js';
import { EULER_GAMMA, Gumbel } from './gumbel.js';
import { Normal } from './normal.js';
import { OneHotCategorical } from './oneHotCategorical.js';

/** A closed-form KL(p ‖ q) for one pair of distribution classes. Returns a new tensor of the broadcast batch shape. */
export type KLFunction<P extends Distribution, Q extends Distribution> = (p: P, q: Q) => Tensor;

/** A distribution class, abstract or not, as a registry key (what `registerKL` takes). */
// biome-ignore lint/suspicious/noExplicitAny: constructors of any signature are keys
export type DistributionClass<T extends Distribution> = abstract new (...args: any[]) => T;

const registry = new Map<
  DistributionClass<Distribution>,
  Map<DistributionClass<Distribution>, KLFunction<never, never>>
>();

/**
 * Registers `kl` as KL(p ‖ q) for p an instance of `pClass` and q an instance of `qClass`
 * (subclasses included, the most specific registration winning). Re-registering a pair replaces it.
 */
export function registerKL<P extends Distribution, Q extends Distribution>(
  pClass: DistributionClass<P>,
  qClass: DistributionClass<Q>,
  kl: KLFunction<P, Q>,
): void {
  let inner = registry.get(pClass);
  if (!inner) {
    inner = new Map();
    registry.set(pClass, inner);
  }
  inner.set(qClass, kl as KLFunction<never, never>);
}

/** The class of `instance` and its ancestors, most specific first. */
function classChain(instance: Distribution): DistributionClass<Distribution>[] {
  const chain: DistributionClass<Distribution>[] = [];
  let prototype = Object.getPrototypeOf(instance);
  while (prototype && prototype !== Object.prototype) {
    chain.push(prototype.constructor);
    prototype = Object.getPrototypeOf(prototype);
  }
  return chain;
}

function lookup(p: Distribution, q: Distribution): KLFunction<Distribution, Distribution> | undefined {
  const pChain = classChain(p);
  const qChain = classChain(q);
  let best: { kl: KLFunction<never, never>; distance: number } | undefined;
  pChain.forEach((pClass, i) => {
    qChain.forEach((qClass, j) => {
      const kl = registry.get(pClass)?.get(qClass);
      if (kl && (!best || i + j < best.distance)) best = { kl, distance: i + j };
    });
  });
  return best?.kl as KLFunction<Distribution, Distribution> | undefined;
}

/**
 * The Kullback–Leibler divergence KL(p ‖ q) = E_p[log p − log q], in closed form, of shape
 * broadcast(p.batchShape, q.batchShape). Registered pairs: Categorical/Categorical,
 * OneHotCategorical/OneHotCategorical, Normal/Normal, Gumbel/Gumbel; add more with {@link registerKL}.
 *
 * @throws {@link ArgumentError} (naming `q`) when no KL is registered for the two classes, when the
 * batch shapes do not broadcast, or when categoricals have different numbers of categories.
 * @example
 * ```ts
 * const kl = klDivergence(new Normal({ loc: 0, scale: 1 }), new Normal({ loc: 1, scale: 2 }));
 * ```
 */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  const kl = lookup(p, q);
  if (!kl) {
    throw new ArgumentError(
      'q',
      `has no registered KL divergence from p: KL(${p.constructor.name} ‖ ${q.constructor.name}) is not implemented; register one with registerKL`,
    );
  }
  broadcastShapes(p.batchShape, q.batchShape, 'q');
  return kl(p, q);
}

/**
 * Σ p (log p − log q) along the last axis. Categories with p = 0 contribute 0; p > 0 where q = 0
 * gives +Infinity; never NaN, and the gradient is finite wherever the divergence is.
 */
function categoricalKL(p: Categorical | OneHotCategorical, q: Categorical | OneHotCategorical): Tensor {
  if (p.categoryCount !== q.categoryCount) {
    throw new ArgumentError('q', `must have ${p.categoryCount} categories like p, got ${q.categoryCount}`);
  }
  return tf.tidy(() => {
    const pLogProbs = p.logits;
    const possible = tf.isFinite(pLogProbs);
    const difference = tf.where(possible, tf.sub(pLogProbs, q.logits), tf.scalar(0));
    return tf.sum(tf.mul(tf.exp(pLogProbs), difference), -1);
  });
}

/** log(σq/σp) + (σp² + (μp − μq)²)/(2σq²) − ½. */
function normalKL(p: Normal, q: Normal): Tensor {
  return tf.tidy(() => {
    const varianceRatio = tf.square(tf.div(p.scale, q.scale));
    const meanTerm = tf.square(tf.div(tf.sub(p.loc, q.loc), q.scale));
    return tf.mul(tf.sub(tf.sub(tf.add(varianceRatio, meanTerm), 1), tf.log(varianceRatio)), 0.5);
  });
}

/**
 * With r = βp/βq: −log r + (μp − μq)/βq + rγ + exp((μq − μp)/βq + log Γ(1 + r)) − (1 + γ), as in
 * PyTorch's `_kl_gumbel_gumbel`.
 */
function gumbelKL(p: Gumbel, q: Gumbel): Tensor {
  return tf.tidy(() => {
    const ratio = tf.div(p.scale, q.scale);
    const shift = tf.div(tf.sub(p.loc, q.loc), q.scale);
    const linear = tf.add(tf.sub(shift, tf.log(ratio)), tf.mul(ratio, EULER_GAMMA));
    const exponential = tf.exp(tf.add(tf.neg(shift), lgammaTensor(tf.add(ratio, 1))));
    return tf.sub(tf.add(linear, exponential), 1 + EULER_GAMMA);
  });
}

registerKL(Categorical, Categorical, categoricalKL);
registerKL(OneHotCategorical, OneHotCategorical, categoricalKL);
registerKL(Normal, Normal, normalKL);
registerKL(Gumbel, Gumbel, gumbelKL);
