/**
 * Problems whose exact gradient is computable by enumerating the discrete choices, so estimators
 * can be measured against it: a quadratic over one categorical, Tucker et al.'s toy problem over
 * Bernoulli bits, a tiny VAE whose latent configurations can all be summed, and (in their own
 * files) an importance-weighted bound over several binary samples and a quadratic over k-subsets.
 */
import { softplus } from '../math/softplus.js';
import { oneHotAlong } from '../ops/axis.js';
import { RandomGenerator } from '../random/generator.js';
import { normalArray, uniformArray } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import { bernoulliIwaeProblem } from './bernoulliIwaeProblem.js';
import type { LabEstimator } from './kSubsetEstimators.js';
import { kSubsetProblem } from './kSubsetProblem.js';

/**
 * A problem L(θ) = Σ_b E_{z_b ~ q_θ}[f_b(z_b)] at fixed logits θ, with its exact gradient.
 */
export interface LabProblem {
  /** Short name, used in file names. */
  readonly name: string;
  /** One line saying what it is. */
  readonly description: string;
  /** θ, categories on the last axis (for a binary problem, one Bernoulli logit per element). */
  readonly logits: Tensor;
  /** Whether the latents are Bernoulli (estimators run through `estimators.binary`). */
  readonly binary: boolean;
  /** Whether f is one loss per categorical (what the unordered-set estimator needs). */
  readonly lossPerCategorical: boolean;
  /**
   * f for `replicas` independent estimates at once: a sample `[replicas, ...logits.shape]` to losses
   * `[replicas, ...]` (one per replica and example).
   */
  loss(sample: Tensor): Tensor;
  /** L(θ), exact. */
  readonly exactValue: number;
  /** ∇θ L, exact, flattened. */
  readonly exactGradient: Float32Array;
  /**
   * The problem's own estimators, measured instead of the registry's categorical ones (whose
   * one-hot samples do not fit it), each with the exact gradient its bias is measured against.
   */
  readonly estimators?: (LabEstimator & { exactGradient: Float32Array })[];
  /** Frees the problem's tensors. */
  dispose(): void;
}

/** The problems by name. */
export const LAB_PROBLEM_NAMES = [
  'quadratic',
  'bernoulli',
  'bernoulli-iwae',
  'tiny-vae',
  'k-subset',
] as const;

/** One of {@link LAB_PROBLEM_NAMES}. */
export type LabProblemName = (typeof LAB_PROBLEM_NAMES)[number];

/** ∇θ of `exactLoss` at θ, and its value. */
function exactOf(
  logits: Tensor,
  exactLoss: (logits: Tensor) => Tensor,
): { value: number; gradient: Float32Array } {
  return tf.tidy(() => {
    const { value, grad } = tf.valueAndGrad((theta: Tensor) => exactLoss(theta) as tf.Scalar)(logits);
    return { value: value.dataSync()[0], gradient: grad.dataSync() as Float32Array };
  });
}

/**
 * min_θ E_{z ~ Cat(softmax θ)} ‖z − t‖² for one categorical of K classes (z one-hot), the
 * categorical form of Tucker et al.'s toy problem. θ ~ N(0, 1) and t ~ U(0, 1)^K from `seed`.
 * Exactly: L = Σ_k p_k ‖e_k − t‖².
 */
export function quadraticProblem(options: { categories?: number; seed?: number } = {}): LabProblem {
  const categories = options.categories ?? 8;
  if (!Number.isInteger(categories) || categories < 2) {
    throw new ArgumentError('categories', `must be an integer >= 2, got ${categories}`);
  }
  const generator = new RandomGenerator(options.seed ?? 1);
  const logits = tf.tensor1d(normalArray(categories, generator));
  const target = tf.tensor1d(uniformArray(categories, generator));
  const squaredError = (z: Tensor) => tf.sum(tf.square(tf.sub(z, target)), -1);
  const exact = exactOf(logits, (theta) =>
    tf.sum(tf.mul(tf.softmax(theta), squaredError(tf.eye(categories)))),
  );
  return {
    name: 'quadratic',
    binary: false,
    lossPerCategorical: true,
    description: `E‖z − t‖² over one categorical of K = ${categories}`,
    logits,
    loss: squaredError,
    exactValue: exact.value,
    exactGradient: exact.gradient,
    dispose: () => tf.dispose([logits, target]),
  };
}

/**
 * min_ℓ E_{b ~ Bernoulli(σ(ℓ))} Σ_d (b_d − t)² over D independent bits with t = 0.45: Tucker et al.'s
 * (2017) toy problem, hard because f(1) − f(0) = 1 − 2t = 0.1 is small against f's size. ℓ ~ N(0, 1)
 * from `seed`. Exactly: ∂L/∂ℓ_d = σ(ℓ_d)(1 − σ(ℓ_d))(1 − 2t).
 */
export function bernoulliProblem(
  options: { bits?: number; target?: number; seed?: number } = {},
): LabProblem {
  const bits = options.bits ?? 4;
  const target = options.target ?? 0.45;
  if (!Number.isInteger(bits) || bits < 1)
    throw new ArgumentError('bits', `must be an integer >= 1, got ${bits}`);
  const logits = tf.tensor1d(normalArray(bits, new RandomGenerator(options.seed ?? 3)));
  const exact = exactOf(logits, (ell) => {
    const p = tf.sigmoid(ell);
    return tf.sum(tf.add(tf.mul(p, (1 - target) ** 2), tf.mul(tf.sub(1, p), target ** 2)));
  });
  return {
    name: 'bernoulli',
    binary: true,
    lossPerCategorical: false,
    description: `Σ_d E(b_d − ${target})² over ${bits} Bernoulli bits (Tucker et al.'s toy problem)`,
    logits,
    loss: (sample: Tensor) => tf.sum(tf.square(tf.sub(sample, target)), -1),
    exactValue: exact.value,
    exactGradient: exact.gradient,
    dispose: () => logits.dispose(),
  };
}

