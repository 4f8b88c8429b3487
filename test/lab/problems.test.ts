import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { bernoulliProblem, quadraticProblem, tinyVaeProblem } from '../../src/lab/problems.js';
import { softmaxOf } from '../helpers/stats.js';

/** log(1 + eˣ) in double precision. */
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

describe('lab problems', () => {
  it('quadratic: the exact value and gradient match Σ p_k ‖e_k − t‖² and a central difference', () => {
    const problem = quadraticProblem({ categories: 5, seed: 3 });
    const theta = Array.from(problem.logits.dataSync());
    const z = tf.tidy(() => problem.loss(tf.eye(5)).dataSync()); // costs of the 5 one-hots
    const value = (logits: number[]) => softmaxOf(logits).reduce((sum, p, k) => sum + p * z[k], 0);
    expect(problem.exactValue).toBeCloseTo(value(theta), 5);
    theta.forEach((_, j) => {
      const step = 1e-4;
      const up = theta.map((t, i) => (i === j ? t + step : t));
      const down = theta.map((t, i) => (i === j ? t - step : t));
      expect(problem.exactGradient[j]).toBeCloseTo((value(up) - value(down)) / (2 * step), 4);
    });
    problem.dispose();
  });

  it('tiny VAE: the enumerated value and gradient match a sum over codes written here', () => {
    const problem = tinyVaeProblem({ images: 2, pixels: 5, variables: 2, categories: 3, seed: 4 });
    const theta = Array.from(problem.logits.dataSync()); // [2, 2, 3]
    // f_b for every code, through the problem's own loss: codes [9 codes, 2 images, 2, 3] → [9, 2].
    const codes: number[] = [];
    for (let c = 0; c < 9; c++) {
      for (let b = 0; b < 2; b++) {
        const oneHots = [0, 0, 0, 0, 0, 0];
        oneHots[Math.floor(c / 3)] = 1;
        oneHots[3 + (c % 3)] = 1;
        codes.push(...oneHots);
      }
    }
    const losses = tf.tidy(() => problem.loss(tf.tensor4d(codes, [9, 2, 2, 3])).dataSync());
    const value = (logits: number[]) => {
      let total = 0;
      for (let b = 0; b < 2; b++) {
        const first = softmaxOf(logits.slice(b * 6, b * 6 + 3));
        const second = softmaxOf(logits.slice(b * 6 + 3, b * 6 + 6));
        for (let c = 0; c < 9; c++) total += first[Math.floor(c / 3)] * second[c % 3] * losses[c * 2 + b];
      }
      return total;
    };
    expect(problem.exactValue).toBeCloseTo(value(theta), 3);
    theta.forEach((_, j) => {
      const step = 1e-3;
      const up = theta.map((t, i) => (i === j ? t + step : t));
      const down = theta.map((t, i) => (i === j ? t - step : t));
      expect(problem.exactGradient[j]).toBeCloseTo((value(up) - value(down)) / (2 * step), 3);
    });
    // And the loss itself is −log p(x|z) of a linear Bernoulli decoder: positive, finite.
    expect(Array.from(losses).every((l) => l > 0 && Number.isFinite(l))).toBe(true);
    expect(softplus(0)).toBeCloseTo(Math.log(2), 12);
    problem.dispose();
  });

  it('bernoulli: the exact gradient is σ(ℓ)(1 − σ(ℓ))(1 − 2t) per bit and the loss Σ (b − t)²', () => {
    const problem = bernoulliProblem({ bits: 3, target: 0.45, seed: 5 });
    expect(problem.binary).toBe(true);
    const ell = Array.from(problem.logits.dataSync());
    ell.forEach((l, d) => {
      const p = 1 / (1 + Math.exp(-l));
      expect(problem.exactGradient[d]).toBeCloseTo(p * (1 - p) * 0.1, 6);
    });
    const losses = tf.tidy(() => Array.from(problem.loss(tf.tensor2d([[1, 0, 1]])).dataSync()));
    expect(losses[0]).toBeCloseTo(0.55 ** 2 * 2 + 0.45 ** 2, 6);
    problem.dispose();
  });

  it('reject sizes out of range, naming them', () => {
    expect(() => quadraticProblem({ categories: 1 })).toThrow(/categories must be an integer >= 2, got 1/);
    expect(() => tinyVaeProblem({ variables: 9, categories: 4 })).toThrow(/K\^N must be at most 65536/);
  });
});
