import { describe, expect, it } from 'vitest';
import {
  gumbelArray,
  gumbelSoftmax,
  normalArray,
  reparameterizeNormal,
  stopGradient,
  straightThrough,
  tf,
} from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';
import { takeValues } from '../helpers/leaks.js';
import { softmaxOf } from '../helpers/stats.js';

const ROWS = 3;
const K = 4;
const LOGITS = [0.3, -1.2, 2.0, 0.1, 1.0, 1.0, -0.5, Number.NEGATIVE_INFINITY, -3, 0.7, 0.2, 1.5];
const WEIGHTS = [0.5, -1, 2, 0.3, -0.7, 1.1, 0.4, 2.5, 1, -2, 0.6, 0.9];
const TEMPERATURES = [0.7, 1.3, 0.4]; // one per row
const SEED = 21;

/**
 * The loss Σ w ⊙ softmax((logits + g)/τ_row) in double precision, written here from the
 * definition, with the same noise the library draws for SEED.
 */
function referenceLoss(logits: number[], temperatures: number[]): number {
  const noise = gumbelArray(ROWS * K, SEED);
  let loss = 0;
  for (let r = 0; r < ROWS; r++) {
    const row = logits.slice(r * K, r * K + K).map((l, c) => (l + noise[r * K + c]) / temperatures[r]);
    softmaxOf(row).forEach((y, c) => {
      loss += WEIGHTS[r * K + c] * y;
    });
  }
  return loss;
}

/** Central finite differences of `f` at `x`, skipping −Infinity entries (masks: gradient 0). */
function finiteDifferences(f: (x: number[]) => number, x: number[], step = 1e-5): number[] {
  return x.map((value, i) => {
    if (!Number.isFinite(value)) return 0;
    const plus = [...x];
    const minus = [...x];
    plus[i] = value + step;
    minus[i] = value - step;
    return (f(plus) - f(minus)) / (2 * step);
  });
}

function libraryLoss(logits: tf.Tensor, temperature: tf.Tensor | number, hard = false): tf.Scalar {
  return tf.sum(
    tf.mul(gumbelSoftmax(logits, { temperature, seed: SEED, hard }), tf.tensor2d(WEIGHTS, [ROWS, K])),
  );
}

describe('gumbelSoftmax gradients', () => {
  const logits = tf.tensor2d(LOGITS, [ROWS, K]);
  const temperature = tf.tensor2d(TEMPERATURES, [ROWS, 1]);

  it('match central finite differences of the double-precision reference (logits and τ)', () => {
    const [dLogits, dTemperature] = tf.grads((l: tf.Tensor, t: tf.Tensor) => libraryLoss(l, t))([
      logits,
      temperature,
    ]);
    const expectedLogits = finiteDifferences((l) => referenceLoss(l, TEMPERATURES), LOGITS);
    const expectedTemperature = finiteDifferences((t) => referenceLoss(LOGITS, t), TEMPERATURES);
    expectAllClose(takeValues(dLogits), expectedLogits, 4);
    expectAllClose(takeValues(dTemperature), expectedTemperature, 4);
  });

  it('with a number temperature match finite differences', () => {
    const dLogits = tf.grad((l: tf.Tensor) => libraryLoss(l, 0.8))(logits);
    const expected = finiteDifferences((l) => referenceLoss(l, [0.8, 0.8, 0.8]), LOGITS);
    expectAllClose(takeValues(dLogits), expected, 4);
  });

  it('are finite with masked logits, 0 at the masks, for logits and τ', () => {
    const [dLogits, dTemperature] = tf.grads((l: tf.Tensor, t: tf.Tensor) => libraryLoss(l, t))([
      logits,
      temperature,
    ]);
    const values = takeValues(dLogits);
    expect(values.every(Number.isFinite)).toBe(true);
    expect(values[7]).toBe(0);
    expect(takeValues(dTemperature).every(Number.isFinite)).toBe(true);
  });

  it('of hard: equal the soft sample gradient for the same seed', () => {
    const [softLogits, softTemperature] = tf.grads((l: tf.Tensor, t: tf.Tensor) => libraryLoss(l, t))([
      logits,
      temperature,
    ]);
    const [hardLogits, hardTemperature] = tf.grads((l: tf.Tensor, t: tf.Tensor) => libraryLoss(l, t, true))([
      logits,
      temperature,
    ]);
    expect(takeValues(hardLogits)).toEqual(takeValues(softLogits));
    expect(takeValues(hardTemperature)).toEqual(takeValues(softTemperature));
  });

  it('along axis 0 match finite differences of a column-wise reference', () => {
    // Categories along axis 0 of a [K, ROWS] tensor; the noise is drawn in that tensor's flat order.
    const flat = Array.from({ length: K * ROWS }, (_, i) => LOGITS[(i % ROWS) * K + Math.floor(i / ROWS)]);
    const referenceColumns = (x: number[]) => {
      const noise = gumbelArray(K * ROWS, SEED);
      let loss = 0;
      for (let r = 0; r < ROWS; r++) {
        const column = Array.from({ length: K }, (_, c) => (x[c * ROWS + r] + noise[c * ROWS + r]) / 0.9);
        softmaxOf(column).forEach((y, c) => {
          loss += WEIGHTS[c * ROWS + r] * y;
        });
      }
      return loss;
    };
    const columns = tf.tensor2d(flat, [K, ROWS]);
    const weights = tf.tensor2d(WEIGHTS, [K, ROWS]);
    const gradient = tf.grad((l: tf.Tensor) =>
      tf.sum(tf.mul(gumbelSoftmax(l, { temperature: 0.9, seed: SEED, axis: 0 }), weights)),
    )(columns);
    const expected = finiteDifferences(referenceColumns, flat);
    expectAllClose(takeValues(gradient), expected, 4);
    tf.dispose([columns, weights]);
  });

  it('leave no tensors behind', () => {
    const before = tf.memory().numTensors;
    const grads = tf.grads((l: tf.Tensor, t: tf.Tensor) => libraryLoss(l, t, true))([logits, temperature]);
    expect(tf.memory().numTensors - before).toBe(2);
    tf.dispose(grads);
  });
});

