/**
 * The race's results as a Markdown table and as plot series (mean p(b = 1) over the seeds against
 * the step, one line per estimator). Pure functions; `output.ts` writes the files.
 */
import type { LineSeries } from '../viz/plotLayout.js';
import type { RaceResult } from './race.js';

/**
 * The (upper) median of the steps, counting unfinished runs as later than any finished one: null
 * when half of the runs or more did not finish.
 */
function medianSteps(steps: (number | null)[]): number | null {
  const sorted = [...steps].sort((a, b) => (a ?? Number.POSITIVE_INFINITY) - (b ?? Number.POSITIVE_INFINITY));
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * One row per (estimator, target): the steps each seed took until p(b = 1) fell under the threshold
 * ('–' where it did not within maxSteps), their median, and the mean p(b = 1) at the end.
 */
export function raceTable(result: RaceResult): string {
  const { threshold, maxSteps, learningRate, seeds } = result.options;
  const rows: string[] = [];
  const keys = [...new Set(result.runs.map((run) => `${run.estimator}\u0000${run.target}`))];
  for (const key of keys) {
    const [estimator, target] = key.split('\u0000');
    const runs = result.runs.filter((run) => run.estimator === estimator && String(run.target) === target);
    const steps = runs.map((run) => run.steps);
    const median = medianSteps(steps);
    const finalP = runs.reduce((sum, run) => sum + (run.trajectory.at(-1) ?? 0), 0) / runs.length;
    rows.push(
      `| ${estimator} | ${target} | ${steps.map((s) => (s === null ? '–' : String(s))).join(', ')} | ${median ?? `> ${maxSteps}`} | ${finalP.toFixed(3)} |`,
    );
  }
  return [
    `Steps until p(b = 1) < ${threshold} minimising E[(b − t)²], b ~ Bernoulli(σ(θ)), θ₀ = 0, Adam at step size ${learningRate}, ${seeds} seeds, at most ${maxSteps} steps ('–': not reached)`,
    '',
    '| estimator | t | steps per seed | upper median | mean final p(b = 1) |',
    '| --- | ---: | --- | ---: | ---: |',
    ...rows,
  ].join('\n');
}

/** The series of one target's plot: mean p(b = 1) over the seeds at each step (a finished run keeps its last value). */
export function raceSeries(result: RaceResult, target: number): LineSeries[] {
  const runs = result.runs.filter((run) => run.target === target);
  const names = [...new Set(runs.map((run) => run.estimator))];
  return names.map((name) => {
    const mine = runs.filter((run) => run.estimator === name);
    const length = Math.max(...mine.map((run) => run.trajectory.length));
    const points: [number, number][] = [];
    const stride = Math.max(1, Math.floor(length / 400));
    for (let step = 0; step < length; step += stride) {
      const mean =
        mine.reduce((sum, run) => sum + (run.trajectory[Math.min(step, run.trajectory.length - 1)] ?? 0), 0) /
        mine.length;
      points.push([step, mean]);
    }
    return { name, points };
  });
}
