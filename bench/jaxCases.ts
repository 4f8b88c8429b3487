/**
 * The jax-js column of `npm run bench`: the same work as bench/cases.ts, written with jax-js's jit
 * and grad (bench/jaxModel.ts) on its WebAssembly backend, each case timed in rotated rounds with
 * ours. In Node jax-js's wasm backend runs on one thread: it starts worker threads only where a
 * global `Worker` exists (browsers, Deno), and Node has none.
 */
import { defaultDevice, init, jit, numpy as np, random, tree, valueAndGrad } from '@jax-js/jax';
import { tf } from '../src/tf.js';
import { CategoricalVae, DEFAULT_VAE_SHAPE } from '../src/vae/model.js';
import { opRunner, randomImages, vaeTrainingStep } from './cases.js';
import {
  JAX_ADAM,
  type JaxAdamState,
  type JaxDense,
  jaxAdamUpdate,
  jaxGumbelNoise,
  jaxGumbelSoftmax,
  jaxLayers,
  jaxNegativeElbo,
} from './jaxModel.js';
import { type Timing, timedRotated } from './timing.js';

/** Starts jax-js on its wasm backend; the error says why where it cannot. */
export async function initJax(): Promise<void> {
  const devices = await init('wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js started no wasm device (got ${devices.join(', ')})`);
  defaultDevice('wasm');
}

/** Standard normal numbers from this library's seeded generator, as a jax-js array of `shape`. */
function normalArray(shape: number[], seed: number): np.Array {
  const values = tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync() as Float32Array);
  return np.array(values).reshape(shape);
}

/** One timed call and its cleanup. */
type Runner = { run: () => void; dispose: () => void };

/**
 * Forward + backward w.r.t. the logits of Σ w ⊙ gumbelSoftmax(logits, τ = 1), fresh noise each call,
 * jitted; the gradient is read back as ours is.
 */
export function jaxOpRunner(rows: number, categories: number, hard: boolean): Runner {
  const shape = [rows, categories];
  const logits = normalArray(shape, 1);
  const weights = normalArray(shape, 2);
  const loss = (l: np.Array, w: np.Array, key: np.Array) =>
    jaxGumbelSoftmax(l, jaxGumbelNoise(key, shape), 1, hard).mul(w).sum();
  const gradient = jit(valueAndGrad(loss));
  let call = 0;
  return {
    run: () => {
      const [value, g] = gradient(logits.ref, weights.ref, random.key(call++));
      value.dispose();
      g.dataSync(); // reads the gradient back, as ours does; dataSync consumes the array
    },
    dispose: () => {
      gradient.dispose();
      logits.dispose();
      weights.dispose();
    },
  };
}

/** Everything one jax-js VAE training step carries from one step to the next. */
type JaxTraining = { parameters: JaxDense[]; state: JaxAdamState };

/**
 * One default VAE training step (784-512-256-(20×10), batch 100, ReLU, Bernoulli likelihood,
 * analytic KL to the uniform prior, soft sample at τ = 1, Adam) as one jitted jax-js function,
 * from this library's initial weights (seed 1) and the same random images as ours.
 */
export function jaxVaeStepRunner(): Runner {
  const shape = DEFAULT_VAE_SHAPE;
  const model = new CategoricalVae(shape, 1);
  const parameters = jaxLayers(
    model.parameters().map((p) => p.dataSync() as Float32Array),
    model.parameters().map((p) => p.shape),
  );
  model.dispose();
  const imageTensor = randomImages(100);
  const images = np.array(imageTensor.dataSync() as Float32Array).reshape([100, shape.inputSize]);
  imageTensor.dispose();
  const zeros = () => tree.map((p: np.Array) => np.zerosLike(p.ref), parameters) as JaxDense[];
  let training: JaxTraining = { parameters, state: { first: zeros(), second: zeros() } };
  const gumbelShape = [100, shape.latentVariables, shape.categories];
  const step = jit(
    (current: JaxTraining, batch: np.Array, key: np.Array, stepSize: np.Array, correction: np.Array) => {
      const gumbels = jaxGumbelNoise(key, gumbelShape);
      const [loss, gradients] = valueAndGrad((layers: JaxDense[]) =>
        jaxNegativeElbo(layers, batch, gumbels, shape, 1, false),
      )(tree.ref(current.parameters));
      const next = jaxAdamUpdate(current.parameters, gradients, current.state, stepSize, correction);
      return [loss, next] as [np.Array, JaxTraining];
    },
  );
  let count = 0;
  return {
    run: () => {
      count += 1;
      const stepSize = np.array(JAX_ADAM.learningRate / (1 - JAX_ADAM.beta1 ** count));
      const correction = np.array(Math.sqrt(1 - JAX_ADAM.beta2 ** count));
      const [loss, next] = step(training, images.ref, random.key(count), stepSize, correction);
      loss.dataSync(); // consumes the loss
      training = next;
    },
    dispose: () => {
      step.dispose();
      tree.dispose(training);
      images.dispose();
    },
  };
}

/** Ours and jax-js's timing of one work, measured in the same rotated rounds. */
export type Paired = { ours: Timing; jax: Timing };

/** The jax-js column: each Gumbel-softmax case (soft then hard per shape) and the VAE step, or why not. */
export type JaxTimings = { ops: Paired[]; vaeStep: Paired } | { error: string };

/** Times ours and jax-js's runner of one work in rotated rounds, then frees both. */
function paired(ours: Runner, theirs: Runner, repeats: number): Paired {
  try {
    const [oursTiming, jaxTiming] = timedRotated([ours.run, theirs.run], repeats);
    return { ours: oursTiming, jax: jaxTiming };
  } finally {
    ours.dispose();
    theirs.dispose();
  }
}

/**
 * Times the jax-js column, each case in rotated rounds with ours (so their ratio holds on a shared
 * machine); where jax-js cannot start or run a case, returns the error instead of throwing, so the
 * rest of the bench still reports.
 */
export async function jaxTimings(
  shapes: [number, number][],
  repeats: number,
  vaeSteps: number,
): Promise<JaxTimings> {
  try {
    await initJax();
    const ops = shapes.flatMap(([rows, categories]) =>
      [false, true].map((hard) =>
        paired(opRunner(rows, categories, hard, true), jaxOpRunner(rows, categories, hard), repeats),
      ),
    );
    const ours = vaeTrainingStep();
    const vaeStep = paired({ run: ours.step, dispose: ours.dispose }, jaxVaeStepRunner(), vaeSteps);
    return { ops, vaeStep };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}
