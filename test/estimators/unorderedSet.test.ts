import { describe, expect, it } from 'vitest';
import { ArgumentError, estimators, tf } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';
import { expectOnlyReturnedTensors } from '../helpers/leaks.js';
import { drawEstimates, exactLinearGradient, largestZScore, totalVariance } from './helpers.js';

// min_θ E‖z − t‖² over K = 5; for one-hot z the loss is c_k = 1 − 2t_k + ‖t‖², the exact gradient
// p ⊙ (c − Σ p c) and the exact value Σ p c, in double precision.
const theta = [0.5, -0.3, 1.2, 0, -1];
const target = [0.1, 0.7, 0.2, 0.4, 0.9];
const squaredNorm = target.reduce((sum, t) => sum + t * t, 0);
const costs = target.map((t) => 1 - 2 * t + squaredNorm);
const exact = exactLinearGradient(theta, costs);
const probabilities = theta.map((l) => Math.exp(l) / theta.reduce((s, m) => s + Math.exp(m), 0));
const exactValue = probabilities.reduce((s, p, k) => s + p * costs[k], 0);

describe('unordered-set estimator', () => {
  const logits = tf.tensor1d(theta);
  const targetTensor = tf.tensor1d(target);
  const loss = (z: Tensor) => tf.sum(tf.square(tf.sub(z, targetTensor)), -1);

  /**
   * Unbiasedness: the mean of 4000 estimates within 4 standard errors of the exact gradient in each
   * of 5 components (false alarm ≤ 5 × 6.3e−5), for k = 2 and k = 3; and the mean of its loss (the
   * unordered-set estimate of E f) within 4 standard errors of the exact value.
   */
  it.each([2, 3])('is unbiased, gradient and value (k = %i)', (k) => {
    const rows = drawEstimates(
      (l, f) => estimators.unorderedSet(l, f, { k, seed: 40 + k }).loss,
      logits,
      loss,
      4000,
    );
    expect(largestZScore(rows, exact)).toBeLessThan(4);
    const values = tf.tidy(() =>
      Array.from(
        estimators
          .unorderedSet(tf.tile(tf.expandDims(logits, 0), [4000, 1]), loss, { k, seed: 50 + k })
          .loss.dataSync(),
      ),
    );
    expect(
      largestZScore(
        values.map((v) => [v]),
        [exactValue],
      ),
    ).toBeLessThan(4);
  });

  it('with k = K the set is every category and each estimate is the exact gradient', () => {
    const rows = drawEstimates(
      (l, f) => estimators.unorderedSet(l, f, { k: 5, seed: 1 }).loss,
      logits,
      loss,
      20,
    );
    for (const row of rows) {
      row.forEach((v, j) => {
        expect(v).toBeCloseTo(exact[j], 5);
      });
    }
  });

  it('has lower variance than REINFORCE with the same k samples and leave-one-out (measured 0.038 vs 0.091)', () => {
    const us = drawEstimates(
      (l, f) => estimators.unorderedSet(l, f, { k: 3, seed: 2 }).loss,
      logits,
      loss,
      3000,
    );
    const loo = drawEstimates(
      (l, f) => estimators.scoreFunction(l, f, { samples: 3, seed: 2 }).loss,
      logits,
      loss,
      3000,
    );
    expect(totalVariance(us)).toBeLessThan(0.7 * totalVariance(loo));
  });

  it('never draws a masked category, rejects bad k and losses, and leaks nothing', () => {
    const masked = tf.tensor2d([
      [0, Number.NEGATIVE_INFINITY, 1, 0.5],
      [1, 2, Number.NEGATIVE_INFINITY, 0],
    ]);
    const perRow = (z: Tensor) => tf.sum(tf.mul(z, tf.tensor1d([1, 2, 3, 4])), -1);
    const gradient = tf.tidy(() =>
      Array.from(
        tf
          .grad((l: Tensor) => tf.sum(estimators.unorderedSet(l, perRow, { k: 3, seed: 3 }).loss))(masked)
          .dataSync(),
      ),
    );
    expect(gradient.every(Number.isFinite)).toBe(true);
    expect(gradient[1]).toBe(0);
    expect(gradient[6]).toBe(0);
    for (const [work, argument] of [
      [() => estimators.unorderedSet(masked, perRow, { k: 1 }), 'k'],
      [() => estimators.unorderedSet(masked, perRow, { k: 4 }), 'k'],
      [() => estimators.unorderedSet(masked, (z: Tensor) => tf.sum(z), { k: 2 }), 'loss'],
    ] as const) {
      expect(work).toThrow(ArgumentError);
      try {
        work();
      } catch (error) {
        expect((error as ArgumentError).argument).toBe(argument);
      }
    }
    expectOnlyReturnedTensors(() => {
      const { sample, loss: value } = estimators.unorderedSet(masked, perRow, { k: 2, seed: 1 });
      return [sample, value];
    });
    expectOnlyReturnedTensors(() =>
      tf.grad((l: Tensor) => tf.sum(estimators.unorderedSet(l, perRow, { k: 3, seed: 1 }).loss))(masked),
    );
    masked.dispose();
  });
});
