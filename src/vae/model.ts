import { type Activation, dense } from '../nn/dense.js';
import type { Seed } from '../random/generator.js';
import { resolveGenerator } from '../random/generator.js';
import { uniformArray } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';

/**
 * The latent variables of a VAE: 'categorical' (Jang et al. 2017: N one-hot variables of K classes)
 * or 'bernoulli' (N bits, the setting of ARM and DisARM; prior Bernoulli(½) per bit).
 */
export type LatentKind = 'categorical' | 'bernoulli';

/** The latent kinds by name, as the CLI spells them. */
export const LATENT_KINDS: readonly LatentKind[] = ['categorical', 'bernoulli'];

/** Shape of the VAE: categorical (Jang et al. 2017) or with binary latents. */
export interface VaeShape {
  /** N, the number of latent variables (default 20). */
  latentVariables: number;
  /** K, the number of classes of each (default 10); 2 for Bernoulli latents. */
  categories: number;
  /** The kind of latent (default 'categorical'; absent in models saved before Bernoulli latents). */
  latent?: LatentKind;
  /** Pixels per image (default 784 = 28×28). */
  inputSize: number;
  /** Hidden widths of the encoder (default [512, 256]); the decoder mirrors them. */
  hiddenUnits: number[];
}

/** The paper's model: 784–512–256–(20·10) encoder, mirrored decoder. */
export const DEFAULT_VAE_SHAPE: VaeShape = {
  latentVariables: 20,
  categories: 10,
  inputSize: 784,
  hiddenUnits: [512, 256],
};

/** One dense layer's parameters, named as in the saved TF.js layers model. */
export interface DenseLayer {
  name: string;
  kernel: tf.Variable;
  bias: tf.Variable;
  activation: Activation;
}

/** The shape's latent kind ('categorical' where it names none). */
export function latentKindOf(shape: VaeShape): LatentKind {
  return shape.latent ?? 'categorical';
}

/** Width of the latent layer: N·K logits for categorical latents, N for bits. */
export function latentWidth(shape: VaeShape): number {
  return latentKindOf(shape) === 'bernoulli'
    ? shape.latentVariables
    : shape.latentVariables * shape.categories;
}

/** Checks N ≥ 1, K ≥ 2 (exactly 2 for Bernoulli latents), the latent kind and positive integer widths. */
export function checkVaeShape(shape: VaeShape): void {
  const integerAtLeast = (value: number, minimum: number, name: string) => {
    if (!Number.isInteger(value) || value < minimum) {
      throw new ArgumentError(name, `must be an integer >= ${minimum}, got ${value}`);
    }
  };
  integerAtLeast(shape.latentVariables, 1, 'latentVariables (N)');
  integerAtLeast(shape.categories, 2, 'categories (K)');
  integerAtLeast(shape.inputSize, 1, 'inputSize');
  for (const units of shape.hiddenUnits) integerAtLeast(units, 1, 'hiddenUnits');
  if (!LATENT_KINDS.includes(latentKindOf(shape))) {
    throw new ArgumentError('latent', `must be one of ${LATENT_KINDS.join(', ')}, got ${shape.latent}`);
  }
  if (latentKindOf(shape) === 'bernoulli' && shape.categories !== 2) {
    throw new ArgumentError('categories (K)', `must be 2 with Bernoulli latents, got ${shape.categories}`);
  }
}

/** The layer names and sizes, encoder then decoder; the saved model uses the same names. */
export function layerPlan(
  shape: VaeShape,
): { name: string; inputs: number; units: number; activation: Activation }[] {
  const latent = latentWidth(shape);
  const encoderSizes = [shape.inputSize, ...shape.hiddenUnits, latent];
  const decoderSizes = [latent, ...[...shape.hiddenUnits].reverse(), shape.inputSize];
  const plan = (prefix: string, sizes: number[]) =>
    sizes.slice(1).map((units, i) => ({
      name: i === sizes.length - 2 ? `${prefix}_logits` : `${prefix}_hidden_${i + 1}`,
      inputs: sizes[i],
      units,
      activation: (i === sizes.length - 2 ? 'linear' : 'relu') as Activation,
    }));
  return [...plan('encoder', encoderSizes), ...plan('decoder', decoderSizes)];
}

/** Checks that `values` holds one array per parameter of `plan` (kernel then bias), each of its size. */
function checkWeights(values: Float32Array[], plan: ReturnType<typeof layerPlan>): void {
  const sizes = plan.flatMap(({ inputs, units }) => [inputs * units, units]);
  if (values.length !== sizes.length) {
    throw new ArgumentError('values', `must hold ${sizes.length} arrays, got ${values.length}`);
  }
  sizes.forEach((size, i) => {
    if (values[i].length !== size) {
      throw new ArgumentError('values', `array ${i} must hold ${size} numbers, got ${values[i].length}`);
    }
  });
}

/** The encoder's last layer [batch, latentWidth] as categorical logits [batch, N, K]: (ℓ, 0) per bit. */
export function latentLogitsOf(flat: Tensor, shape: VaeShape): Tensor {
  return tf.tidy(() =>
    latentKindOf(shape) === 'bernoulli'
      ? tf.stack([flat, tf.zerosLike(flat)], -1)
      : tf.reshape(flat, [-1, shape.latentVariables, shape.categories]),
  );
}

