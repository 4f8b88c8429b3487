/**
 * The pieces of one data-parallel worker's step (default VAE, batch 100 split over 2 workers),
 * each timed in this one thread in rotated rounds (CPU time, so a shared machine's waits for a core
 * count less): the gradient on 50 and on 100 rows, copying half the gradients out, adding the
 * other worker's half in, Adam on half the parameters, the parameters out and in.
 *
 *   node --import tsx bench/workerPhases.ts [--repeats 40]
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend.js';
import { Adam } from '../src/nn/adam.js';
import { enableRelaxedSimd } from '../src/nodeWasmFeatures.js';
import { tf } from '../src/tf.js';
import { CategoricalVae } from '../src/vae/model.js';
import { negativeElbo } from '../src/vae/objective.js';
import { copyTensorInto, tensorCopyOf } from '../src/vae/parallel/tensorCopy.js';
import { randomImages } from './cases.js';
import { timedRotated } from './timing.js';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '40' } } });
enableRelaxedSimd();
await initBackend('wasm');
const model = new CategoricalVae(undefined, 1);
const parameters = model.parameters();
const half = parameters.length / 2;
const encoder = parameters.slice(0, half);
const decoder = parameters.slice(half);
const adam = new Adam(encoder);
const full = randomImages(100);
const rows50 = tf.slice(full, [0, 0], [50, 784]);
const floats = parameters.reduce((sum, p) => sum + p.size, 0);
const slot = new Float32Array(new SharedArrayBuffer(floats * 4));
const gradientsOf = (images: tf.Tensor) => {
  const { value, grads } = tf.variableGrads(
    () => negativeElbo(model, images, { temperature: 1, hard: false, kl: 'analytic' }),
    parameters,
  );
  value.dataSync();
  value.dispose();
  return parameters.map((p) => grads[p.name]);
};
const grads = gradientsOf(rows50);
const offsets = parameters.map((_, i) => parameters.slice(0, i).reduce((sum, p) => sum + p.size, 0));
const pieces: [string, () => void][] = [
  ['gradient, 100 rows', () => tf.dispose(gradientsOf(full))],
  ['gradient, 50 rows', () => tf.dispose(gradientsOf(rows50))],
  [
    'decoder gradients out (copyTensorInto)',
    () => {
      for (let i = half; i < parameters.length; i++) copyTensorInto(grads[i], slot, offsets[i]);
    },
  ],
  [
    'encoder sum (tf.tensor + tf.add)',
    () =>
      tf.dispose(
        tf.tidy(() =>
          encoder.map((p, i) =>
            tf.add(grads[i], tf.tensor(slot.subarray(offsets[i], offsets[i] + p.size), p.shape)),
          ),
        ),
      ),
  ],
  ['Adam on the encoder', () => adam.apply(grads.slice(0, half))],
  [
    'encoder parameters out (copyTensorInto)',
    () => {
      for (let i = 0; i < half; i++) copyTensorInto(parameters[i], slot, offsets[i]);
    },
  ],
  [
    'decoder parameters in (assign tensorCopyOf)',
    () =>
      tf.tidy(() =>
        decoder.forEach((p, i) => {
          p.assign(tensorCopyOf(slot.subarray(offsets[half + i], offsets[half + i] + p.size), p.shape));
        }),
      ),
  ],
];
const timings = timedRotated(
  pieces.map(([, run]) => run),
  Number(values.repeats),
);
console.log('| piece | wall median | fastest | CPU median |\n|---|---|---|---|');
for (const [i, t] of timings.entries()) {
  console.log(
    `| ${pieces[i][0]} | ${t.median.toFixed(2)} | ${t.min.toFixed(2)} | ${t.cpu?.median.toFixed(2)} |`,
  );
}
tf.dispose(grads);
