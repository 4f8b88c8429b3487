import type { Command } from 'commander';
import { activeBackend } from '../backend.js';
import { RunFolder } from '../runs/runFolder.js';
import {
  DEFAULT_SORT_CONFIG,
  runSortExperiment,
  type SortResult,
  type SortStep,
} from '../sort/experiment.js';
import { SORT_FILES, writeSortRun } from '../sort/output.js';
import { PUBLISHED_SORTING, sortTable } from '../sort/report.js';
import { writeFileAtomicSync } from '../viz/writeFileAtomic.js';
import { integerAtLeast, listOf, nonNegativeNumber, positiveNumber } from './options.js';
import { info, result as printResult, progressBar } from './output.js';

interface SortFlags {
  out: string;
  n: number[];
  steps: number;
  batch: number;
  lr: number;
  finalLr: number;
  hidden: number;
  temperature: number;
  iterations: number;
  samples: number;
  noiseScale: number;
  testSequences: number;
  seed: number;
}

/** Trains and scores one sorting network per N, each into `<out>/n<N>`, then writes `<out>/table.md`. */
async function sort(flags: SortFlags): Promise<void> {
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
  };
  process.on('SIGINT', onInterrupt);
  const results: SortResult[] = [];
  for (const n of flags.n) {
    if (interrupted) break;
    const config = {
      ...DEFAULT_SORT_CONFIG,
      n,
      steps: flags.steps,
      batch: flags.batch,
      learningRate: flags.lr,
      finalLearningRate: flags.finalLr,
      hidden: flags.hidden,
      temperature: flags.temperature,
      iterations: flags.iterations,
      samples: flags.samples,
      noiseScale: flags.noiseScale,
      testSequences: flags.testSequences,
      seed: flags.seed,
    };
    const path = `${flags.out}/n${n}`;
    info(`learning to sort N = ${n} numbers (${config.steps} steps of ${config.batch} sequences) → ${path}`);
    // Locked while training: a second `gumbel sort` into the same folder fails at once.
    const folder = RunFolder.openForWriting(path);
    const bar = progressBar('step {value}/{total} | MSE {loss} | {speed} steps/s | ETA {eta_formatted}', {
      etaBuffer: 100,
    });
    bar.start(config.steps, 0, { loss: '-', speed: '-' });
    const steps: SortStep[] = [];
    let result: SortResult;
    try {
      result = await runSortExperiment(config, {
        onStep: (step) => {
          steps.push(step);
          bar.update(step.step, {
            loss: step.loss.toExponential(2),
            speed: (step.step / step.seconds).toFixed(1),
          });
        },
        shouldStop: () => interrupted,
      });
      writeSortRun(folder, result, steps, activeBackend());
    } finally {
      bar.stop();
      folder.release();
    }
    results.push(result);
    if (result.stepsRun < config.steps)
      console.error(
        `interrupted at step ${result.stepsRun} of ${config.steps}; scored the network as it stood`,
      );
    const { evaluation } = result;
    printResult(
      `N = ${n}: prop. wrong ${evaluation.propWrong.toFixed(4)}, prop. any wrong ${evaluation.propAnyWrong.toFixed(4)}, Kendall τ ${evaluation.kendallTau.toFixed(4)} on ${evaluation.sequences} held-out sequences; ${result.trainingSeconds.toFixed(1)} s training; wrote ${path}/{${Object.values(SORT_FILES).join(',')}}`,
    );
  }
  process.off('SIGINT', onInterrupt);
  const table = sortTable(results);
  writeFileAtomicSync(`${flags.out}/table.md`, `${table}\n\nPublished: ${PUBLISHED_SORTING.paper}.\n`);
  printResult(`\n${table}\n\nwrote ${flags.out}/table.md`);
  if (interrupted) process.exitCode = 130;
}

/** Registers `gumbel sort`. */
export function addSortCommand(program: Command): void {
  const d = DEFAULT_SORT_CONFIG;
  program
    .command('sort')
    .description('learn to sort N uniform numbers with a Gumbel-Sinkhorn network (Mena et al. 2018, §5.1)')
    .option('--out <dir>', 'folder of the runs (one n<N> folder per N) and table.md', 'runs/sort')
    .option('--n <list>', 'comma-separated sequence lengths N >= 2', listOf(integerAtLeast(2)), [d.n])
    .option('--steps <n>', 'training steps per N', integerAtLeast(0), d.steps)
    .option('--batch <n>', 'sequences per step', integerAtLeast(1), d.batch)
    .option('--lr <rate>', 'Adam learning rate at the first step', positiveNumber, d.learningRate)
    .option(
      '--final-lr <rate>',
      'Adam learning rate at the last step, reached geometrically (= --lr: constant)',
      positiveNumber,
      d.finalLearningRate,
    )
    .option('--hidden <units>', 'hidden units of the per-number network', integerAtLeast(1), d.hidden)
    .option('--temperature <τ>', 'Sinkhorn temperature', positiveNumber, d.temperature)
    .option('--iterations <n>', 'Sinkhorn iterations', integerAtLeast(1), d.iterations)
    .option('--samples <n>', 'Gumbel-Sinkhorn draws per sequence', integerAtLeast(1), d.samples)
    .option(
      '--noise-scale <s>',
      'scale of the Gumbel noise (0: plain Sinkhorn)',
      nonNegativeNumber,
      d.noiseScale,
    )
    .option(
      '--test-sequences <n>',
      'held-out sequences scored at the end',
      integerAtLeast(1),
      d.testSequences,
    )
    .option('--seed <n>', 'seed of the weights, data and noise', integerAtLeast(0), d.seed)
    .action(sort);
}
