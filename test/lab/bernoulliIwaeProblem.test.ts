import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { bernoulliIwaeProblem } from '../../src/lab/bernoulliIwaeProblem.js';
import { runLab } from '../../src/lab/runner.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('the bernoulli-iwae lab problem', () => {
  /**
   * The enumerated value and gradient against a sum over the 2^(nD) joint codes written here, with
   * the gradient by the score identity Σ_b f(b)·p(b)·(b_j − σ(θ_j)) (not autodiff), f through the
   * problem's own loss.
   */
  it('matches a sum over joint codes written here, and f is a log-mean-exp over the samples', () => {
    const problem = bernoulliIwaeProblem({ samples: 2, bits: 3, pixels: 5, seed: 7 });
    expect(problem.binary).toBe(true);
    expect(problem.logits.shape).toEqual([2, 3]);
    const theta = Array.from(problem.logits.dataSync());
    const size = theta.length;
    const codes: number[] = [];
    for (let code = 0; code < 2 ** size; code++) for (let j = 0; j < size; j++) codes.push((code >> j) & 1);
    const losses = tf.tidy(() => problem.loss(tf.tensor3d(codes, [2 ** size, 2, 3])).dataSync());
    let value = 0;
    const gradient = new Array<number>(size).fill(0);
    for (let code = 0; code < 2 ** size; code++) {
      const bits = codes.slice(code * size, (code + 1) * size);
      const probability = bits.reduce((p, b, j) => p * (b ? sigmoid(theta[j]) : 1 - sigmoid(theta[j])), 1);
      value += probability * losses[code];
      bits.forEach((b, j) => {
        gradient[j] += losses[code] * probability * (b - sigmoid(theta[j]));
      });
    }
    expect(problem.exactValue).toBeCloseTo(value, 4);
    gradient.forEach((g, j) => {
      expect(problem.exactGradient[j]).toBeCloseTo(g, 4);
    });
    // f(b₁, b₂) = −log ½(p(x|b₁) + p(x|b₂)): with both samples equal it is −log p(x|b₁), and it lies
    // between the two samples' own values otherwise.
    const single = (bits: number[]) =>
      tf.tidy(() => problem.loss(tf.tensor3d([...bits, ...bits], [1, 2, 3])).dataSync()[0]);
    const mixed = tf.tidy(() => problem.loss(tf.tensor3d([1, 0, 1, 0, 1, 1], [1, 2, 3])).dataSync()[0]);
    const [low, high] = [single([1, 0, 1]), single([0, 1, 1])].sort((a, b) => a - b);
    expect(mixed).toBeGreaterThan(low);
    expect(mixed).toBeLessThan(high);
    problem.dispose();
  });

  it('rejects sizes it cannot enumerate, naming them', () => {
    expect(() => bernoulliIwaeProblem({ samples: 0 })).toThrow(/samples must be an integer >= 1, got 0/);
    expect(() => bernoulliIwaeProblem({ samples: 5, bits: 4 })).toThrow(/at most 16 to enumerate/);
  });

  /**
   * Through the lab (estimators.binary, the registry, logits tiled to [R, 3, 4]): both DisARMs are
   * unbiased there (bias within 4 Monte-Carlo standard errors over 2000 estimates), and the local
   * form, which swaps one sample at a time, has the lower variance.
   */
  it('runs both DisARMs in the lab, unbiased, the multi-sample one with less variance', () => {
    const before = tf.memory().numTensors;
    const result = runLab({
      problems: ['bernoulli-iwae'],
      estimators: [{ name: 'disarm' }, { name: 'multi-sample-disarm' }],
      temperatures: [1],
      estimates: 2000,
      timingCalls: 1,
      seed: 3,
    });
    const [disarm, local] = result.cells;
    expect([disarm.estimator, local.estimator]).toEqual(['disarm', 'multi-sample-disarm']);
    for (const cell of result.cells) expect(cell.bias).toBeLessThan(4 * cell.biasStandardError);
    expect(local.variance).toBeLessThan(disarm.variance);
    expect(tf.memory().numTensors).toBe(before);
  });
});
