/**
 * Writes the lab's results (Node only): lab.json, table.md, and for each problem
 * bias-<problem>.png and variance-<problem>.png; and the race's.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { linePlotPng } from '../viz/linePlot.js';
import { writeFileAtomicSync } from '../viz/writeFileAtomic.js';
import type { RaceResult } from './race.js';
import { raceSeries, raceTable } from './raceReport.js';
import { labSeries, labTable } from './report.js';
import type { LabResult } from './runner.js';

/** Writes files atomically into `folder` (created if missing) and keeps their paths. */
function fileWriter(folder: string): {
  write: (name: string, contents: string | Uint8Array) => void;
  written: string[];
} {
  mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  const write = (name: string, contents: string | Uint8Array) => {
    const path = join(folder, name);
    writeFileAtomicSync(path, contents);
    written.push(path);
  };
  return { write, written };
}

/** Writes every file into `folder` (created if missing) and returns their paths. */
export function writeLabOutputs(
  result: LabResult,
  folder: string,
  extra: Record<string, unknown> = {},
): string[] {
  const { write, written } = fileWriter(folder);
  write('lab.json', `${JSON.stringify({ ...extra, ...result }, null, 2)}\n`);
  write('table.md', `${labTable(result)}\n`);
  for (const problem of result.problems) {
    for (const measure of ['bias', 'variance'] as const) {
      const png = linePlotPng(labSeries(result, problem.name, measure), {
        title: `${measure === 'bias' ? 'Bias ‖E ĝ − ∇‖' : 'Variance E‖ĝ − E ĝ‖²'} on ${problem.name}`,
        xLabel: 'log₁₀ temperature τ',
        yLabel: `log₁₀ ${measure}`,
        width: 800,
        height: 500,
      });
      write(`${measure}-${problem.name}.png`, png);
    }
  }
  return written;
}

/** Writes race.json, race.md and race-<t>.png (the trajectories, one plot per target) into `folder`. */
export function writeRaceOutputs(
  result: RaceResult,
  folder: string,
  extra: Record<string, unknown> = {},
): string[] {
  const { write, written } = fileWriter(folder);
  write('race.json', `${JSON.stringify({ ...extra, ...result }, null, 2)}\n`);
  write('race.md', `${raceTable(result)}\n`);
  for (const target of result.options.targets) {
    const png = linePlotPng(raceSeries(result, target), {
      title: `p(b = 1) minimising E[(b − ${target})²], mean of ${result.options.seeds} seeds`,
      xLabel: 'step',
      yLabel: 'p(b = 1)',
      width: 800,
      height: 500,
    });
    write(`race-${target}.png`, png);
  }
  return written;
}
