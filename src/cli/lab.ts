import type { Command } from 'commander';
import { activeBackend } from '../backend.js';
import { ESTIMATOR_NAMES, type EstimatorSpec } from '../estimators/registry.js';
import { writeLabOutputs, writeRaceOutputs } from '../lab/output.js';
import { LAB_PROBLEM_NAMES, type LabProblemName } from '../lab/problems.js';
import { DEFAULT_RACE_OPTIONS, type RaceOptions, runRace } from '../lab/race.js';
import { raceTable } from '../lab/raceReport.js';
import { labTable } from '../lab/report.js';
import { DEFAULT_LAB_OPTIONS, runLab } from '../lab/runner.js';
import { integerAtLeast, listOf, oneOf, positiveNumber } from './options.js';
import { info, result as printResult } from './output.js';
import { progressReporter } from './progress.js';

interface LabFlags {
  out: string;
  problems: LabProblemName[];
  estimators?: string[];
  temperatures: number[];
  estimates: number;
  batch: number;
  timingCalls: number;
  tuningSteps: number;
  raoSamples: number;
  seed: number;
  race: boolean;
  raceOnly: boolean;
  raceSeeds: number;
  raceSteps: number;
  raceStepSize: number;
  raceTargets: number[];
}

/** The estimators to measure: the default set, or the named ones with the given parameters. */
function estimatorsOf(flags: LabFlags): EstimatorSpec[] {
  if (!flags.estimators) return DEFAULT_LAB_OPTIONS.estimators;
  return flags.estimators.flatMap((name): EstimatorSpec[] => {
    if (name === 'gumbel-rao') return [{ name, raoSamples: flags.raoSamples }];
    if (name === 'score-function') {
      return [
        { name, scoreSamples: 1, baseline: 'moving-average' },
        { name, scoreSamples: 4, baseline: 'leave-one-out' },
      ];
    }
    return [{ name: name as EstimatorSpec['name'] }];
  });
}

async function measure(flags: LabFlags): Promise<void> {
  const started = performance.now();
  info(
    `measuring on ${flags.problems.join(', ')} at τ ∈ {${flags.temperatures.join(', ')}}, ${flags.estimates} estimates per cell…`,
  );
  const progress = progressReporter('lab');
  let result: ReturnType<typeof runLab>;
  try {
    result = runLab({
      problems: flags.problems,
      estimators: estimatorsOf(flags),
      temperatures: flags.temperatures,
      estimates: flags.estimates,
      batch: flags.batch,
      timingCalls: flags.timingCalls,
      tuningSteps: flags.tuningSteps,
      seed: flags.seed,
      onCell: (cell) =>
        progress.log(
          `  ${cell.problem} ${cell.estimator} τ=${cell.temperature ?? '–'}: bias ${cell.bias.toPrecision(3)}, variance ${cell.variance.toPrecision(3)}`,
        ),
      onProgress: progress.update,
    });
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const files = writeLabOutputs(result, flags.out, { backend: activeBackend(), seconds });
  printResult(`\n${labTable(result)}\n\n${seconds.toFixed(1)} s; wrote ${files.join(', ')}`);
}

/** The race's field: the exact gradient and the named estimators (the unordered set would be exact on one bit), or the default field. */
function racersOf(flags: LabFlags): RaceOptions['estimators'] {
  if (!flags.estimators) return undefined;
  return ['exact', ...estimatorsOf(flags).filter((spec) => spec.name !== 'unordered-set')];
}

async function race(flags: LabFlags): Promise<void> {
  const started = performance.now();
  info(
    `racing on E[(b − t)²], t ∈ {${flags.raceTargets.join(', ')}}, ${flags.raceSeeds} seeds, at most ${flags.raceSteps} steps…`,
  );
  const progress = progressReporter('race');
  let result: ReturnType<typeof runRace>;
  try {
    result = runRace({
      estimators: racersOf(flags),
      targets: flags.raceTargets,
      seeds: flags.raceSeeds,
      maxSteps: flags.raceSteps,
      learningRate: flags.raceStepSize,
      onProgress: progress.update,
    });
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const files = writeRaceOutputs(result, flags.out, { backend: activeBackend(), seconds });
  printResult(`\n${raceTable(result)}\n\n${seconds.toFixed(1)} s; wrote ${files.join(', ')}`);
}

async function lab(flags: LabFlags): Promise<void> {
  if (!flags.raceOnly) await measure(flags);
  if (flags.race || flags.raceOnly) await race(flags);
}

/** Registers `gumbel lab`. */
export function addLabCommand(program: Command): void {
  const d = DEFAULT_LAB_OPTIONS;
  const r = DEFAULT_RACE_OPTIONS;
  program
    .command('lab')
    .description('measure the bias and variance of the gradient estimators against exact gradients')
    .option(
      '--out <dir>',
      'folder for lab.json, table.md, the plots (and race.json, race.md, race-<t>.png)',
      'runs/lab',
    )
    .option(
      '--problems <list>',
      `comma-separated: ${LAB_PROBLEM_NAMES.join(', ')}`,
      listOf(oneOf(LAB_PROBLEM_NAMES)),
      d.problems,
    )
    .option(
      '--estimators <list>',
      `comma-separated: ${ESTIMATOR_NAMES.join(', ')} (default: all, score-function as S=1 EMA and S=4 leave-one-out; disarm and multi-sample-disarm run on binary problems, unordered-set where f is one loss per categorical); with --race also the race's field, beside the exact gradient (default there: every estimator that runs on one bit)`,
      listOf(oneOf(ESTIMATOR_NAMES)),
    )
    .option('--temperatures <list>', 'comma-separated τ values', listOf(positiveNumber), d.temperatures)
    .option('--estimates <M>', 'gradient estimates per cell', integerAtLeast(2), d.estimates)
    .option('--batch <R>', 'estimates drawn per tf.grad call', integerAtLeast(1), d.batch)
    .option('--timing-calls <n>', 'single-estimate calls timed per cell', integerAtLeast(1), d.timingCalls)
    .option(
      '--tuning-steps <n>',
      'rebar-tuned, relax: tuning calls of 32 estimates before a cell is measured',
      integerAtLeast(0),
      d.tuningSteps,
    )
    .option('--rao-samples <k>', 'k of gumbel-rao when named in --estimators', integerAtLeast(1), 10)
    .option('--seed <n>', 'seed of the problems and the noise', integerAtLeast(0), d.seed)
    .option('--race', 'also run the optimisation race of Grathwohl et al. 2018 §6.1', false)
    .option('--race-only', 'run only the race', false)
    .option(
      '--race-targets <list>',
      'comma-separated targets t in (0, 0.5)',
      listOf(positiveNumber),
      r.targets,
    )
    .option('--race-seeds <n>', 'seeds per estimator and target', integerAtLeast(1), r.seeds)
    .option('--race-steps <n>', 'steps before a run stops unfinished', integerAtLeast(1), r.maxSteps)
    .option('--race-step-size <lr>', "Adam's fixed step size on θ", positiveNumber, r.learningRate)
    .action(lab);
}
