import { ExpRelaxedOneHotCategorical } from '../distributions/expRelaxedOneHotCategorical.js';
import type { ConfiguredEstimator } from '../estimators/registry.js';
import {
  FUSED_BERNOULLI,
  FUSED_BERNOULLI_GRAD,
  FUSED_KL_UNIFORM,
  FUSED_KL_UNIFORM_GRAD,
  fusedKernelsActive,
} from '../kernels/register.js';
import { fusedRowLoss } from '../ops/fusedRowLoss.js';
import { gumbelSoftmaxSample } from '../ops/gumbelSoftmax.js';
import { straightThrough } from '../ops/straightThrough.js';
import type { Seed } from '../random/generator.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import type { CategoricalVae } from './model.js';

/** What the ELBO needs of a model: a {@link CategoricalVae}, or a worker's part of one. */
export type VaeCoder = Pick<CategoricalVae, 'encode' | 'decode'>;

/** How the KL term of the ELBO is computed. */
export type KlKind = 'analytic' | 'relaxed';

/** Options of {@link elboTerms}. */
export interface ElboOptions {
  /** Temperature τ of the relaxed posterior sample. */
  temperature: number;
  /** Straight-through: decode the exact one-hot, backpropagate through the soft sample. */
  hard: boolean;
  /**
   * 'analytic' (Jang et al. 2017): KL(q(z|x) ‖ uniform) summed over the N categoricals, exact.
   * 'relaxed' (Maddison et al. 2017): one-sample Monte-Carlo log q_τ(y|x) − log p_λ(y) of the
   * relaxed sample under ExpConcrete densities with posterior τ and prior λ.
   */
  kl: KlKind;
  /** Prior temperature λ of the relaxed KL (Maddison et al. use 2/3 for the prior). */
  priorTemperature?: number;
  seed?: Seed;
  /**
   * The gradient estimator of the reconstruction term, from `estimators.createEstimator`; it gets
   * f(z) = −log p(x|z) per image and τ = `temperature`. Without one: the Gumbel-softmax sample, or
   * straight-through Gumbel with `hard`. Any estimator works with the analytic KL; the relaxed KL
   * needs the relaxed sample, so only 'gumbel-softmax' and 'straight-through-gumbel' go with it.
   * When given, it decides and `hard` is ignored.
   */
  estimator?: ConfiguredEstimator;
}

/** Per-example pieces of the ELBO, each [batch], in nats. */
export interface ElboTerms {
  /** E_q log p(x|z), one-sample estimate. */
  reconstruction: Tensor;
  /** The KL term. */
  kl: Tensor;
  /** reconstruction − kl. */
  elbo: Tensor;
}

/**
 * log p(x|z) of binary pixels under Bernoulli logits: Σ x·l − softplus(l), stable for any l. [batch]
 * `images` broadcast against the logits. On cpu/wasm one fused kernel (and one for its gradient,
 * which goes to the logits only: the images are data).
 */
export function bernoulliLogLikelihood(images: Tensor, decoderLogits: Tensor): Tensor {
  if (fusedKernelsActive()) {
    return tf.tidy(() => {
      const broadcast = tf.util.arraysEqual(images.shape, decoderLogits.shape)
        ? images
        : tf.broadcastTo(images, decoderLogits.shape);
      return fusedRowLoss(FUSED_BERNOULLI, FUSED_BERNOULLI_GRAD, decoderLogits, { images: broadcast });
    });
  }
  return tf.tidy(() => {
    const softplus = tf.add(tf.relu(decoderLogits), tf.log1p(tf.exp(tf.neg(tf.abs(decoderLogits)))));
    return tf.sum(tf.sub(tf.mul(images, decoderLogits), softplus), -1);
  });
}

/**
 * KL(Cat(softmax logits) ‖ uniform over K) summed over the N variables: Σ q log q + N log K. [batch]
 * On cpu/wasm the per-variable KL and its gradient are fused kernels.
 */
export function klToUniform(logits: Tensor): Tensor {
  if (fusedKernelsActive()) {
    return tf.tidy(() => tf.sum(fusedRowLoss(FUSED_KL_UNIFORM, FUSED_KL_UNIFORM_GRAD, logits), -1));
  }
  return tf.tidy(() => {
    const categories = logits.shape[logits.rank - 1];
    const logQ = tf.logSoftmax(logits);
    const perVariable = tf.add(tf.sum(tf.mul(tf.exp(logQ), logQ), -1), Math.log(categories));
    return tf.sum(perVariable, -1);
  });
}

