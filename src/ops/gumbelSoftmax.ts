import { fusedKernelsActive } from '../kernels/register.js';
import { type RandomGenerator, resolveGenerator, type Seed } from '../random/generator.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, checkTemperature, type Temperature, type TensorInput } from '../validate.js';
import { oneHotAlong } from './axis.js';
import { fusedGumbelSoftmax, fusedGumbelSoftmaxSample } from './fusedGumbelSoftmax.js';
import { type AxisOptions, prepareLogits } from './prepare.js';
import { checkTemperatureShape, relaxedSoftmax } from './relaxedSoftmax.js';
import { straightThrough } from './straightThrough.js';

/** Options of {@link gumbelSoftmax} and {@link gumbelSoftmaxSample}. */
export interface GumbelSoftmaxOptions extends AxisOptions {
  /**
   * τ > 0 (default 1): large τ gives smooth samples near uniform, small τ nearly one-hot ones. A
   * tensor broadcastable against the logits gives per-element temperatures and receives gradients
   * (a learnable τ).
   */
  temperature?: Temperature;
  /** Integer seed or generator; without one, each call draws fresh noise. */
  seed?: Seed;
  /**
   * Standard Gumbel noise of the logits' shape to use instead of drawing it (then `seed` is
   * ignored): common random numbers across calls, or rows cut from a larger batch's draw.
   */
  noise?: Tensor;
}

/** The three views of one Gumbel-softmax draw, returned by {@link gumbelSoftmaxSample}. */
export interface GumbelSoftmaxSample {
  /** The relaxed sample softmax((logits + g)/τ); differentiable. */
  soft: Tensor;
  /** Exact one-hot of `index` forward, the gradient of `soft` backward (straight-through). */
  hard: Tensor;
  /** int32 index of the chosen category (the argmax of `soft`), the category axis removed. */
  index: Tensor;
}

/**
 * Draws once from the Gumbel-softmax (Concrete) distribution and returns the soft sample, its
 * straight-through one-hot and the index, all from the same noise — PyTorch makes you recompute
 * these. With a scalar temperature, `index` is an exact sample of Categorical(softmax(logits)).
 *
 * @param logits - unnormalized log-probabilities; −Infinity masks a category.
 * @example
 * ```ts
 * const { soft, hard, index } = gumbelSoftmaxSample(tf.tensor([[1, 2, 3]]), { temperature: 0.5, seed: 1 });
 * ```
 */
export function gumbelSoftmaxSample(
  logits: TensorInput,
  options: GumbelSoftmaxOptions = {},
): GumbelSoftmaxSample {
  return draw(logits, options, true) as GumbelSoftmaxSample;
}

/** Checks the options against the logits and converts them (inside the caller's tidy). */
function prepareDraw(
  logits: TensorInput,
  options: GumbelSoftmaxOptions,
): { logits: Tensor; axis: number; temperature: Temperature; source: Tensor | RandomGenerator } {
  const temperature = options.temperature ?? 1;
  if (options.validateArgs !== false) checkTemperature(temperature);
  const prepared = prepareLogits(logits, options);
  const { shape } = prepared.logits;
  if (options.noise && !tf.util.arraysEqual(options.noise.shape, shape)) {
    throw new ArgumentError('noise', `must have the logits' shape [${shape}], got [${options.noise.shape}]`);
  }
  if (typeof temperature !== 'number') checkTemperatureShape(temperature, shape);
  const source = options.noise ?? resolveGenerator(options.seed);
  return { logits: prepared.logits, axis: prepared.axis, temperature, source };
}

/**
 * One draw's soft sample and index, and its straight-through one-hot when `withHard`: through the
 * fused kernel on cpu and wasm, composed from TF.js ops elsewhere (same noise, same values up to
 * float rounding).
 */
function draw(
  logits: TensorInput,
  options: GumbelSoftmaxOptions,
  withHard: boolean,
): { soft: Tensor; hard?: Tensor; index: Tensor } {
  return tf.tidy(() => {
    const { logits: prepared, axis, temperature, source } = prepareDraw(logits, options);
    if (fusedKernelsActive()) {
      return { ...fusedGumbelSoftmaxSample(prepared, axis, temperature, source, withHard) };
    }
    const { shape } = prepared;
    const noise = source instanceof tf.Tensor ? source : gumbelNoise(shape, source);
    const soft = relaxedSoftmax(prepared, noise, temperature, axis);
    const index = tf.argMax(soft, axis);
    if (!withHard) return { soft, index };
    const hard = straightThrough(oneHotAlong(index, shape[axis], axis), soft);
    return { soft, hard, index };
  });
}

/**
 * The Gumbel-softmax: y = softmax((logits + g)/τ) with g ~ Gumbel(0, 1), a differentiable
 * relaxation of a categorical sample (Jang et al. 2017; Maddison et al. 2017). With `hard: true`
 * the forward value is the exact one-hot of argmax y (ties go to one index) and the backward pass
 * uses the gradient of y (straight-through), like PyTorch's `F.gumbel_softmax(hard=True)`.
 *
 * @param logits - unnormalized log-probabilities, any shape; −Infinity masks a category.
 * @returns a float32 tensor of the logits' shape that sums to 1 along `axis`.
 * @throws {@link ArgumentError} for τ ≤ 0, NaN or infinite; NaN or +Infinity logits; a bad axis.
 * @example
 * ```ts
 * const y = gumbelSoftmax(tf.tensor([1, 2, 3]), { temperature: 0.5, hard: true, seed: 7 });
 * ```
 */
export function gumbelSoftmax(
  logits: TensorInput,
  options: GumbelSoftmaxOptions & { hard?: boolean } = {},
): Tensor {
  const hard = options.hard === true;
  return tf.tidy(() => {
    if (fusedKernelsActive()) {
      // one kernel call each way, no index or extra views
      const { logits: prepared, axis, temperature, source } = prepareDraw(logits, options);
      return fusedGumbelSoftmax(prepared, axis, temperature, source, hard);
    }
    const sample = draw(logits, options, hard);
    return (hard ? sample.hard : sample.soft) as Tensor;
  });
}