/** Every configuration of `variables` categoricals of K classes as one-hots, [K^N, N, K]. */
function allConfigurations(variables: number, categories: number): Tensor {
  const count = categories ** variables;
  const indices = new Int32Array(count * variables);
  for (let c = 0; c < count; c++) {
    let rest = c;
    for (let n = variables - 1; n >= 0; n--) {
      indices[c * variables + n] = rest % categories;
      rest = Math.floor(rest / categories);
    }
  }
  return tf.tidy(() => oneHotAlong(tf.tensor2d(indices, [count, variables], 'int32'), categories, 2));
}

/**
 * A tiny categorical VAE's reconstruction term: B binary images of D pixels, N categoricals of K
 * classes per image with encoder logits θ [B, N, K], a linear Bernoulli decoder, and
 * f_b(z) = −log p(x_b | z). L = Σ_b E_{q_θ(z|x_b)} f_b(z), summed exactly over all K^N codes. Images,
 * θ and the decoder are drawn from `seed` (decoder weights N(0, 1), so codes matter).
 */
export function tinyVaeProblem(
  options: { images?: number; pixels?: number; variables?: number; categories?: number; seed?: number } = {},
): LabProblem {
  const images = options.images ?? 4;
  const pixels = options.pixels ?? 16;
  const variables = options.variables ?? 3;
  const categories = options.categories ?? 4;
  for (const [name, value, minimum] of [
    ['images', images, 1],
    ['pixels', pixels, 1],
    ['variables', variables, 1],
    ['categories', categories, 2],
  ] as const) {
    if (!Number.isInteger(value) || value < minimum) {
      throw new ArgumentError(name, `must be an integer >= ${minimum}, got ${value}`);
    }
  }
  if (categories ** variables > 65_536) {
    throw new ArgumentError(
      'variables',
      `K^N must be at most 65536 to enumerate, got ${categories}^${variables}`,
    );
  }
  const generator = new RandomGenerator(options.seed ?? 2);
  const latent = variables * categories;
  const data = tf.tensor2d(
    uniformArray(images * pixels, generator).map((u) => (u < 0.5 ? 1 : 0)),
    [images, pixels],
  );
  const logits = tf.tensor3d(normalArray(images * latent, generator), [images, variables, categories]);
  const kernel = tf.tensor2d(normalArray(latent * pixels, generator), [latent, pixels]);
  const bias = tf.tensor1d(normalArray(pixels, generator));
  /** −log p(x | z) for codes [..., B, N, K] → [..., B]. */
  const negativeLogLikelihood = (codes: Tensor) =>
    tf.tidy(() => {
      const leading = codes.shape.slice(0, -2);
      const decoded = tf.add(tf.matMul(tf.reshape(codes, [-1, latent]), kernel), bias);
      const pixelLogits = tf.reshape(decoded, [...leading, pixels]);
      return tf.sum(tf.sub(softplus(pixelLogits), tf.mul(data, pixelLogits)), -1);
    });
  const exact = exactOf(logits, (theta) => {
    const configurations = allConfigurations(variables, categories); // [M, N, K]
    const count = configurations.shape[0];
    const decoded = tf.add(tf.matMul(tf.reshape(configurations, [count, latent]), kernel), bias); // [M, D]
    const perPair = tf.sum(
      tf.sub(softplus(tf.expandDims(decoded, 0)), tf.mul(tf.expandDims(data, 1), tf.expandDims(decoded, 0))),
      -1,
    ); // [B, M]
    const logQ = tf.logSoftmax(theta); // [B, N, K]
    const logQOfConfiguration = tf.matMul(
      tf.reshape(logQ, [images, latent]),
      tf.reshape(configurations, [count, latent]),
      false,
      true,
    ); // [B, M]
    return tf.sum(tf.mul(tf.exp(logQOfConfiguration), perPair));
  });
  return {
    name: 'tiny-vae',
    binary: false,
    lossPerCategorical: false,
    description: `a linear-decoder VAE term, ${images} images of ${pixels} pixels, N = ${variables}, K = ${categories} (${categories ** variables} codes)`,
    logits,
    loss: negativeLogLikelihood,
    exactValue: exact.value,
    exactGradient: exact.gradient,
    dispose: () => tf.dispose([data, logits, kernel, bias]),
  };
}

/** Builds a problem by name with its default sizes. */
export function createLabProblem(name: LabProblemName, seed: number): LabProblem {
  if (name === 'quadratic') return quadraticProblem({ seed });
  if (name === 'bernoulli') return bernoulliProblem({ seed: seed + 2 });
  if (name === 'tiny-vae') return tinyVaeProblem({ seed: seed + 1 });
  if (name === 'bernoulli-iwae') return bernoulliIwaeProblem({ seed: seed + 4 });
  if (name === 'k-subset') return kSubsetProblem({ seed: seed + 3 });
  throw new ArgumentError('problem', `must be one of ${LAB_PROBLEM_NAMES.join(', ')}, got ${name}`);
}
