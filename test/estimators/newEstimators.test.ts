import { describe, expect, it } from 'vitest';
import { estimators, tf } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';
import { expectOnlyReturnedTensors } from '../helpers/leaks.js';
import { drawEstimates, largestZScore, totalVariance } from './helpers.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softmax = (logits: number[]) => {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
};

/** The gradient of Σ_k c_k·z_k through one pathwise estimator call at `logits` with `seed`, and its one-hot sample. */
function linearGradient(
  estimator: estimators.Estimator<estimators.EstimatorOptions & { temperature?: number; gap?: number }>,
  logits: number[],
  costs: number[],
  options: Record<string, number>,
): { gradient: number[]; sample: number[] } {
  return tf.tidy(() => {
    const weights = tf.tensor1d(costs);
    let sample: Tensor | undefined;
    const gradient = tf.grad((theta: Tensor) => {
      const estimate = estimator(theta, (z) => tf.sum(tf.mul(z, weights), -1), options);
      sample = tf.keep(estimate.sample);
      return estimate.loss;
    })(tf.tensor1d(logits));
    const result = {
      gradient: Array.from(gradient.dataSync()),
      sample: Array.from(sample?.dataSync() ?? []),
    };
    sample?.dispose();
    return result;
  });
}

describe('DisARM (binary latents)', () => {
  const logitValues = [-1, 0.5, 2];
  const target = [0.2, 0.9, 0.4];
  const logits = tf.tensor1d(logitValues);
  const targetTensor = tf.tensor1d(target);
  // A loss that couples the bits, so the antithetic difference f(b) − f(b̃) is not per-bit.
  const loss = (b: Tensor) =>
    tf.add(
      tf.sum(tf.square(tf.sub(b, targetTensor)), -1),
      tf.sum(tf.mul(tf.slice(b, [0, 0], [-1, 1]), tf.slice(b, [0, 1], [-1, 1])), -1),
    );
  // Exact: E f = Σ_d [p_d (1 − t_d)² + (1 − p_d) t_d²] + p_0 p_1, so ∂/∂α_d = p_d(1 − p_d)·[(1 − 2t_d) + (d < 2 ? p_{1−d} : 0)].
  const p = logitValues.map(sigmoid);
  const exact = p.map((pd, d) => pd * (1 - pd) * (1 - 2 * target[d] + (d === 0 ? p[1] : d === 1 ? p[0] : 0)));

  /**
   * Unbiasedness: the mean of 4000 estimates lies within 4 standard errors of the exact gradient in
   * each of the 3 components (false alarm ≤ 3 × 6.3e−5); with 1 and with 3 pairs.
   */
  it.each([1, 3])('is unbiased (pairs = %i)', (pairs) => {
    const rows = drawEstimates(
      (l, f) => estimators.disarm(l, f, { pairs, seed: 21 }).loss,
      logits,
      loss,
      4000,
    );
    expect(largestZScore(rows, exact)).toBeLessThan(4);
  });

  it('has lower variance than REINFORCE with 2 samples and leave-one-out (same f evaluations)', () => {
    const disarmRows = drawEstimates(
      (l, f) => estimators.disarm(l, f, { seed: 22 }).loss,
      logits,
      loss,
      3000,
    );
    const reinforceRows = drawEstimates(
      (l, f) => estimators.binary(estimators.scoreFunction)(l, f, { samples: 2, seed: 22 }).loss,
      logits,
      loss,
      3000,
    );
    expect(totalVariance(disarmRows)).toBeLessThan(totalVariance(reinforceRows));
  });

  it('gives 0/1 draws of Bernoulli(σ(α)) ', () => {
    const count = 8000;
    const draws = tf.tidy(() =>
      estimators
        .disarm(tf.tile(tf.expandDims(logits, 0), [count, 1]), (b) => tf.sum(b, -1), { seed: 3 })
        .sample.dataSync(),
    );
    expect(draws.every((v) => v === 0 || v === 1)).toBe(true);
    logitValues.forEach((_, j) => {
      let ones = 0;
      for (let i = 0; i < count; i++) ones += draws[i * 3 + j];
      expect(Math.abs(ones - count * p[j]) / Math.sqrt(count * p[j] * (1 - p[j]))).toBeLessThan(4);
    });
  });

  it('rejects bad pairs and leaks nothing', () => {
    const batch = tf.tensor2d([logitValues, logitValues]);
    expect(() => estimators.disarm(batch, loss, { pairs: 0 })).toThrow(
      /pairs must be an integer >= 1, got 0/,
    );
    expectOnlyReturnedTensors(() => {
      const { sample, loss: value } = estimators.disarm(batch, loss, { pairs: 2, seed: 1 });
      return [sample, value];
    });
    expectOnlyReturnedTensors(() =>
      tf.grad((l: Tensor) => tf.sum(estimators.disarm(l, loss, { seed: 1 }).loss))(batch),
    );
    batch.dispose();
  });
});

describe('gapped straight-through (GST) and ZGR, against their definitions written out', () => {
  const logitValues = [0.3, -0.5, 1.1, 0.2];
  const costs = [1, -2, 0.5, 3];

  it('GST: the gradient of c·z is J_softmax((θ + m)/τ)ᵀc/τ with the gapped perturbation m', () => {
    for (const [temperature, gap, seed] of [
      [0.5, 1, 1],
      [2, 0.3, 2],
      [1, 2, 3],
    ]) {
      const { gradient, sample } = linearGradient(estimators.gappedStraightThrough, logitValues, costs, {
        temperature,
        gap,
        seed,
      });
      const chosen = sample.indexOf(1);
      const theta = softmax(logitValues).map(Math.log);
      const top = Math.max(...theta);
      const perturbed = theta.map((l, k) => (k === chosen ? top : l - Math.max(0, l - top + gap)));
      const soft = softmax(perturbed.map((l) => l / temperature));
      const mean = soft.reduce((s, y, k) => s + y * costs[k], 0);
      soft.forEach((y, k) => {
        expect(gradient[k]).toBeCloseTo((y * (costs[k] - mean)) / temperature, 5);
      });
    }
  });

  it('ZGR: the gradient of c·z is ½[p ⊙ (c − p·c) + (c·(D − p))(D − p)]', () => {
    for (const seed of [1, 2, 3, 4]) {
      const { gradient, sample } = linearGradient(estimators.zgr, logitValues, costs, { seed });
      const p = softmax(logitValues);
      const mean = p.reduce((s, pk, k) => s + pk * costs[k], 0);
      const centred = sample.map((d, k) => d - p[k]);
      const projection = centred.reduce((s, c, k) => s + c * costs[k], 0);
      p.forEach((pk, k) => {
        expect(gradient[k]).toBeCloseTo(0.5 * (pk * (costs[k] - mean) + projection * centred[k]), 5);
      });
    }
  });

  it('both draw exact one-hots, reject a bad gap and leak nothing', () => {
    const logits = tf.tensor2d([logitValues, logitValues]);
    const loss = (z: Tensor) => tf.sum(tf.square(z), -1);
    for (const estimator of [estimators.gappedStraightThrough, estimators.zgr]) {
      expectOnlyReturnedTensors(() => {
        const { sample, loss: value } = estimator(logits, loss, { seed: 2 });
        return [sample, value];
      });
      expectOnlyReturnedTensors(() =>
        tf.grad((l: Tensor) => tf.sum(estimator(l, loss, { seed: 2 }).loss))(logits),
      );
    }
    expect(() => estimators.gappedStraightThrough(logits, loss, { gap: 0 })).toThrow(/gap/);
    logits.dispose();
  });
});
