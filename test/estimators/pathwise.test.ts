import { describe, expect, it } from 'vitest';
import { estimators, tf } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';
import { softmaxOf } from '../helpers/stats.js';
import { drawEstimates, exactLinearGradient, largestZScore } from './helpers.js';

const theta = [0.5, -0.3, 1.2, 0];
const costs = [0.7, -0.4, 1.5, 0.2];

/** Jᵀdy of softmax at probabilities p: p ⊙ (dy − Σ dy p), in double precision. */
function softmaxBackward(p: number[], dy: number[]): number[] {
  const inner = p.reduce((sum, pk, k) => sum + pk * dy[k], 0);
  return p.map((pk, k) => pk * (dy[k] - inner));
}

describe('straight-through (Bengio et al. 2013)', () => {
  it('for a linear loss c·z its gradient is exactly ∇θ Σ p c at τ = 1, whatever the sample', () => {
    const logits = tf.tensor1d(theta);
    const weights = tf.tensor1d(costs);
    const exact = exactLinearGradient(theta, costs);
    for (let seed = 0; seed < 4; seed++) {
      const gradient = tf.tidy(() =>
        Array.from(
          tf
            .grad(
              (l: Tensor) => estimators.straightThrough(l, (z) => tf.sum(tf.mul(z, weights)), { seed }).loss,
            )(logits)
            .dataSync(),
        ),
      );
      gradient.forEach((g, k) => {
        expect(g).toBeCloseTo(exact[k], 6);
      });
    }
    tf.dispose([logits, weights]);
  });

  it('at τ = 2 its backward pass is the Jacobian of softmax(θ/τ), divided by τ', () => {
    const logits = tf.tensor1d(theta);
    const weights = tf.tensor1d(costs);
    const gradient = tf.tidy(() =>
      Array.from(
        tf
          .grad(
            (l: Tensor) =>
              estimators.straightThrough(l, (z) => tf.sum(tf.mul(z, weights)), { temperature: 2, seed: 1 })
                .loss,
          )(logits)
          .dataSync(),
      ),
    );
    const expected = softmaxBackward(softmaxOf(theta.map((t) => t / 2)), costs).map((g) => g / 2);
    gradient.forEach((g, k) => {
      expect(g).toBeCloseTo(expected[k], 6);
    });
    tf.dispose([logits, weights]);
  });
});

describe('ReinMax (Liu et al. 2023)', () => {
  it('its backward pass is 2·J(π₁)ᵀdy − ½·J(π₀)ᵀdy with π₁ = (D + softmax(θ/τ))/2', () => {
    const logits = tf.tensor1d(theta);
    const weights = tf.tensor1d(costs);
    const temperature = 1.7;
    for (let seed = 0; seed < 4; seed++) {
      const { sample, gradient } = tf.tidy(() => {
        const loss = (z: Tensor) => tf.sum(tf.mul(z, weights));
        return {
          sample: Array.from(estimators.reinmax(logits, loss, { temperature, seed }).sample.dataSync()),
          gradient: Array.from(
            tf
              .grad((l: Tensor) => estimators.reinmax(l, loss, { temperature, seed }).loss)(logits)
              .dataSync(),
          ),
        };
      });
      const midpoint = softmaxOf(theta.map((t) => t / temperature)).map((p, k) => (p + sample[k]) / 2);
      const first = softmaxBackward(midpoint, costs);
      const second = softmaxBackward(softmaxOf(theta), costs);
      gradient.forEach((g, k) => {
        expect(g).toBeCloseTo(2 * first[k] - 0.5 * second[k], 6);
      });
    }
    tf.dispose([logits, weights]);
  });

  /**
   * Heun's rule is exact for quadratic functions, so for f(z) = ‖z − t‖² ReinMax at τ = 1 is
   * unbiased: each of the 4 components of the mean of 4000 estimates must be within 4 standard
   * errors of the exact gradient (false alarm ≤ 2.5e−4). At τ = 2 it is biased and fails the same
   * check (measured z ≈ 30).
   */
  it('is unbiased for a quadratic loss at τ = 1 and biased at τ = 2', () => {
    const target = [0.1, 0.7, 0.2, 0.4];
    const squaredNorm = target.reduce((sum, t) => sum + t * t, 0);
    const exact = exactLinearGradient(
      theta,
      target.map((t) => 1 - 2 * t + squaredNorm),
    );
    const logits = tf.tensor1d(theta);
    const targetTensor = tf.tensor1d(target);
    const loss = (z: Tensor) => tf.sum(tf.square(tf.sub(z, targetTensor)), -1);
    const draw = (temperature: number) =>
      drawEstimates((l, f) => estimators.reinmax(l, f, { temperature, seed: 31 }).loss, logits, loss, 4000);
    expect(largestZScore(draw(1), exact)).toBeLessThan(4);
    expect(largestZScore(draw(2), exact)).toBeGreaterThan(8);
    tf.dispose([logits, targetTensor]);
  });
});
