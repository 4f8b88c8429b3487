import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { activeBackend } from '../backend.js';
import { type RouteSweep, routeSweep } from '../perturbedExamples/routeSweep.js';
import { perturbedExamplesTable, runPerturbedExamples } from '../perturbedExamples/workedExamples.js';
import { linePlotPng } from '../viz/linePlot.js';
import { writeFileAtomicSync } from '../viz/writeFileAtomic.js';
import { integerAtLeast } from './options.js';
import { info, progressBar, result } from './output.js';

/** P(centre route) against the centre's cost: the plain solver's step and the perturbed curves. */
function sweepPng(sweep: RouteSweep): Uint8Array {
  const points = (values: number[]) => values.map((v, i): [number, number] => [sweep.centreCosts[i], v]);
  const { normal, gumbel } = sweep.perturbed;
  return linePlotPng(
    [
      { name: 'plain Dijkstra', points: points(sweep.hard) },
      { name: `normal, exact`, points: points(normal.exact) },
      { name: `normal, M = ${sweep.samples}`, points: points(normal.estimate) },
      { name: `Gumbel, exact`, points: points(gumbel.exact) },
      { name: `Gumbel, M = ${sweep.samples}`, points: points(gumbel.estimate) },
    ],
    {
      title: `Perturbed shortest path on the 3×3 grid, σ = ${sweep.sigma}`,
      xLabel: 'cost of the centre vertex (other routes: 4.4 + 4.4, 4.3 + 4.8)',
      yLabel: 'P(path through the centre)',
      width: 800,
      height: 500,
    },
  );
}

interface PerturbedFlags {
  out: string;
  samples: number;
  seed: number;
}

async function perturbedExamples(flags: PerturbedFlags): Promise<void> {
  const started = performance.now();
  info(`perturbed-optimizer worked examples, ${flags.samples} noise draws per estimate…`);
  const bar = progressBar('example {value}/{total} | {name}');
  bar.start(10, 0, { name: '' });
  const report = runPerturbedExamples({
    samples: flags.samples,
    seed: flags.seed,
    onProgress: (done, total, name) => {
      bar.setTotal(total);
      bar.update(done, { name: name.slice(0, 60) });
    },
  });
  bar.update(report.comparisons.length, { name: 'P(centre route) against the centre cost' });
  const sweep = routeSweep(Math.max(1, Math.round(flags.samples / 10)), flags.seed);
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  mkdirSync(flags.out, { recursive: true });
  const table = perturbedExamplesTable(report);
  const files = ['perturbed.json', 'table.md', 'shortest-path.png'].map((name) => join(flags.out, name));
  const json = { backend: activeBackend(), seconds, ...report, sweep };
  writeFileAtomicSync(files[0], `${JSON.stringify(json, null, 2)}\n`);
  writeFileAtomicSync(files[1], `${table}\n`);
  writeFileAtomicSync(files[2], sweepPng(sweep));
  result(`\n${table}\n\n${seconds.toFixed(1)} s; wrote ${files.join(', ')}`);
}

/** Registers `gumbel perturbed`. */
export function addPerturbedCommand(program: Command): void {
  program
    .command('perturbed')
    .description(
      'the perturbed-optimizer worked examples (Berthet et al. 2020): Monte-Carlo estimates and Jacobians against closed forms and exact enumerations',
    )
    .option('--out <dir>', 'folder for perturbed.json, table.md and shortest-path.png', 'runs/perturbed')
    .option('--samples <M>', 'noise draws per estimate', integerAtLeast(1), 100_000)
    .option('--seed <n>', 'seed of the noise', integerAtLeast(0), 0)
    .action(perturbedExamples);
}
