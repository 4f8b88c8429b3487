import { describe, expect, it } from 'vitest';
import { estimators, RelaxedBernoulli, tf } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';
import { twoSampleKolmogorovSmirnov } from '../helpers/kolmogorov.js';
import { drawEstimates, largestZScore } from './helpers.js';

const logitValues = [-1, 0.5, 2];
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('binary estimators (Bernoulli latents through the pair of categories (ℓ, 0))', () => {
  const logits = tf.tensor1d(logitValues);

  /** Per bit, |count − Nσ(ℓ)| must be below 4 binomial standard deviations (N = 8000). */
  it('straight-through Gumbel gives exact 0/1 draws of Bernoulli(σ(ℓ))', () => {
    const count = 8000;
    const draws = tf.tidy(() => {
      const tiled = tf.tile(tf.expandDims(logits, 0), [count, 1]);
      const { sample } = estimators.binary(estimators.straightThroughGumbel)(tiled, (b) => tf.sum(b, -1), {
        seed: 2,
      });
      return sample.dataSync();
    });
    expect(draws.every((v) => v === 0 || v === 1)).toBe(true);
    logitValues.forEach((logit, j) => {
      let ones = 0;
      for (let i = 0; i < count; i++) ones += draws[i * 3 + j];
      const p = sigmoid(logit);
      expect(Math.abs(ones - count * p) / Math.sqrt(count * p * (1 - p))).toBeLessThan(4);
    });
  });

  /**
   * The soft relaxation is the binary Concrete: 2000 draws of binary(gumbelSoftmax) at τ = 0.5 and
   * 2000 of RelaxedBernoulli(τ = 0.5) agree by two-sample KS (p > 1e−3 per bit); τ = 1 against
   * τ = 0.5 is told apart (p < 1e−6).
   */
  it('gumbel-softmax gives the relaxed Bernoulli (binary Concrete) distribution', () => {
    const count = 2000;
    const relaxed = (temperature: number) =>
      tf.tidy(() => {
        const tiled = tf.tile(tf.expandDims(logits, 0), [count, 1]);
        return estimators
          .binary(estimators.gumbelSoftmax)(tiled, (b) => tf.sum(b, -1), { temperature, seed: 4 })
          .sample.dataSync();
      });
    const reference = tf.tidy(() =>
      new RelaxedBernoulli({ logits, temperature: 0.5 })
        .rsample({ sampleShape: [count], seed: 5 })
        .dataSync(),
    );
    const bit = (values: ArrayLike<number>, j: number) =>
      Array.from({ length: count }, (_, i) => values[i * 3 + j]);
    const half = relaxed(0.5);
    const one = relaxed(1);
    for (let j = 0; j < 3; j++) {
      expect(twoSampleKolmogorovSmirnov(bit(half, j), bit(reference, j)).pValue).toBeGreaterThan(1e-3);
      expect(twoSampleKolmogorovSmirnov(bit(one, j), bit(reference, j)).pValue).toBeLessThan(1e-6);
    }
  });

  /**
   * For f(b) = Σ (b − t)² the exact gradient is σ(ℓ)(1 − σ(ℓ))·(1 − 2t) per bit. The mean of 4000
   * REINFORCE estimates must be within 4 standard errors in each bit; the biased straight-through
   * Gumbel at τ = 1 is far outside.
   */
  it('REINFORCE is unbiased for Bernoulli latents; straight-through Gumbel is not', () => {
    const target = [0.2, 0.9, 0.4];
    const targetTensor = tf.tensor1d(target);
    const loss = (b: Tensor) => tf.sum(tf.square(tf.sub(b, targetTensor)), -1);
    const exact = logitValues.map((l, j) => sigmoid(l) * (1 - sigmoid(l)) * (1 - 2 * target[j]));
    const reinforce = drawEstimates(
      (l, f) => estimators.binary(estimators.scoreFunction)(l, f, { samples: 4, seed: 6 }).loss,
      logits,
      loss,
      4000,
    );
    expect(largestZScore(reinforce, exact)).toBeLessThan(4);
    const straightThrough = drawEstimates(
      (l, f) => estimators.binary(estimators.straightThroughGumbel)(l, f, { temperature: 1, seed: 6 }).loss,
      logits,
      loss,
      4000,
    );
    expect(largestZScore(straightThrough, exact)).toBeGreaterThan(8);
    targetTensor.dispose();
  });

  it('straight-through for a linear loss c·b has exactly the gradient σ′(ℓ)·c', () => {
    const costs = [0.5, -2, 1];
    const weights = tf.tensor1d(costs);
    const gradient = tf.tidy(() =>
      tf
        .grad(
          (l: Tensor) =>
            estimators.binary(estimators.straightThrough)(l, (b) => tf.sum(tf.mul(b, weights)), { seed: 1 })
              .loss,
        )(logits)
        .dataSync(),
    );
    logitValues.forEach((l, j) => {
      expect(gradient[j]).toBeCloseTo(sigmoid(l) * (1 - sigmoid(l)) * costs[j], 6);
    });
    weights.dispose();
  });
});
