import { describe, expect, it } from 'vitest';
import { ArgumentError, estimators, tf } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';
import { expectOnlyReturnedTensors } from '../helpers/leaks.js';
import { drawEstimates, largestZScore, totalVariance } from './helpers.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

// n = 3 samples of D = 2 bits, each sample with its own logits.
const LOGITS = [
  [-1, 0.5],
  [2, -0.3],
  [0.2, 1.4],
];
const COSTS = [1.5, -2];

/** g(b) = Σ_d c_d b_d + 2·b_0·b_1 for one sample of two bits. */
const sampleCost = (bits: number[]) => COSTS[0] * bits[0] + COSTS[1] * bits[1] + 2 * bits[0] * bits[1];

/** The multi-sample objective f(b₁, b₂, b₃) = −log (1/3) Σ_i exp(−g(b_i)), in double precision. */
const objective = (samples: number[][]) =>
  -Math.log(samples.reduce((sum, bits) => sum + Math.exp(-sampleCost(bits)), 0) / samples.length);

/**
 * ∂/∂α_{i,d} E f, enumerating all 2⁶ joint codes: Σ_b f(b)·p(b)·(b_{i,d} − σ(α_{i,d})).
 */
function exactGradient(): number[] {
  const flat = LOGITS.flat();
  const gradient = new Array<number>(flat.length).fill(0);
  for (let code = 0; code < 2 ** flat.length; code++) {
    const bits = flat.map((_, j) => (code >> j) & 1);
    let probability = 1;
    bits.forEach((b, j) => {
      probability *= b === 1 ? sigmoid(flat[j]) : 1 - sigmoid(flat[j]);
    });
    const value = objective([bits.slice(0, 2), bits.slice(2, 4), bits.slice(4, 6)]);
    bits.forEach((b, j) => {
      gradient[j] += value * probability * (b - sigmoid(flat[j]));
    });
  }
  return gradient;
}

/** The same objective on tensors: b [..., 3, 2] → [...]. */
function objectiveOf(b: Tensor): Tensor {
  return tf.tidy(() => {
    const costs = tf.tensor1d(COSTS);
    const first = tf.squeeze(
      tf.slice(b, [...b.shape.slice(0, -1).map(() => 0), 0], [...b.shape.slice(0, -1), 1]),
      [-1],
    );
    const second = tf.squeeze(
      tf.slice(b, [...b.shape.slice(0, -1).map(() => 0), 1], [...b.shape.slice(0, -1), 1]),
      [-1],
    );
    const cost = tf.add(tf.sum(tf.mul(b, costs), -1), tf.mul(2, tf.mul(first, second))); // [..., 3]
    return tf.neg(tf.sub(tf.logSumExp(tf.neg(cost), -1), Math.log(3)));
  });
}

describe('multi-sample (local) DisARM', () => {
  const logits = tf.tensor2d(LOGITS);

  /**
   * Unbiasedness on a multi-sample objective that couples the samples (a log-mean-exp) and the bits
   * within a sample: the mean of 4000 estimates lies within 4 standard errors of the enumerated
   * gradient in each of the 6 components (false alarm ≤ 6 × 6.3e−5). The logits are tiled to
   * [4000, 3, 2] and f returns one loss per replica, so the samples axis is axis 1.
   */
  it('is unbiased for a log-mean-exp objective of 3 samples', () => {
    const rows = drawEstimates(
      (l, f) => estimators.multiSampleDisarm(l, f, { seed: 31 }).loss,
      logits,
      objectiveOf,
      4000,
    );
    const exact = exactGradient();
    expect(Math.max(...exact.map(Math.abs))).toBeGreaterThan(0.05); // a gradient worth estimating
    expect(largestZScore(rows, exact)).toBeLessThan(4);
  });

  /**
   * For an objective that is a sum over the samples, swapping one sample changes only its own term,
   * so each sample's estimate carries no noise from the others: on Tucker et al.'s toy over 6 bits
   * (each bit a sample) its variance is below that of plain DisARM with 3 pairs (6 evaluations of f,
   * 7 here), over 3000 estimates each.
   */
  it('has lower variance than DisARM with averaged pairs when f is a sum over the samples', () => {
    const bits = tf.tensor1d(LOGITS.flat());
    const toy = (b: Tensor) => tf.sum(tf.square(tf.sub(b, 0.45)), -1);
    const local = drawEstimates(
      (l, f) => estimators.multiSampleDisarm(l, f, { seed: 32 }).loss,
      bits,
      toy,
      3000,
    );
    const paired = drawEstimates(
      (l, f) => estimators.disarm(l, f, { pairs: 3, seed: 32 }).loss,
      bits,
      toy,
      3000,
    );
    const exact = LOGITS.flat().map((a) => sigmoid(a) * (1 - sigmoid(a)) * (1 - 2 * 0.45));
    expect(largestZScore(local, exact)).toBeLessThan(4);
    expect(totalVariance(local)).toBeLessThan(totalVariance(paired) / 2);
    bits.dispose();
  });

  it('gives 0/1 draws and its loss is f of them', () => {
    tf.tidy(() => {
      const { sample, loss } = estimators.multiSampleDisarm(logits, objectiveOf, { seed: 4 });
      const drawn = sample.arraySync() as number[][];
      expect(drawn.flat().every((v) => v === 0 || v === 1)).toBe(true);
      expect(loss.dataSync()[0]).toBeCloseTo(objective(drawn), 5);
    });
  });

  it('rejects a loss that leaves no samples axis and leaks nothing', () => {
    const perBit = (b: Tensor) => tf.square(b);
    expect(() => estimators.multiSampleDisarm(logits, perBit)).toThrow(ArgumentError);
    expect(() => estimators.multiSampleDisarm(logits, perBit)).toThrow(
      /loss must reduce over the samples axis/,
    );
    expect(() => estimators.multiSampleDisarm(tf.scalar(1), (b) => b)).toThrow(/samples axis/);
    const broken = tf.tensor2d([
      [Number.NaN, 0],
      [1, 2],
    ]);
    expect(() => estimators.multiSampleDisarm(broken, objectiveOf)).toThrow(/logits.*NaN/);
    broken.dispose();
    expectOnlyReturnedTensors(() => {
      const { sample, loss } = estimators.multiSampleDisarm(logits, objectiveOf, { seed: 1 });
      return [sample, loss];
    });
    expectOnlyReturnedTensors(() =>
      tf.grad((l: Tensor) => estimators.multiSampleDisarm(l, objectiveOf, { seed: 1 }).loss)(logits),
    );
  });
});