describe('straightThrough and stopGradient', () => {
  it('straightThrough returns hard exactly and passes the soft gradient', () => {
    const soft = tf.tensor1d([0.2, 0.7, 0.1]);
    const hard = tf.tensor1d([0, 1, 0]);
    const weights = tf.tensor1d([3, -1, 2]);
    expect(takeValues(straightThrough(hard, soft))).toEqual([0, 1, 0]);
    const gradient = tf.grad((s: tf.Tensor) => tf.sum(tf.mul(straightThrough(hard, tf.square(s)), weights)))(
      soft,
    );
    expectAllClose(takeValues(gradient), [2 * 0.2 * 3, 2 * 0.7 * -1, 2 * 0.1 * 2], 6);
    expect(() => straightThrough(tf.tensor1d([1, 0]), soft)).toThrow(
      /hard must have the shape of soft \[3\], got \[2\]/,
    );
    tf.dispose([soft, hard, weights]);
  });

  it('stopGradient keeps the value and blocks the gradient', () => {
    const x = tf.tensor1d([1, 2]);
    expect(takeValues(stopGradient(x))).toEqual([1, 2]);
    const gradient = tf.grad((v: tf.Tensor) => tf.sum(tf.add(tf.mul(stopGradient(v), v), v)))(x);
    expect(takeValues(gradient)).toEqual([2, 3]);
    x.dispose();
  });
});

describe('reparameterizeNormal', () => {
  it('is μ + σ·ε with gradient 1 for μ and ε for σ', () => {
    const mean = tf.tensor1d([1, -2, 0.5]);
    const std = tf.tensor1d([0.5, 2, 1]);
    const epsilon = normalArray(3, 4);
    expectAllClose(
      takeValues(reparameterizeNormal(mean, std, { seed: 4 })),
      [1, -2, 0.5].map((mu, i) => mu + [0.5, 2, 1][i] * epsilon[i]),
      5,
    );
    const [dMean, dStd] = tf.grads((m: tf.Tensor, s: tf.Tensor) =>
      tf.sum(reparameterizeNormal(m, s, { seed: 4 })),
    )([mean, std]);
    expect(takeValues(dMean)).toEqual([1, 1, 1]);
    expectAllClose(takeValues(dStd), epsilon, 6);
    tf.dispose([mean, std]);
  });

  it('broadcasts mean and std', () => {
    const z = reparameterizeNormal(tf.zeros([2, 1]), [1, 2, 3], { seed: 1 });
    expect(z.shape).toEqual([2, 3]);
    z.dispose();
  });
});