/** Codes [batch, N, K] (or flattened) as the decoder's input: flattened, or the first category per bit. */
export function decoderInputOf(codes: Tensor, shape: VaeShape): Tensor {
  return tf.tidy(() => {
    const categorical = tf.reshape(codes, [-1, shape.latentVariables, shape.categories]);
    if (latentKindOf(shape) === 'categorical') {
      return tf.reshape(categorical, [-1, shape.latentVariables * shape.categories]);
    }
    return tf.squeeze(tf.slice(categorical, [0, 0, 0], [-1, -1, 1]), [2]);
  });
}

/**
 * A categorical VAE: the encoder maps an image to N×K logits of q(z|x); the decoder maps a
 * (relaxed or one-hot) code of N×K to 784 Bernoulli logits of p(x|z). Weights are Glorot-uniform
 * from the library's seeded generator, biases 0, so the same seed gives the same initial model.
 *
 * With `shape.latent` 'bernoulli' the latents are N bits: the encoder's last layer gives one logit
 * ℓ per bit (q(bᵢ = 1|x) = σ(ℓᵢ)) and the decoder reads the N-bit code. `encode` and `decode` still
 * speak the categorical form with K = 2 — logits (ℓ, 0) per bit, since Bernoulli(σ(ℓ)) =
 * Categorical(softmax(ℓ, 0)), and codes whose first category is the bit — so every objective,
 * estimator and evaluation of the categorical model applies to bits unchanged and exactly (the KL to
 * the uniform categorical is the KL to Bernoulli(½); the one-hot log-probabilities are log σ(±ℓ)).
 */
export class CategoricalVae {
  readonly shape: VaeShape;
  readonly layers: DenseLayer[];

  /**
   * A fresh model: Glorot-uniform weights drawn from `seed`, biases 0. With `weights` (every
   * parameter, in {@link CategoricalVae.parameters} order) the model starts from those instead and
   * draws nothing, which is much quicker for a model of a million weights.
   */
  constructor(shape: VaeShape = DEFAULT_VAE_SHAPE, seed: Seed = 0, weights?: Float32Array[]) {
    checkVaeShape(shape);
    this.shape = shape;
    const plan = layerPlan(shape);
    if (weights !== undefined) checkWeights(weights, plan);
    const generator = weights === undefined ? resolveGenerator(seed) : undefined;
    this.layers = plan.map(({ name, inputs, units, activation }, i) => {
      const limit = Math.sqrt(6 / (inputs + units));
      const kernel =
        weights?.[2 * i] ?? uniformArray(inputs * units, generator).map((u) => (2 * u - 1) * limit);
      const bias = weights?.[2 * i + 1] ?? new Float32Array(units);
      // tf.tidy frees the initial values; variables survive it.
      return tf.tidy(() => ({
        name,
        activation,
        kernel: tf.variable(tf.tensor2d(kernel, [inputs, units]), true),
        bias: tf.variable(tf.tensor1d(bias), true),
      }));
    });
  }

  /** All trainable variables, each layer's kernel then bias, encoder first. */
  parameters(): tf.Variable[] {
    return this.layers.flatMap((layer) => [layer.kernel, layer.bias]);
  }

  /**
   * Logits of q(z|x): [batch, N, K] for images [batch, inputSize] ((ℓ, 0) per bit for Bernoulli
   * latents). No gradient flows back to the images.
   */
  encode(images: Tensor): Tensor {
    return tf.tidy(() => latentLogitsOf(this.encoderLogits(images), this.shape));
  }

  /** The encoder's raw last layer: [batch, N·K] categorical logits, or [batch, N] bit logits. */
  encoderLogits(images: Tensor): Tensor {
    return tf.tidy(() => {
      const encoder = this.layers.slice(0, this.layers.length / 2);
      // The images need no gradient, so the first layer skips computing one.
      return encoder.reduce(
        (h, layer, i) => dense(h, layer.kernel, layer.bias, layer.activation, i > 0),
        images,
      );
    });
  }

  /**
   * Bernoulli logits of p(x|z): [batch, inputSize] for codes [batch, N, K] (or flattened). With
   * Bernoulli latents the decoder reads each variable's first category, the bit.
   */
  decode(codes: Tensor): Tensor {
    return tf.tidy(() => this.decodeFlat(decoderInputOf(codes, this.shape)));
  }

  /** Bernoulli logits of p(x|z) from the decoder's own input: [batch, N·K], or [batch, N] bits. */
  decodeFlat(code: Tensor): Tensor {
    return tf.tidy(() => {
      const decoder = this.layers.slice(this.layers.length / 2);
      return decoder.reduce((h, layer) => dense(h, layer.kernel, layer.bias, layer.activation), code);
    });
  }

  /** Overwrites every parameter, in {@link CategoricalVae.parameters} order. */
  assignWeights(values: Float32Array[]): void {
    checkWeights(values, layerPlan(this.shape));
    this.parameters().forEach((parameter, i) => {
      tf.tidy(() => parameter.assign(tf.tensor(values[i], parameter.shape)));
    });
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose(this.parameters());
  }
}
