import { softplus } from '../math/softplus.js';
import { RandomGenerator } from '../random/generator.js';
import { normalArray, uniformArray } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import type { LabProblem } from './problems.js';

/** Every 0/1 code of `count` bits, [2^count, count], bit j of code c being (c >> j) & 1. */
function allCodes(count: number): Tensor {
  const codes = new Float32Array(2 ** count * count);
  for (let code = 0; code < 2 ** count; code++) {
    for (let j = 0; j < count; j++) codes[code * count + j] = (code >> j) & 1;
  }
  return tf.tensor2d(codes, [2 ** count, count]);
}

/**
 * A multi-sample objective over binary latents, the setting multi-sample DisARM and VIMCO are made
 * for: the importance-weighted bound f(b₁, …, bₙ) = −log (1/n) Σ_i p(x | b_i) of one binary image x
 * of P pixels under a linear Bernoulli decoder (weights and bias N(0, 1)), with n independent samples
 * b_i ~ Bernoulli(σ(θ_i)) of D bits — the IWAE bound of a model whose proposal is its prior.
 * θ [n, D] holds each sample's logits (drawn once, N(0, 1), and tiled so every sample has the same);
 * the gradient is taken with respect to all n·D. Exact by summing over all 2^(nD) joint codes.
 */
export function bernoulliIwaeProblem(
  options: { samples?: number; bits?: number; pixels?: number; seed?: number } = {},
): LabProblem {
  const samples = options.samples ?? 3;
  const bits = options.bits ?? 4;
  const pixels = options.pixels ?? 8;
  for (const [name, value] of [
    ['samples', samples],
    ['bits', bits],
    ['pixels', pixels],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new ArgumentError(name, `must be an integer >= 1, got ${value}`);
    }
  }
  if (samples * bits > 16) {
    throw new ArgumentError('bits', `samples · bits must be at most 16 to enumerate, got ${samples}·${bits}`);
  }
  const generator = new RandomGenerator(options.seed ?? 5);
  const image = tf.tensor1d(uniformArray(pixels, generator).map((u) => (u < 0.5 ? 1 : 0)));
  const kernel = tf.tensor2d(normalArray(bits * pixels, generator), [bits, pixels]);
  const bias = tf.tensor1d(normalArray(pixels, generator));
  const logits = tf.tidy(() => tf.tile(tf.tensor2d(normalArray(bits, generator), [1, bits]), [samples, 1]));
  /** −log (1/n) Σ_i p(x | b_i) for codes [..., n, D] → [...]. */
  const negativeBound = (codes: Tensor) =>
    tf.tidy(() => {
      const leading = codes.shape.slice(0, -1);
      const decoded = tf.add(tf.matMul(tf.reshape(codes, [-1, bits]), kernel), bias);
      const pixelLogits = tf.reshape(decoded, [...leading, pixels]);
      const logLikelihood = tf.neg(tf.sum(tf.sub(softplus(pixelLogits), tf.mul(image, pixelLogits)), -1));
      return tf.neg(tf.sub(tf.logSumExp(logLikelihood, -1), Math.log(samples)));
    });
  const exact = tf.tidy(() => {
    const codes = allCodes(samples * bits); // [M, n·D]
    const values = negativeBound(tf.reshape(codes, [-1, samples, bits])); // [M]
    const { value, grad } = tf.valueAndGrad((theta: Tensor) => {
      const flat = tf.reshape(theta, [1, samples * bits]);
      // log p(b) = Σ_j b_j·log σ(θ_j) + (1 − b_j)·log σ(−θ_j), with log σ(x) = −softplus(−x).
      const logProbability = tf.neg(
        tf.sum(tf.add(tf.mul(codes, softplus(tf.neg(flat))), tf.mul(tf.sub(1, codes), softplus(flat))), -1),
      );
      return tf.sum(tf.mul(tf.exp(logProbability), values)) as tf.Scalar;
    })(logits);
    return { value: value.dataSync()[0], gradient: grad.dataSync() as Float32Array };
  });
  return {
    name: 'bernoulli-iwae',
    binary: true,
    lossPerCategorical: false,
    description: `−log (1/n) Σ_i p(x | b_i), n = ${samples} samples of ${bits} bits, a linear decoder of ${pixels} pixels (${2 ** (samples * bits)} joint codes)`,
    logits,
    loss: negativeBound,
    exactValue: exact.value,
    exactGradient: exact.gradient,
    dispose: () => tf.dispose([image, kernel, bias, logits]),
  };
}