/**
 * log density of ExpConcrete(logits, τ) at log-space points x [batch, N, K], summed over the N
 * variables (Maddison et al. 2017, App. C.3), by {@link ExpRelaxedOneHotCategorical.logProb}. [batch]
 */
function expConcreteLogDensity(logits: Tensor, logSample: Tensor, temperature: number): Tensor {
  const concrete = new ExpRelaxedOneHotCategorical({ logits, temperature, validateArgs: false });
  try {
    return tf.tidy(() => tf.sum(concrete.logProb(logSample), -1));
  } finally {
    concrete.dispose();
  }
}

/**
 * The ELBO of a batch of binary images, E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)) with p(z) uniform over
 * the K classes of each of the N variables, estimated with one Gumbel-softmax sample per image, or
 * with `options.estimator` (its values then carry that estimator's gradient).
 *
 * @throws {@link ArgumentError} for the relaxed KL with an estimator that has no relaxed sample.
 */
export function elboTerms(model: VaeCoder, images: Tensor, options: ElboOptions): ElboTerms {
  const estimatorName = options.estimator?.spec.name;
  if (
    options.kl === 'relaxed' &&
    estimatorName !== undefined &&
    !RELAXED_KL_ESTIMATORS.includes(estimatorName)
  ) {
    throw new ArgumentError(
      'kl',
      `'relaxed' needs the relaxed sample, so it works with the gumbel-softmax and straight-through-gumbel estimators only, not ${estimatorName}; use 'analytic'`,
    );
  }
  return tf.tidy(() => {
    const logits = model.encode(images);
    if (options.estimator && options.kl === 'analytic') {
      const negativeLikelihood = (code: Tensor) => tf.neg(bernoulliLogLikelihood(images, model.decode(code)));
      const { loss } = options.estimator.estimate(logits, negativeLikelihood, {
        temperature: options.temperature,
        seed: options.seed,
        validateArgs: false,
      });
      const reconstruction = tf.neg(loss);
      const kl = klToUniform(logits);
      return { reconstruction, kl, elbo: tf.sub(reconstruction, kl) };
    }
    const hard = estimatorName === undefined ? options.hard : estimatorName === 'straight-through-gumbel';
    const sampleOptions = { ...options, hard };
    const { code, kl } =
      options.kl === 'analytic'
        ? analyticKlSample(logits, sampleOptions)
        : relaxedKlSample(logits, sampleOptions);
    const reconstruction = bernoulliLogLikelihood(images, model.decode(code));
    return { reconstruction, kl, elbo: tf.sub(reconstruction, kl) };
  });
}

/** The estimators whose relaxed sample the relaxed KL can score. */
const RELAXED_KL_ESTIMATORS: readonly string[] = ['gumbel-softmax', 'straight-through-gumbel'];

function analyticKlSample(logits: Tensor, options: ElboOptions): { code: Tensor; kl: Tensor } {
  const sample = gumbelSoftmaxSample(logits, {
    temperature: options.temperature,
    seed: options.seed,
    validateArgs: false,
  });
  return { code: options.hard ? sample.hard : sample.soft, kl: klToUniform(logits) };
}

/** The relaxed sample is drawn in log space, so its density never takes the log of an underflowed 0. */
function relaxedKlSample(logits: Tensor, options: ElboOptions): { code: Tensor; kl: Tensor } {
  const categories = logits.shape[logits.rank - 1] as number;
  const normalized = tf.logSoftmax(logits);
  const noise = gumbelNoise(logits.shape, options.seed);
  const logSample = tf.logSoftmax(tf.div(tf.add(normalized, noise), options.temperature));
  const soft = tf.exp(logSample);
  const index = tf.argMax(logSample, -1);
  const code = options.hard ? straightThrough(tf.oneHot(index, categories), soft) : soft;
  const uniform = tf.zerosLike(logits); // equal logits: the uniform prior
  const kl = tf.sub(
    expConcreteLogDensity(normalized, logSample, options.temperature),
    expConcreteLogDensity(uniform, logSample, options.priorTemperature ?? options.temperature),
  );
  return { code, kl };
}

/** The training loss: −mean ELBO over the batch, a scalar. */
export function negativeElbo(model: VaeCoder, images: Tensor, options: ElboOptions): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(elboTerms(model, images, options).elbo)) as tf.Scalar);
}
