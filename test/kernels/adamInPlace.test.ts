/**
 * Adam's in-place update on wasm (all parameters in one call, no new buffers) against the composed
 * TF.js update: the same bits over several steps; it refuses (and the kernel path runs, still
 * bit-identical) where another tensor shares a parameter's buffer, which then stays unchanged.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { adamInPlace } from '../../src/kernels/adamInPlace.js';
import { useFusedKernels } from '../../src/kernels/register.js';
import { Adam } from '../../src/nn/adam.js';
import { tf } from '../../src/tf.js';

const startBackend = tf.getBackend();
afterAll(async () => {
  useFusedKernels(true);
  await tf.setBackend(startBackend);
});

/** Five Adam steps on two parameters; `hold` may keep a view of the first parameter meanwhile. */
function train(fused: boolean, hold: boolean): { values: number[][]; view?: number[]; newBuffers: number } {
  useFusedKernels(fused);
  try {
    const parameters = tf.tidy(() => [
      tf.variable(tf.randomNormal([30, 20], 0, 1, 'float32', 1)),
      tf.variable(tf.randomNormal([7], 0, 1, 'float32', 2)),
    ]);
    const view = hold ? tf.reshape(parameters[0], [600]) : undefined;
    const adam = new Adam(parameters, { learningRate: 0.01 });
    let newBuffers = 0;
    for (let step = 0; step < 5; step++) {
      const gradients = parameters.map((p, i) =>
        tf.randomNormal(p.shape, 0, 1, 'float32', 10 * step + i + 1),
      );
      const before = tf.engine().backend.numDataIds();
      adam.apply(gradients);
      newBuffers += tf.engine().backend.numDataIds() - before;
      tf.dispose(gradients);
    }
    const values = [...parameters, ...adam.moments()].map((t) => Array.from(t.dataSync()));
    const viewValues = view ? Array.from(view.dataSync()) : undefined;
    adam.dispose();
    tf.dispose([...parameters, ...(view ? [view] : [])]);
    return { values, view: viewValues, newBuffers };
  } finally {
    useFusedKernels(true);
  }
}

describe('Adam in place on wasm', () => {
  it('gives the bits of the composed update and allocates nothing', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const inPlace = train(true, false);
    const composed = train(false, false);
    expect(inPlace.values).toEqual(composed.values);
    expect(inPlace.newBuffers).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves a parameter whose buffer another tensor shares to the kernel path; the view keeps the old values', async () => {
    await tf.setBackend('wasm');
    const initial = tf.tidy(() => Array.from(tf.randomNormal([600], 0, 1, 'float32', 1).dataSync()));
    const held = train(true, true);
    const composed = train(false, false);
    expect(held.values).toEqual(composed.values);
    expect(held.view).toEqual(initial);
  });

  it('declines on the cpu backend', async () => {
    await tf.setBackend('cpu');
    const p = tf.variable(tf.ones([4]));
    const step = {
      beta1: 0.9,
      oneMinusBeta1: 0.1,
      beta2: 0.999,
      oneMinusBeta2: 0.001,
      sqrtCorrection2: 1,
      epsilon: 1e-8,
      stepSize: 1,
    };
    expect(adamInPlace([p], [p], [p], [p], step)).toBe(false);
    p.dispose();
  });
});
