/**
 * The sorting experiment's table beside the published numbers (browser-safe text only).
 */
import type { SortResult } from './experiment.js';

/**
 * What is known of the published results. Mena et al. (2018, Table 1) report near-perfect sorting
 * of N uniform numbers for N = 5 … 120 with a Gumbel-Sinkhorn network; their exact table values are
 * not copied here because they could not be found through this project's search tools. The
 * reference code (google/gumbel_sinkhorn, sorting/) trains 500 steps by default (τ = 1, noise 1,
 * 10 Sinkhorn iterations, batch 10, 5 draws, Adam at 0.1) and scores the Hungarian matching of the
 * noiseless scores on 50 held-out sequences. A public PyTorch port
 * (HeddaCohenIndelman/Learning-Gumbel-Sinkhorn-Permutations-w-Pytorch) shows prop. wrong 0 and
 * Kendall's τ 1 in columns N = 5 … 120 of its README, but its scripts train N = 10 on one fixed
 * batch of 10 sequences and score one held-out sequence, so that table says nothing about N ≥ 80.
 */
export const PUBLISHED_SORTING = {
  paper:
    'Mena et al. 2018, Table 1: near-perfect sorting for N = 5, 10, 15, 80, 100, 120 (values not verified here)',
  referenceCode: {
    repository: 'google/gumbel_sinkhorn',
    steps: 500,
    temperature: 1,
    noiseScale: 1,
    iterations: 10,
    batch: 10,
    samples: 5,
    learningRate: 0.1,
    testSequences: 50,
  },
  pytorchPort: {
    propWrong: 0,
    propAnyWrong: 0,
    kendallTau: 1,
    note: 'trained at N = 10 on one fixed batch, scored on one held-out sequence',
  },
} as const;

function fixed(value: number): string {
  return value.toFixed(4);
}

function learningRateText(config: SortResult['config']): string {
  return config.finalLearningRate === config.learningRate
    ? `${config.learningRate}`
    : `${config.learningRate}→${config.finalLearningRate}`;
}

/** A Markdown table: one row per run (N, steps, Sinkhorn iterations, learning rate, wall time, the three measures). */
export function sortTable(results: SortResult[]): string {
  const lines = [
    '| N | steps | Sinkhorn iterations | lr | training s | prop. wrong | prop. any wrong | Kendall τ | test sequences |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { config, evaluation, stepsRun, trainingSeconds } of results) {
    lines.push(
      `| ${config.n} | ${stepsRun} | ${config.iterations} | ${learningRateText(config)} | ${trainingSeconds.toFixed(0)} | ${fixed(evaluation.propWrong)} | ${fixed(evaluation.propAnyWrong)} | ${fixed(evaluation.kendallTau)} | ${evaluation.sequences} |`,
    );
  }
  return lines.join('\n');
}
