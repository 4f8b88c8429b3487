/**
 * The jax-js side of `npm run bench`, the functions: Gumbel-softmax (soft and straight-through), the
 * categorical VAE's −ELBO (Bernoulli likelihood, analytic KL to the uniform prior) and Adam, written
 * with jax-js 0.1.25's numpy/nn/lax as this library computes them (src/ops/gumbelSoftmax.ts,
 * src/vae/objective.ts, src/nn/adam.ts). test/bench/jaxModel.test.ts checks they agree with ours.
 *
 * jax-js arrays are reference-counted: every function takes ownership of the arrays passed to it,
 * so an array used twice is passed as `x.ref` the first time.
 */
import { lax, nn, numpy as np, random } from '@jax-js/jax';

/** One dense layer's parameters: kernel [inputs, units], bias [units]. */
export type JaxDense = { kernel: np.Array; bias: np.Array };

/** Adam's state: step count aside, first and second moments shaped like the layers. */
export type JaxAdamState = { first: JaxDense[]; second: JaxDense[] };

/**
 * Standard Gumbel noise of `shape` from `key`. Not `random.gumbel`: that computes −log(−log1p(−u))
 * with u in [0, 1) on a 2⁻²³ grid, so u = 0 gives +Infinity once in 2²³ draws. Here u gets a half
 * step (2⁻²⁴) added, as this library's uniforms do, so it lies strictly inside (0, 1).
 */
export function jaxGumbelNoise(key: np.Array, shape: number[]): np.Array {
  const uniform = random.uniform(key, shape).add(2 ** -24);
  return np.negative(np.log(np.negative(np.log(uniform))));
}

/**
 * softmax((logits + gumbels)/τ) over the last axis; with `hard` the straight-through one-hot of its
 * argmax (forward: exact one-hot; backward: the soft sample's gradient, via stopGradient).
 */
export function jaxGumbelSoftmax(
  logits: np.Array,
  gumbels: np.Array,
  temperature: number,
  hard: boolean,
): np.Array {
  const soft = nn.softmax(logits.add(gumbels).div(temperature), -1);
  if (!hard) return soft;
  const categories = soft.shape[soft.ndim - 1];
  const oneHot = nn.oneHot(np.argmax(soft.ref, -1), categories);
  return oneHot.add(soft.ref.sub(lax.stopGradient(soft)));
}

/** x·W + b, then ReLU unless it is the last layer of its half. */
function denseLayer(input: np.Array, { kernel, bias }: JaxDense, relu: boolean): np.Array {
  const linear = np.matmul(input, kernel).add(bias);
  return relu ? nn.relu(linear) : linear;
}

/** The layers of one half (encoder or decoder) applied in turn, ReLU between them. */
function half(input: np.Array, layers: JaxDense[]): np.Array {
  return layers.reduce((h, layer, i) => denseLayer(h, layer, i < layers.length - 1), input);
}

/** The sizes of the categorical latent: N variables of K categories. */
export type JaxLatent = { latentVariables: number; categories: number };

/**
 * −mean ELBO of a batch of binary `images` [batch, pixels] under the VAE whose `layers` are the
 * encoder's then the decoder's (as {@link CategoricalVae.parameters} orders them), with the given
 * Gumbel noise [batch, N, K]: Σ x·l − softplus(l) per image, minus Σ_N (Σ_K q log q + log K).
 */
export function jaxNegativeElbo(
  layers: JaxDense[],
  images: np.Array,
  gumbels: np.Array,
  latent: JaxLatent,
  temperature: number,
  hard: boolean,
): np.Array {
  const { latentVariables, categories } = latent;
  const batch = images.shape[0];
  const encoder = layers.slice(0, layers.length / 2);
  const decoder = layers.slice(layers.length / 2);
  const logits = half(images.ref, encoder).reshape([batch, latentVariables, categories]);
  const code = jaxGumbelSoftmax(logits.ref, gumbels, temperature, hard);
  const pixelLogits = half(code.reshape([batch, latentVariables * categories]), decoder);
  const softplus = nn.relu(pixelLogits.ref).add(np.log1p(np.exp(np.negative(np.abs(pixelLogits.ref)))));
  const reconstruction = images.mul(pixelLogits).sub(softplus).sum(-1);
  const logQ = nn.logSoftmax(logits, -1);
  const kl = np.exp(logQ.ref).mul(logQ).sum(-1).add(Math.log(categories)).sum(-1);
  return np.negative(reconstruction.sub(kl).mean());
}

/** Adam's hyper-parameters, this library's defaults. */
export const JAX_ADAM = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * One Adam update as src/nn/adam.ts makes it: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * p ← p − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε). `stepSize` = lr/(1−β₁ᵗ) and `secondCorrectionRoot` =
 * √(1−β₂ᵗ) are scalar arrays, so a jitted step compiles once for every t.
 */
export function jaxAdamUpdate(
  parameters: JaxDense[],
  gradients: JaxDense[],
  state: JaxAdamState,
  stepSize: np.Array,
  secondCorrectionRoot: np.Array,
): { parameters: JaxDense[]; state: JaxAdamState } {
  const { beta1, beta2, epsilon } = JAX_ADAM;
  const update = (p: np.Array, g: np.Array, m: np.Array, v: np.Array) => {
    const first = m.mul(beta1).add(g.ref.mul(1 - beta1));
    const second = v.mul(beta2).add(np.square(g).mul(1 - beta2));
    const denominator = np.sqrt(second.ref).div(secondCorrectionRoot.ref).add(epsilon);
    const next = p.sub(first.ref.div(denominator).mul(stepSize.ref));
    return { next, first, second };
  };
  const layers = parameters.map((layer, i) => {
    const kernel = update(layer.kernel, gradients[i].kernel, state.first[i].kernel, state.second[i].kernel);
    const bias = update(layer.bias, gradients[i].bias, state.first[i].bias, state.second[i].bias);
    return { kernel, bias };
  });
  stepSize.dispose();
  secondCorrectionRoot.dispose();
  return {
    parameters: layers.map(({ kernel, bias }) => ({ kernel: kernel.next, bias: bias.next })),
    state: {
      first: layers.map(({ kernel, bias }) => ({ kernel: kernel.first, bias: bias.first })),
      second: layers.map(({ kernel, bias }) => ({ kernel: kernel.second, bias: bias.second })),
    },
  };
}

/** jax-js layers from this library's parameter arrays (kernel, bias per layer, as `parameters()` orders them). */
export function jaxLayers(values: Float32Array[], sizes: number[][]): JaxDense[] {
  const layers: JaxDense[] = [];
  for (let i = 0; i < values.length; i += 2) {
    layers.push({
      kernel: np.array(values[i]).reshape(sizes[i]),
      bias: np.array(values[i + 1]),
    });
  }
  return layers;
}
