/**
 * The jax-js column of `npm run bench` is honest only if jax-js computes what we compute: its
 * Gumbel-softmax, −ELBO and Adam (bench/jaxModel.ts) against this library's on a tiny model, same
 * weights, images and Gumbel noise, within float32 rounding.
 */
import { grad, numpy as np, valueAndGrad } from '@jax-js/jax';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initJax } from '../../bench/jaxCases.js';
import {
  type JaxDense,
  jaxAdamUpdate,
  jaxGumbelSoftmax,
  jaxLayers,
  jaxNegativeElbo,
} from '../../bench/jaxModel.js';
import { Adam } from '../../src/nn/adam.js';
import { gumbelSoftmax } from '../../src/ops/gumbelSoftmax.js';
import { gumbelNoise } from '../../src/random/noise.js';
import { tf } from '../../src/tf.js';
import { CategoricalVae, type VaeShape } from '../../src/vae/model.js';
import { negativeElbo } from '../../src/vae/objective.js';

const SHAPE: VaeShape = { latentVariables: 3, categories: 4, inputSize: 12, hiddenUnits: [8, 6] };
const BATCH = 5;

beforeAll(initJax);
let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => expect(tf.memory().numTensors).toBe(tensorsBefore));

/** Expects every |actual − expected| ≤ `tolerance` · (1 + max |expected|). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 2e-5): void {
  expect(actual.length).toBe(expected.length);
  const scale = 1 + Math.max(...Array.from(expected, Math.abs));
  const worst = Math.max(...Array.from(actual, (a, i) => Math.abs(a - expected[i])));
  expect(worst).toBeLessThanOrEqual(tolerance * scale);
}

const jaxArray = (tensor: tf.Tensor) => np.array(tensor.dataSync() as Float32Array).reshape(tensor.shape);
const values = (array: np.Array) => Array.from(array.dataSync() as Float32Array);

function binaryImages(): tf.Tensor {
  return tf.tidy(() =>
    tf.cast(tf.less(tf.randomUniform([BATCH, SHAPE.inputSize], 0, 1, 'float32', 5), 0.4), 'float32'),
  );
}

function jaxModelOf(model: CategoricalVae): JaxDense[] {
  const parameters = model.parameters();
  return jaxLayers(
    parameters.map((p) => p.dataSync() as Float32Array),
    parameters.map((p) => p.shape),
  );
}

/** jax-js's gradient w.r.t. the logits of Σ w ⊙ gumbelSoftmax(logits, τ = 0.7). */
function jaxGradient(logits: np.Array, noise: np.Array, weights: np.Array, hard: boolean): np.Array {
  return grad((l: np.Array) => jaxGumbelSoftmax(l, noise, 0.7, hard).mul(weights).sum())(logits);
}

/** jax-js's −ELBO at τ = 1 and its gradients w.r.t. every layer's kernel and bias. */
function jaxElboGradients(
  layers: JaxDense[],
  images: np.Array,
  noise: np.Array,
  hard: boolean,
): [np.Array, JaxDense[]] {
  const latent = { latentVariables: SHAPE.latentVariables, categories: SHAPE.categories };
  return valueAndGrad((l: JaxDense[]) => jaxNegativeElbo(l, images, noise, latent, 1, hard))(layers);
}

describe('jax-js bench functions against this library', () => {
  for (const hard of [false, true]) {
    it(`gumbelSoftmax ${hard ? 'hard' : 'soft'}: value and gradient w.r.t. the logits`, () => {
      const logits = tf.randomNormal([6, 5], 0, 2, 'float32', 11);
      const weights = tf.randomNormal([6, 5], 0, 1, 'float32', 12);
      const noise = gumbelNoise([6, 5], 13);
      const ours = gumbelSoftmax(logits, { temperature: 0.7, hard, noise });
      const oursGrad = tf.grad((l: tf.Tensor) =>
        tf.sum(tf.mul(gumbelSoftmax(l, { temperature: 0.7, hard, noise }), weights)),
      )(logits);
      const theirs = jaxGumbelSoftmax(jaxArray(logits), jaxArray(noise), 0.7, hard);
      const gradient = jaxGradient(jaxArray(logits), jaxArray(noise), jaxArray(weights), hard);
      expectClose(values(theirs), Array.from(ours.dataSync()));
      expectClose(values(gradient), Array.from(oursGrad.dataSync()));
      tf.dispose([logits, weights, noise, ours, oursGrad]);
    });
  }

  for (const hard of [false, true]) {
    it(`negative ELBO (${hard ? 'straight-through' : 'soft'}): value and gradients of every parameter`, () => {
      const model = new CategoricalVae(SHAPE, 3);
      const images = binaryImages();
      const seed = 21;
      const noise = gumbelNoise([BATCH, SHAPE.latentVariables, SHAPE.categories], seed);
      const options = { temperature: 1, hard, kl: 'analytic' as const, seed };
      const ours = tf.variableGrads(() => negativeElbo(model, images, options), model.parameters());
      const [loss, gradients] = jaxElboGradients(jaxModelOf(model), jaxArray(images), jaxArray(noise), hard);
      expectClose(values(loss), [ours.value.dataSync()[0]]);
      model.parameters().forEach((p, i) => {
        const layer = gradients[i >> 1];
        expectClose(
          values(i % 2 === 0 ? layer.kernel : layer.bias),
          Array.from(ours.grads[p.name].dataSync()),
        );
      });
      tf.dispose([images, noise, ours.value, ...Object.values(ours.grads)]);
      model.dispose();
    });
  }

  it('Adam: two updates from the same gradients give the same parameters', () => {
    const model = new CategoricalVae(SHAPE, 4);
    let theirs = jaxModelOf(model);
    const zeros = () =>
      theirs.map(({ kernel, bias }) => ({ kernel: np.zerosLike(kernel.ref), bias: np.zerosLike(bias.ref) }));
    let state = { first: zeros(), second: zeros() };
    const adam = new Adam(model.parameters());
    for (let step = 1; step <= 2; step++) {
      const gradients = model
        .parameters()
        .map((p, i) => tf.randomNormal(p.shape, 0, 1, 'float32', 100 * step + i));
      const jaxGradients = theirs.map((_, i) => ({
        kernel: jaxArray(gradients[2 * i]),
        bias: jaxArray(gradients[2 * i + 1]),
      }));
      const stepSize = np.array(1e-3 / (1 - 0.9 ** step));
      const correction = np.array(Math.sqrt(1 - 0.999 ** step));
      ({ parameters: theirs, state } = jaxAdamUpdate(theirs, jaxGradients, state, stepSize, correction));
      adam.apply(gradients);
      tf.dispose(gradients);
    }
    model.parameters().forEach((p, i) => {
      const layer = theirs[i >> 1];
      expectClose(values(i % 2 === 0 ? layer.kernel : layer.bias), Array.from(p.dataSync()), 1e-6);
    });
    model.dispose();
    adam.dispose();
  });
});
