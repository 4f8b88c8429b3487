import { describe, expect, it } from 'vitest';
import { ArgumentError, RandomGenerator, tf } from '../../src/index.js';
import {
  DEFAULT_SORT_CONFIG,
  evaluateSorting,
  learningRateAt,
  ranksOf,
  runSortExperiment,
} from '../../src/sort/experiment.js';
import { SortingNetwork } from '../../src/sort/model.js';
import { sortTable } from '../../src/sort/report.js';

/**
 * A network set by hand so that the score of number x at position j is x·j·sign: by the
 * rearrangement inequality the best permutation sends larger numbers to larger positions (sign 1),
 * or to smaller ones (sign −1).
 */
function handSetNetwork(n: number, sign: 1 | -1): SortingNetwork {
  const network = new SortingNetwork({ n, hidden: 1 }, new RandomGenerator(0));
  const [w1, b1, w2, b2] = network.parameters;
  w1.assign(tf.tensor2d([[1]]));
  b1.assign(tf.zeros([1]));
  w2.assign(tf.tensor2d([[...Array(n).keys()].map((j) => sign * j)]));
  b2.assign(tf.zeros([n]));
  return network;
}

describe('the sorting experiment', () => {
  it('ranksOf gives each number its rank in its own sequence', () => {
    expect(Array.from(ranksOf([0.3, 0.1, 0.2, 5, 4, 6], 3))).toEqual([2, 0, 1, 1, 0, 2]);
  });

  it('scores a perfect sorter 0 wrong and τ = 1, and a reversing one (n − 1)/n wrong and τ = −1', () => {
    const perfect = handSetNetwork(7, 1);
    expect(evaluateSorting(perfect, 50, new RandomGenerator(3))).toEqual({
      sequences: 50,
      propWrong: 0,
      propAnyWrong: 0,
      kendallTau: 1,
    });
    perfect.dispose();
    const reversing = handSetNetwork(7, -1);
    const scores = evaluateSorting(reversing, 50, new RandomGenerator(3));
    expect(scores.propWrong).toBeCloseTo(6 / 7, 6); // only the median stays in place
    expect(scores.propAnyWrong).toBe(1);
    expect(scores.kendallTau).toBeCloseTo(-1, 6);
    reversing.dispose();
  });

  it('learns to sort N = 4 in 300 steps (prop. any wrong below 5% on 200 held-out sequences) and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const result = await runSortExperiment(
      { ...DEFAULT_SORT_CONFIG, n: 4, steps: 300, testSequences: 200, seed: 2 },
      { onStep: (step) => losses.push(step.loss) },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(losses).toHaveLength(300);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(losses.slice(-50))).toBeLessThan(mean(losses.slice(0, 10)) / 5);
    expect(result.evaluation.propAnyWrong).toBeLessThan(0.05);
    expect(result.example.soft).toHaveLength(16);
  });

  it('decays the learning rate geometrically from learningRate to finalLearningRate, and the run uses it', async () => {
    const config = { ...DEFAULT_SORT_CONFIG, steps: 3, learningRate: 0.1, finalLearningRate: 0.001 };
    expect(learningRateAt(config, 1)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(config, 2)).toBeCloseTo(Math.sqrt(0.1 * 0.001), 12);
    expect(learningRateAt(config, 3)).toBeCloseTo(0.001, 12);
    expect(learningRateAt({ ...config, finalLearningRate: 0.1 }, 2)).toBe(0.1);
    const rates: number[] = [];
    await runSortExperiment(
      { ...config, testSequences: 1 },
      { onStep: (step) => rates.push(step.learningRate) },
    );
    expect(rates.map((rate) => rate.toPrecision(6))).toEqual(['0.100000', '0.0100000', '0.00100000']);
  });

  it('the table gives the iterations, the rate schedule and four decimals (0.9997 is not rounded to 1)', () => {
    const row = sortTable([
      {
        config: {
          ...DEFAULT_SORT_CONFIG,
          n: 80,
          iterations: 50,
          learningRate: 0.1,
          finalLearningRate: 0.001,
        },
        evaluation: { sequences: 1000, propWrong: 0.01204, propAnyWrong: 0.357, kendallTau: 0.99968 },
        stepsRun: 500,
        trainingSeconds: 401.2,
        evaluationSeconds: 1,
        example: { numbers: [], soft: [], positions: [], ranks: [] },
      },
    ]).split('\n')[2];
    expect(row).toBe('| 80 | 500 | 50 | 0.1→0.001 | 401 | 0.0120 | 0.3570 | 0.9997 | 1000 |');
  });

  it('stops when asked and rejects a bad configuration', async () => {
    let calls = 0;
    const stopped = await runSortExperiment(
      { ...DEFAULT_SORT_CONFIG, steps: 100, testSequences: 1 },
      { onStep: () => calls++, shouldStop: () => calls >= 3 },
    );
    expect(calls).toBe(3);
    expect(stopped.stepsRun).toBe(3);
    await expect(runSortExperiment({ ...DEFAULT_SORT_CONFIG, n: 1 })).rejects.toThrow(ArgumentError);
    await expect(runSortExperiment({ ...DEFAULT_SORT_CONFIG, n: 1 })).rejects.toThrow(
      /n must be an integer >= 2, got 1/,
    );
    await expect(runSortExperiment({ ...DEFAULT_SORT_CONFIG, temperature: 0 })).rejects.toThrow(
      /temperature must be a finite number > 0/,
    );
    await expect(runSortExperiment({ ...DEFAULT_SORT_CONFIG, finalLearningRate: 0 })).rejects.toThrow(
      /finalLearningRate must be a finite number > 0/,
    );
    await expect(runSortExperiment({ ...DEFAULT_SORT_CONFIG, noiseScale: -1 })).rejects.toThrow(
      /noiseScale must be a finite number >= 0/,
    );
  });
});
