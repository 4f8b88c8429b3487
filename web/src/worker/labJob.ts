/**
 * The lab in the worker: `runLab` on the quadratic (and, if asked, the Bernoulli) problem with the
 * page's estimators, posting progress after every batch and each cell as it is measured.
 */
import { type estimators, runLab } from 'gumbel-softmax';
import type { LabJob, WorkerReply } from './protocol.js';

/** The page's estimators: the τ-dependent ones, REBAR, and two score-function baselines without τ. */
export const PAGE_LAB_ESTIMATORS: estimators.EstimatorSpec[] = [
  { name: 'straight-through' },
  { name: 'straight-through-gumbel' },
  { name: 'gumbel-softmax' },
  { name: 'gumbel-rao', raoSamples: 10 },
  { name: 'reinmax' },
  { name: 'rebar' },
  { name: 'score-function', scoreSamples: 1, baseline: 'moving-average' },
  { name: 'score-function', scoreSamples: 4, baseline: 'leave-one-out' },
];

/** Runs the job (synchronously: `stop` ends the worker itself). */
export function runLabJob(job: LabJob, post: (reply: WorkerReply) => void): string {
  let lastPercent = -1;
  const started = performance.now();
  const result = runLab({
    problems: job.problems,
    estimators: PAGE_LAB_ESTIMATORS,
    temperatures: job.temperatures,
    estimates: job.estimates,
    batch: Math.min(job.estimates, 500),
    timingCalls: 1,
    seed: job.seed,
    onProgress: (done, total) => {
      const percent = Math.floor((100 * done) / total);
      if (percent !== lastPercent) post({ kind: 'progress', done, total });
      lastPercent = percent;
    },
    onCell: (cell) => post({ kind: 'lab-cell', cell }),
  });
  post({ kind: 'lab-result', result });
  const seconds = (performance.now() - started) / 1000;
  return `${result.cells.length} cells of ${job.estimates.toLocaleString('en')} estimates in ${seconds.toFixed(1)} s.`;
}
