import { describe, expect, it } from 'vitest';
import { estimators, KSubset, tf } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';
import { expectOnlyReturnedTensors, takeValues } from '../helpers/leaks.js';

/** All k-subsets of {0, …, n − 1}. */
function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...subsets(n - 1, k), ...subsets(n - 1, k - 1).map((s) => [...s, n - 1])];
}

/** Cov(z)·v under p(S) ∝ exp(Σ_{i∈S} θ_i), z the k-hot of S, by enumeration in double precision. */
function covarianceTimes(theta: number[], k: number, v: number[]): number[] {
  const sets = subsets(theta.length, k);
  const weights = sets.map((s) => Math.exp(s.reduce((sum, i) => sum + theta[i], 0)));
  const total = weights.reduce((a, b) => a + b, 0);
  const probabilities = weights.map((w) => w / total);
  const mean = theta.map(() => 0);
  sets.forEach((s, c) => {
    for (const i of s) mean[i] += probabilities[c];
  });
  // Cov·v = E[z (z·v)] − μ (μ·v).
  const result = theta.map(() => 0);
  sets.forEach((s, c) => {
    const zv = s.reduce((sum, i) => sum + v[i], 0);
    for (const i of s) result[i] += probabilities[c] * zv;
  });
  const meanV = mean.reduce((sum, m, i) => sum + m * v[i], 0);
  return result.map((r, i) => r - mean[i] * meanV);
}

describe('estimators.simple', () => {
  const theta = [0.3, -1.2, 2.0, 0.7, -0.4, 1.1];
  const target = tf.tensor1d([1, 0, 0.5, 1, 0, 0.25]);
  const squaredError = (z: tf.Tensor) => tf.sum(tf.square(tf.sub(z, target)), -1);

  it('forward: the exact KSubset sample of the same seed, k-hot', () => {
    const logits = tf.tensor2d([theta, theta.map((t) => -t)]);
    const { sample, loss } = estimators.simple(logits, squaredError, { k: 3, seed: 5 });
    const values = takeValues(sample);
    const law = new KSubset({ logits, k: 3 });
    expect(values).toEqual(takeValues(law.sample({ seed: 5 })));
    for (const r of [0, 1]) expect(values.slice(r * 6, r * 6 + 6).reduce((a, b) => a + b, 0)).toBe(3);
    expect(loss.shape).toEqual([2]);
    tf.dispose([loss, logits]);
  });

  it('backward: Cov(z)·∂f/∂z at the sample, i.e. ∂/∂θ Σ_i μ_i(θ)·(∂f/∂z_i), checked by enumeration', () => {
    const logits = tf.tensor1d(theta);
    for (const [k, seed] of [
      [2, 1],
      [3, 2],
      [3, 3],
      [5, 4],
    ]) {
      let sampleValues: number[] = [];
      const gradient = takeValues(
        tf.grad((x: tf.Tensor) => {
          const { sample, loss } = estimators.simple(x, squaredError, { k, seed });
          sampleValues = Array.from(sample.dataSync());
          return loss;
        })(logits),
      );
      // ∂f/∂z at the sample, for f = ‖z − t‖²: 2(z − t).
      const t = Array.from(target.dataSync());
      const slope = sampleValues.map((z, i) => 2 * (z - t[i]));
      expectAllClose(gradient, covarianceTimes(theta, k, slope), 5);
    }
    logits.dispose();
  });

  it('is exact for a linear f: ∇θ E[c·z] = Cov(z)·c from every single draw', () => {
    const costs = [1.5, -0.5, 0.25, 2, -1, 0.75];
    const logits = tf.tensor1d(theta);
    const c = tf.tensor1d(costs);
    const expected = covarianceTimes(theta, 3, costs);
    for (const seed of [1, 2, 3]) {
      const gradient = takeValues(
        tf.grad((x: tf.Tensor) => estimators.simple(x, (z) => tf.sum(tf.mul(z, c), -1), { k: 3, seed }).loss)(
          logits,
        ),
      );
      expectAllClose(gradient, expected, 5);
    }
    tf.dispose([logits, c]);
  });

  it('never samples a masked item; gradients finite, 0 for masked items', () => {
    const logits = tf.tensor1d([0.3, Number.NEGATIVE_INFINITY, 2, 0.7, Number.NEGATIVE_INFINITY, 1.1]);
    let values: number[] = [];
    const gradient = takeValues(
      tf.grad((x: tf.Tensor) => {
        const { sample, loss } = estimators.simple(x, squaredError, { k: 4, seed: 9 });
        values = Array.from(sample.dataSync());
        return loss;
      })(logits),
    );
    expect(values).toEqual([1, 0, 1, 1, 0, 1]);
    expect(gradient.every(Number.isFinite)).toBe(true);
    expect(gradient[1]).toBe(0);
    expect(gradient[4]).toBe(0);
    logits.dispose();
  });

  it('rejects a bad k, bad logits or a loss of the wrong shape with an ArgumentError', () => {
    const logits = tf.tensor1d(theta);
    const run = (k: number) => () => estimators.simple(logits, squaredError, { k });
    expect(run(7)).toThrow(/k must be an integer in \[1, 6 \(the number of categories\)\], got 7/);
    expect(run(0)).toThrow(/k must be an integer/);
    expect(run(2.5)).toThrow(/k must be an integer/);
    expect(() => estimators.simple(logits, squaredError, {} as { k: number })).toThrow(
      /k must be an integer.*got undefined/,
    );
    const masked = tf.tensor1d([0, Number.NEGATIVE_INFINITY, 1]);
    expect(() => estimators.simple(masked, squaredError, { k: 3 })).toThrow(/the fewest unmasked/);
    expect(() => estimators.simple(logits, (z) => tf.sum(tf.stack([z, z]), -1), { k: 2 })).toThrow(
      /loss must return/,
    );
    tf.dispose([logits, masked]);
  });

  it('leaks no tensor, forward or under tf.grad', () => {
    const logits = tf.tensor1d(theta);
    expectOnlyReturnedTensors(() => {
      const { sample, loss } = estimators.simple(logits, squaredError, { k: 2, seed: 1 });
      return [sample, loss];
    });
    expectOnlyReturnedTensors(() =>
      tf.grad((x: tf.Tensor) => estimators.simple(x, squaredError, { k: 2, seed: 1 }).loss)(logits),
    );
    logits.dispose();
  });
});
