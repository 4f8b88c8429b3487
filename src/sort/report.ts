/**
 * The sorting experiment's table beside the published numbers (browser-safe text only).
 */
import type { SortResult } from './experiment.js';

/**
 * What is known of the published results. Mena et al. (2018, Table 1) report near-perfect sorting
 * of N uniform numbers for N = 5 … 120 with a Gumbel-Sinkhorn network; their exact table values are
 * not copied here because they could not be checked against the paper from this machine. A public
 * PyTorch port (HeddaCohenIndelman/Learning-Gumbel-Sinkhorn-Permutations-w-Pytorch, README) reports
 * prop. wrong 0, prop. any wrong 0 and Kendall's τ 1 at every N of the paper.
 */
export const PUBLISHED_SORTING = {
  paper:
    'Mena et al. 2018, Table 1: near-perfect sorting for N = 5, 10, 15, 80, 100, 120 (values not verified here)',
  pytorchPort: { propWrong: 0, propAnyWrong: 0, kendallTau: 1, sizes: [5, 10, 15, 80, 100, 120] },
} as const;

function fixed(value: number): string {
  return value.toFixed(3);
}

function learningRateText(config: SortResult['config']): string {
  return config.finalLearningRate === config.learningRate
    ? `${config.learningRate}`
    : `${config.learningRate}→${config.finalLearningRate}`;
}

/** A Markdown table: one row per run (N, steps, learning rate, wall time, the three measures) and the port's row. */
export function sortTable(results: SortResult[]): string {
  const lines = [
    '| N | steps | lr | training s | prop. wrong | prop. any wrong | Kendall τ | test sequences |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const { config, evaluation, stepsRun, trainingSeconds } of results) {
    lines.push(
      `| ${config.n} | ${stepsRun} | ${learningRateText(config)} | ${trainingSeconds.toFixed(0)} | ${fixed(evaluation.propWrong)} | ${fixed(evaluation.propAnyWrong)} | ${fixed(evaluation.kendallTau)} | ${evaluation.sequences} |`,
    );
  }
  return lines.join('\n');
}
