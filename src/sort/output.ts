/**
 * Writes a sorting run's folder (Node only): sort.json (configuration, measures, timings),
 * metrics.jsonl (the training loss), permutation.png (a learned soft permutation) and curves.png.
 */
import type { RunFolder, StepMetrics } from '../runs/runFolder.js';
import { imageGridPng } from '../viz/imageGrid.js';
import { linePlotPng } from '../viz/linePlot.js';
import { writeFileAtomicSync } from '../viz/writeFileAtomic.js';
import type { SortResult, SortStep } from './experiment.js';
import { PUBLISHED_SORTING } from './report.js';

/** The files of a sorting run folder. */
export const SORT_FILES = {
  summary: 'sort.json',
  metrics: 'metrics.jsonl',
  permutation: 'permutation.png',
  curves: 'curves.png',
} as const;

/**
 * permutation.png: two n×n grey maps of one held-out sequence's noiseless soft permutation
 * sinkhorn(X/τ) (white = 1, black = 0): left, rows in the input's order (row i: where number i goes);
 * right, the same rows ordered by the numbers' values, which a perfect sorter makes the identity.
 */
export function permutationPng(example: SortResult['example']): Buffer {
  const n = example.numbers.length;
  const byValue = new Array<number>(n);
  example.ranks.forEach((rank, item) => {
    byValue[rank] = item;
  });
  const reordered = byValue.flatMap((item) => example.soft.slice(item * n, (item + 1) * n));
  const scale = Math.max(2, Math.floor(360 / n));
  return imageGridPng([example.soft, reordered], {
    rows: 1,
    columns: 2,
    height: n,
    width: n,
    scale,
    padding: scale,
  });
}

/** Writes every file of a finished run into `folder` (opened for writing by the caller, who holds its lock). */
export function writeSortRun(
  folder: RunFolder,
  result: SortResult,
  steps: SortStep[],
  backend: string,
): void {
  const metrics: (StepMetrics & { learningRate: number })[] = steps.map((s) => ({
    step: s.step,
    loss: s.loss,
    temperature: result.config.temperature,
    learningRate: s.learningRate,
    seconds: s.seconds,
  }));
  // Replaced, not appended: running the same N into the same folder again starts it afresh.
  writeFileAtomicSync(
    folder.file(SORT_FILES.metrics),
    metrics.map((line) => `${JSON.stringify(line)}\n`).join(''),
  );
  folder.writeJson(SORT_FILES.summary, {
    ...result,
    backend,
    stepsPerSecond: steps.length / Math.max(result.trainingSeconds, 1e-9),
    published: PUBLISHED_SORTING,
  });
  folder.writeBytes(SORT_FILES.permutation, permutationPng(result.example));
  const window = Math.max(1, Math.round(steps.length / 100));
  const smoothed: [number, number][] = [];
  for (let start = 0; start < steps.length; start += window) {
    const slice = steps.slice(start, start + window);
    smoothed.push([
      slice[slice.length - 1].step,
      Math.log10(slice.reduce((sum, s) => sum + s.loss, 0) / slice.length),
    ]);
  }
  folder.writeBytes(
    SORT_FILES.curves,
    linePlotPng([{ name: `training MSE (mean per ${window} steps)`, points: smoothed }], {
      title: `Learning to sort N = ${result.config.n} numbers (Gumbel-Sinkhorn)`,
      xLabel: 'step',
      yLabel: 'log₁₀ MSE',
    }),
  );
}
