/**
 * The fused dense kernels (bias + ReLU after the packed matMul; ReLU mask + bias gradient + both
 * products backward) against the composed TF.js ops they replace, relu(x·W + b) and x·W + b under
 * TF.js's own autodiff: same values and gradients w.r.t. input, kernel and bias within float32
 * rounding, on wasm and cpu, at widths that are and are not multiples of 4. Also: the tensors the
 * gradient saves outlive the forward pass, and nothing leaks (tensors or backend buffers).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { packedMatMulActive } from '../../src/kernels/matMul.js';
import { dense } from '../../src/nn/dense.js';
import { tf } from '../../src/tf.js';

const startBackend = tf.getBackend();
afterAll(async () => {
  await tf.setBackend(startBackend);
});

/** max |a − b| / max |b|: float32 rounding of sums of hundreds of products, relative to their scale. */
function scaledError(a: tf.Tensor, b: tf.Tensor): number {
  const ours = a.dataSync();
  const expected = b.dataSync();
  expect(ours.length).toBe(expected.length);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < ours.length; i++) {
    worst = Math.max(worst, Math.abs(ours[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? worst : worst / scale;
}

/** [batch, inputs, units]: a tiny layer, tails of 1–3 columns, and one of the VAE's. */
const SHAPES: [number, number, number][] = [
  [7, 5, 3],
  [33, 20, 13],
  [100, 256, 200],
];

function composed(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, relu: boolean): tf.Tensor {
  const linear = tf.add(tf.matMul(x, w), b);
  return relu ? tf.relu(linear) : linear;
}

for (const backend of ['wasm', 'cpu']) {
  describe(`fused dense on ${backend}`, () => {
    for (const relu of [true, false]) {
      it.each(SHAPES)(
        `${relu ? 'relu' : 'linear'} [%i × %i] → %i: values and gradients as the composed ops`,
        async (batch, inputs, units) => {
          await tf.setBackend(backend);
          expect(packedMatMulActive()).toBe(true);
          const before = tf.memory().numTensors;
          const buffersBefore = tf.engine().backend.numDataIds();
          tf.tidy(() => {
            const x = tf.randomNormal([batch, inputs], 0, 1, 'float32', batch);
            const w = tf.randomNormal([inputs, units], 0, 0.3, 'float32', inputs);
            const b = tf.randomNormal([units], 0, 0.1, 'float32', units + 100);
            const weights = tf.randomNormal([batch, units], 0, 1, 'float32', 9);
            const loss = (layer: typeof composed) => (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
              tf.sum(tf.mul(layer(xi, wi, bi, relu), weights));
            const activation = relu ? 'relu' : 'linear';
            const ours = tf.grads(loss((xi, wi, bi) => dense(xi, wi, bi, activation)))([x, w, b]);
            const reference = tf.grads(loss(composed))([x, w, b]);
            expect(scaledError(dense(x, w, b, activation), composed(x, w, b, relu))).toBeLessThan(1e-5);
            for (const [i, g] of ours.entries()) {
              expect(g.shape).toEqual(reference[i].shape);
              expect(scaledError(g, reference[i])).toBeLessThan(1e-5);
            }
            if (relu) {
              // some units off and some on, or the mask would not have been tested
              const off = tf.sum(tf.cast(tf.equal(dense(x, w, b, 'relu'), 0), 'float32')).dataSync()[0];
              expect(off).toBeGreaterThan(0);
              expect(off).toBeLessThan(batch * units);
            }
          });
          expect(tf.memory().numTensors).toBe(before);
          expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
        },
      );
    }

    it('gives zeros for the input when asked not to compute its gradient, the others as usual', async () => {
      await tf.setBackend(backend);
      tf.tidy(() => {
        const x = tf.randomNormal([4, 3], 0, 1, 'float32', 5);
        const w = tf.randomNormal([3, 6], 0, 1, 'float32', 6);
        const b = tf.zeros([6]);
        const sumOf = (layer: (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => tf.Tensor) =>
          tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => tf.sum(layer(xi, wi, bi)))([x, w, b]);
        const [dx, dw, db] = sumOf((xi, wi, bi) => dense(xi, wi, bi, 'relu', false));
        const [, dwReference, dbReference] = sumOf((xi, wi, bi) => composed(xi, wi, bi, true));
        expect(Array.from(dx.dataSync())).toEqual(new Array(12).fill(0));
        expect(scaledError(dw, dwReference)).toBeLessThan(1e-5);
        expect(scaledError(db, dbReference)).toBeLessThan(1e-5);
      });
    });

    it('takes a non-float input (a one-hot code) as float32', async () => {
      await tf.setBackend(backend);
      tf.tidy(() => {
        const code = tf.oneHot(tf.tensor1d([2, 0], 'int32'), 3);
        const w = tf.tensor2d([1, -2, 3, 4, -5, 6], [3, 2]);
        const y = dense(code, w, tf.tensor1d([0.5, 0.5]), 'relu');
        expect(Array.from(y.dataSync())).toEqual([0, 6.5, 1.5, 0]);
      });
    });
  });
}

describe('saved tensors on wasm (shared with the forward pass by sharedIdentity.ts)', () => {
  it('keeps the saved tensors alive after the forward pass frees its own (gradient read later)', async () => {
    await tf.setBackend('wasm');
    const w = tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2]));
    const b = tf.variable(tf.tensor1d([0, -10]));
    const x = tf.tensor2d([1, 1], [1, 2]);
    // hidden is made and freed inside the loss's own tidy; its gradient needs the saved output
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => tf.sum(dense(dense(x, w, b, 'relu'), w, b))),
    );
    // hidden = relu([4, 6] + [0, −10]) = [4, 0]; out = [4, 8] + b = [4, −2], sum 2
    expect(value.dataSync()[0]).toBe(2);
    // ∂/∂b: [1, 1] from the second layer, plus Wᵀ·1 = [3, 7] masked by hidden > 0 to [3, 0]
    expect(Array.from(grads[b.name].dataSync())).toEqual([4, 1]);
    tf.dispose([value, w, b, x, ...Object.values(grads)]);
  });
});
