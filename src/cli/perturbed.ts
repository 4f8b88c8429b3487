import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { activeBackend } from '../backend.js';
import { perturbedExamplesTable, runPerturbedExamples } from '../perturbedExamples/workedExamples.js';
import { writeFileAtomicSync } from '../viz/writeFileAtomic.js';
import { integerAtLeast } from './options.js';

interface PerturbedFlags {
  out: string;
  samples: number;
  seed: number;
}

async function perturbedExamples(flags: PerturbedFlags): Promise<void> {
  const started = performance.now();
  console.log(`perturbed-optimizer worked examples, ${flags.samples} noise draws per estimate…`);
  const bar = new SingleBar({
    format: 'example {value}/{total} | {name}',
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  });
  bar.start(10, 0, { name: '' });
  const report = runPerturbedExamples({
    samples: flags.samples,
    seed: flags.seed,
    onProgress: (done, total, name) => {
      bar.setTotal(total);
      bar.update(done, { name: name.slice(0, 60) });
    },
  });
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  mkdirSync(flags.out, { recursive: true });
  const table = perturbedExamplesTable(report);
  const files = [join(flags.out, 'perturbed.json'), join(flags.out, 'table.md')];
  writeFileAtomicSync(
    files[0],
    `${JSON.stringify({ backend: activeBackend(), seconds, ...report }, null, 2)}\n`,
  );
  writeFileAtomicSync(files[1], `${table}\n`);
  console.log(`\n${table}\n\n${seconds.toFixed(1)} s; wrote ${files.join(', ')}`);
}

/** Registers `gumbel perturbed`. */
export function addPerturbedCommand(program: Command): void {
  program
    .command('perturbed')
    .description(
      'the perturbed-optimizer worked examples (Berthet et al. 2020): Monte-Carlo estimates and Jacobians against closed forms and exact enumerations',
    )
    .option('--out <dir>', 'folder for perturbed.json and table.md', 'runs/perturbed')
    .option('--samples <M>', 'noise draws per estimate', integerAtLeast(1), 100_000)
    .option('--seed <n>', 'seed of the noise', integerAtLeast(0), 0)
    .action(perturbedExamples);
}
