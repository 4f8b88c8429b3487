import { describe, expect, it } from 'vitest';
import { estimators, tf } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';
import { drawEstimates, exactLinearGradient, largestZScore, totalVariance } from './helpers.js';

// The problem: min_θ E_{z~Cat(softmax θ)} ‖z − t‖² over K = 4. For one-hot z the loss is the cost
// c_k = 1 − 2t_k + ‖t‖² of the chosen class, so the exact gradient is p ⊙ (c − Σ p c), computed
// here in double precision.
const theta = [0.5, -0.3, 1.2, 0];
const target = [0.1, 0.7, 0.2, 0.4];
const squaredNorm = target.reduce((sum, t) => sum + t * t, 0);
const exact = exactLinearGradient(
  theta,
  target.map((t) => 1 - 2 * t + squaredNorm),
);
const ESTIMATES = 4000;
const probabilities = theta.map((l) => Math.exp(l) / theta.reduce((sum, m) => sum + Math.exp(m), 0));
const expectedLoss = probabilities.reduce((sum, p, k) => sum + p * (1 - 2 * target[k] + squaredNorm), 0);

function squaredError(targetTensor: Tensor) {
  return (z: Tensor) => tf.sum(tf.square(tf.sub(z, targetTensor)), -1);
}

/**
 * Unbiasedness check: each of the 4 components of the mean of M = 4000 estimates must lie within 4
 * standard errors of the exact gradient. For an unbiased estimator the mean is close to normal, so
 * a false alarm has probability ≤ 4 × 6.3e−5 ≈ 2.5e−4; a bias of 5 standard errors in any component
 * is caught with probability ≥ 0.84. The biased ST Gumbel-softmax fails it (checked below).
 */
const BOUND_IN_STANDARD_ERRORS = 4;

describe('score-function (REINFORCE) estimator', () => {
  const logits = tf.tensor1d(theta);
  const targetTensor = tf.tensor1d(target);
  const loss = squaredError(targetTensor);

  it.each([
    ['no baseline, S = 1', {}],
    ['leave-one-out, S = 4', { samples: 4, baseline: 'leave-one-out' as const }],
    ['leave-one-out, S = 2', { samples: 2 }],
  ])('its mean matches the exact gradient (%s)', (_, options) => {
    const rows = drawEstimates(
      (l, f) => estimators.scoreFunction(l, f, { ...options, seed: 11 }).loss,
      logits,
      loss,
      ESTIMATES,
    );
    expect(largestZScore(rows, exact)).toBeLessThan(BOUND_IN_STANDARD_ERRORS);
  });

  it('its mean matches the exact gradient with a moving-average baseline', () => {
    const baseline = new estimators.MovingAverageBaseline({ decay: 0.5 });
    const estimate = (l: Tensor, f: (z: Tensor) => Tensor) =>
      estimators.scoreFunction(l, f, { baseline, seed: 12 }).loss;
    drawEstimates(estimate, logits, loss, 500); // sets the average to the mean loss of 500 draws
    expect(Math.abs((baseline.value ?? 0) - expectedLoss)).toBeLessThan(0.1); // ≈ 5 standard errors
    const rows = drawEstimates(estimate, logits, loss, ESTIMATES);
    expect(largestZScore(rows, exact)).toBeLessThan(BOUND_IN_STANDARD_ERRORS);
  });

  it('the check can fail: biased ST Gumbel-softmax is far outside the bound', () => {
    const rows = drawEstimates(
      (l, f) => estimators.straightThroughGumbel(l, f, { temperature: 1, seed: 11 }).loss,
      logits,
      loss,
      ESTIMATES,
    );
    expect(largestZScore(rows, exact)).toBeGreaterThan(2 * BOUND_IN_STANDARD_ERRORS);
  });

  it('REBAR is unbiased too', () => {
    const rows = drawEstimates(
      (l, f) => estimators.rebar(l, f, { temperature: 0.5, seed: 13 }).loss,
      logits,
      loss,
      ESTIMATES,
    );
    expect(largestZScore(rows, exact)).toBeLessThan(BOUND_IN_STANDARD_ERRORS);
  });

  it('leave-one-out with S = 4 has far lower variance than no baseline (measured ≈ 0.04 vs ≈ 0.88)', () => {
    const plain = drawEstimates(
      (l, f) => estimators.scoreFunction(l, f, { seed: 14 }).loss,
      logits,
      loss,
      2000,
    );
    const leaveOneOut = drawEstimates(
      (l, f) => estimators.scoreFunction(l, f, { samples: 4, seed: 14 }).loss,
      logits,
      loss,
      2000,
    );
    expect(totalVariance(leaveOneOut)).toBeLessThan(0.25 * totalVariance(plain));
  });

  it('its loss is f of its sample and variables in f get the pathwise gradient at the sample', () => {
    const variable = tf.variable(tf.tensor1d(target));
    const f = squaredError(variable);
    // The same seed gives the same sample; with S = 1, ∂f/∂t = −2(z − t) at that sample.
    const first = estimators.scoreFunction(logits, f, { seed: 5 });
    expect(Array.from(first.loss.dataSync())).toEqual(Array.from(tf.tidy(() => f(first.sample)).dataSync()));
    const expected = tf.tidy(() => tf.mul(tf.sub(first.sample, variable), -2));
    const { value, grads } = tf.variableGrads(
      () => estimators.scoreFunction(logits, f, { seed: 5 }).loss as tf.Scalar,
      [variable],
    );
    const actual = grads[variable.name].dataSync();
    expected.dataSync().forEach((v, i) => {
      expect(actual[i]).toBeCloseTo(v, 6);
    });
    tf.dispose([first.sample, first.loss, expected, value, grads[variable.name], variable]);
  });
});

describe('MovingAverageBaseline', () => {
  it('starts empty, takes the first mean, then averages with weight β on the old value', () => {
    const baseline = new estimators.MovingAverageBaseline({ decay: 0.75 });
    expect(baseline.value).toBeUndefined();
    baseline.update(4);
    expect(baseline.value).toBe(4);
    baseline.update(8);
    expect(baseline.value).toBe(0.75 * 4 + 0.25 * 8);
    baseline.update(Number.NaN);
    expect(baseline.value).toBe(5);
  });

  it('rejects a decay outside [0, 1) naming the range', () => {
    expect(() => new estimators.MovingAverageBaseline({ decay: 1 })).toThrow(
      /decay must be a number in \[0, 1\)/,
    );
  });
});
