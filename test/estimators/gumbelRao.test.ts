import { describe, expect, it } from 'vitest';
import { conditionalGumbelMap } from '../../src/estimators/conditionalGumbel.js';
import { estimators, tf } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';
import { twoSampleKolmogorovSmirnov } from '../helpers/kolmogorov.js';
import { EULER_GAMMA, moments } from '../helpers/stats.js';
import { column, drawEstimates, totalVariance } from './helpers.js';

const theta = [0.5, -0.3, 1.2, 0];
const target = [0.1, 0.7, 0.2, 0.4];
const TEMPERATURE = 0.5;

describe('Gumbel-Rao', () => {
  const logits = tf.tensor1d(theta);
  const targetTensor = tf.tensor1d(target);
  const loss = (z: Tensor) => tf.sum(tf.square(tf.sub(z, targetTensor)), -1);
  const gumbelRao = (k: number, seed: number) =>
    drawEstimates(
      (l, f) => estimators.gumbelRao(l, f, { k, temperature: TEMPERATURE, seed }).loss,
      logits,
      loss,
      2000,
    );
  const straightThroughGumbel = drawEstimates(
    (l, f) => estimators.straightThroughGumbel(l, f, { temperature: TEMPERATURE, seed: 101 }).loss,
    logits,
    loss,
    2000,
  );

  /**
   * Two-sample Kolmogorov–Smirnov on each of the 4 gradient components, 2000 estimates a side
   * (independent seeds): with k = 1 every p-value must exceed 1e−3 (family-wise false alarm ≤ 4e−3).
   * The same test separates k = 16 from ST Gumbel-softmax with p < 1e−6 (measured ≈ 1e−33 or less),
   * so it has the power to see a different distribution.
   */
  it('with k = 1 has the distribution of ST Gumbel-softmax', () => {
    const rao = gumbelRao(1, 7);
    for (let j = 0; j < theta.length; j++) {
      const { pValue } = twoSampleKolmogorovSmirnov(column(rao, j), column(straightThroughGumbel, j));
      expect(pValue).toBeGreaterThan(1e-3);
    }
    const raoSixteen = gumbelRao(16, 7);
    const smallest = Math.min(
      ...theta.map(
        (_, j) => twoSampleKolmogorovSmirnov(column(raoSixteen, j), column(straightThroughGumbel, j)).pValue,
      ),
    );
    expect(smallest).toBeLessThan(1e-6);
  });

  /**
   * Total variance of 2000 estimates for k = 1, 4, 16 with one seed, so the forward samples coincide
   * and only the averaging differs. Measured ≈ 0.79, 0.49, 0.42: the test asks var(4) < 0.8·var(1)
   * and var(16) < 0.95·var(4).
   */
  it('has a variance that falls as k grows', () => {
    const [one, four, sixteen] = [1, 4, 16].map((k) => totalVariance(gumbelRao(k, 9)));
    expect(four).toBeLessThan(0.8 * one);
    expect(sixteen).toBeLessThan(0.95 * four);
  });

  it('gives the same forward sample for every k (one seed)', () => {
    const samples = [1, 4].map((k) =>
      tf.tidy(() => Array.from(estimators.gumbelRao(logits, loss, { k, seed: 3 }).sample.dataSync())),
    );
    expect(samples[0]).toEqual(samples[1]);
  });
});

describe('conditional Gumbel draws', () => {
  it('argmax to the given category, masked categories included, even for extreme logits', () => {
    const logits = tf.tensor2d([
      [0, 1, 2, 3, 4],
      [40, -40, 0, Number.NEGATIVE_INFINITY, 1],
      [-30, -30, -30, -30, -30],
      [1e-3, 0, 0, 0, 20],
    ]);
    // Every category of each row in turn (masked ones excluded), 500 draws each.
    for (let category = 0; category < 5; category++) {
      const rows = [0, 1, 2, 3].filter((row) => !(row === 1 && category === 3));
      const sample = tf.tidy(() =>
        tf.gather(tf.cast(tf.oneHot(tf.fill([4], category, 'int32'), 5), 'float32'), rows),
      );
      const subset = tf.gather(logits, rows);
      const draws = estimators.conditionalGumbel(subset, sample, { draws: 500, seed: category });
      const winners = tf.tidy(() => tf.argMax(draws, -1).dataSync());
      expect(new Set(winners)).toEqual(new Set([category]));
      const values = draws.dataSync();
      expect(values.some((v) => Number.isNaN(v) || v === Number.POSITIVE_INFINITY)).toBe(false);
      tf.dispose([sample, subset, draws]);
    }
    logits.dispose();
  });

  it('keep the winner strictly on top when the own draw of a loser is far above it (float32 ties)', () => {
    // A loser with noise 25 truncated below a maximum of 0.5 rounds to 0.5 in float32 unless clamped.
    const values = tf.tidy(() =>
      conditionalGumbelMap(
        tf.tensor2d([[Math.log(0.5), Math.log(0.5)]]),
        tf.tensor2d([[0, 1]]),
        tf.tensor3d([[[25, 0.5]]]),
      ).dataSync(),
    );
    expect(values[1]).toBe(Math.fround(0.5));
    expect(values[0]).toBeLessThan(values[1]);
    expect(values[0]).toBeGreaterThan(0.5 - 1e-6);
  });

  /**
   * Mixing the conditional draws over a winner drawn from Cat(p) must give back the unconditional
   * perturbed logits log p_k + g_k, with mean log p_k + γ and variance π²/6. 20,000 draws; the mean
   * of each component must be within 4 standard errors (σ = π/√6) of log p_k + γ.
   */
  it('mixed over a categorical winner, reproduce the unconditional Gumbel perturbation', () => {
    const count = 20_000;
    const probabilities = [0.1, 0.2, 0.3, 0.4];
    const logProbabilities = probabilities.map(Math.log);
    const cumulative = probabilities.map((_, k) => probabilities.slice(0, k + 1).reduce((a, b) => a + b, 0));
    const winners = Int32Array.from({ length: count }, (_, i) => {
      const u = (i + 0.5) / count; // stratified: exact category frequencies
      return cumulative.findIndex((c) => u < c);
    });
    const perturbed = tf.tidy(() => {
      const logits = tf.tile(tf.tensor2d([logProbabilities]), [count, 1]);
      const sample = tf.cast(tf.oneHot(tf.tensor1d(winners, 'int32'), 4), 'float32');
      return estimators.conditionalGumbel(logits, sample, { seed: 17, validateArgs: false }).dataSync();
    });
    const standardError = Math.PI / Math.sqrt(6) / Math.sqrt(count);
    for (let k = 0; k < 4; k++) {
      const values = Array.from({ length: count }, (_, i) => perturbed[i * 4 + k]);
      const { mean, variance } = moments(values);
      expect(Math.abs(mean - (logProbabilities[k] + EULER_GAMMA)) / standardError).toBeLessThan(4);
      expect(variance).toBeGreaterThan(1.4);
      expect(variance).toBeLessThan(1.9);
    }
  });
});
