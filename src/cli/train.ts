import type { Command } from 'commander';
import {
  BASELINE_NAMES,
  type BaselineName,
  ESTIMATOR_NAMES,
  type EstimatorName,
  TRAINABLE_ESTIMATOR_NAMES,
} from '../estimators/registry.js';
import { DEFAULT_SCHEDULE, type TemperatureSchedule } from '../schedules/temperature.js';
import { BERNOULLI_ESTIMATORS, DEFAULT_TRAIN_CONFIG, MAX_WORKERS, type TrainConfig } from '../vae/config.js';
import { finishRun } from '../vae/finish.js';
import { LATENT_KINDS, type LatentKind } from '../vae/model.js';
import { RESUMABLE_SETTINGS, type ResumableSetting, VaeTrainer } from '../vae/trainer.js';
import { ArgumentError } from '../validate.js';
import {
  finiteNumber,
  fractionBelowOne,
  integerAtLeast,
  integerBetween,
  nonNegativeNumber,
  oneOf,
  positiveNumber,
} from './options.js';
import { info, jsonOutput, progressBar, result } from './output.js';
import { progressReporter } from './progress.js';

interface TrainFlags {
  out: string;
  resume?: string;
  dataset: string;
  data?: string;
  steps: number;
  batch: number;
  lr: number;
  seed: number;
  latent: LatentKind;
  latentVariables: number;
  categories?: number;
  schedule: 'exponential' | 'linear' | 'constant';
  temperature: number;
  minTemperature: number;
  annealRate: number;
  annealEvery: number;
  hard: boolean;
  estimator: EstimatorName;
  raoSamples: number;
  scoreSamples: number;
  baseline: BaselineName;
  baselineDecay: number;
  rebarEta: number;
  relaxHidden: number;
  controlVariateLr: number;
  disarmPairs: number;
  kl: 'analytic' | 'relaxed';
  priorTemperature: number;
  binarization: 'static' | 'dynamic';
  checkpointEvery: number;
  iwSamples: number;
  evalTrainLimit: number;
  trainLimit: number;
  workers: number;
}

function scheduleOf(flags: TrainFlags): TemperatureSchedule {
  if (flags.schedule === 'constant') return { kind: 'constant', initial: flags.temperature };
  if (flags.schedule === 'linear') {
    return {
      kind: 'linear',
      initial: flags.temperature,
      minimum: flags.minTemperature,
      steps: flags.steps,
      interval: flags.annealEvery,
    };
  }
  return {
    kind: 'exponential',
    initial: flags.temperature,
    minimum: flags.minTemperature,
    rate: flags.annealRate,
    interval: flags.annealEvery,
  };
}

function configOf(flags: TrainFlags): TrainConfig {
  return {
    ...DEFAULT_TRAIN_CONFIG,
    dataset: flags.data ?? flags.dataset,
    trainLimit: flags.trainLimit,
    steps: flags.steps,
    batchSize: flags.batch,
    learningRate: flags.lr,
    seed: flags.seed,
    latent: flags.latent,
    latentVariables: flags.latentVariables,
    categories: flags.categories ?? (flags.latent === 'bernoulli' ? 2 : DEFAULT_TRAIN_CONFIG.categories),
    schedule: scheduleOf(flags),
    hard: flags.hard,
    estimator: flags.estimator,
    raoSamples: flags.raoSamples,
    scoreSamples: flags.scoreSamples,
    baseline: flags.baseline,
    baselineDecay: flags.baselineDecay,
    rebarEta: flags.rebarEta,
    relaxHidden: flags.relaxHidden,
    controlVariateLearningRate: flags.controlVariateLr,
    disarmPairs: flags.disarmPairs,
    kl: flags.kl,
    priorTemperature: flags.priorTemperature,
    binarization: flags.binarization,
    checkpointEvery: flags.checkpointEvery,
    iwSamples: flags.iwSamples,
    evalTrainLimit: flags.evalTrainLimit,
    workers: flags.workers,
  };
}

/** A config field as the flag that sets it, e.g. `--eval-train-limit`. */
function flagOf(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * The flags given with --resume: those that may change (steps, checkpoint interval, evaluation,
 * workers); any other flag would silently fork the run, so it is an error.
 */
function resumeOverrides(flags: TrainFlags, command: Command): Partial<Pick<TrainConfig, ResumableSetting>> {
  const given = command.options
    .map((option) => option.attributeName())
    .filter((name) => command.getOptionValueSource(name) === 'cli' && name !== 'resume');
  const fixed = given.filter((name) => !(RESUMABLE_SETTINGS as readonly string[]).includes(name));
  if (fixed.length > 0) {
    throw new ArgumentError(
      fixed.map(flagOf).join(', '),
      `cannot change when resuming (the run keeps its configuration); only ${RESUMABLE_SETTINGS.map(flagOf).join(', ')} can`,
    );
  }
  const config = configOf(flags);
  return Object.fromEntries(
    RESUMABLE_SETTINGS.filter((name) => given.includes(name)).map((name) => [name, config[name]]),
  );
}

/**
 * Trains with a progress bar. The run folder stays locked until the command ends (on errors too);
 * Ctrl-C (SIGINT) or SIGTERM writes a checkpoint and exits with 130 or 143.
 */
async function train(flags: TrainFlags, command: Command): Promise<void> {
  const trainer = flags.resume
    ? VaeTrainer.resume(flags.resume, { overrides: resumeOverrides(flags, command) })
    : VaeTrainer.start(configOf(flags), flags.out);
  try {
    await trainAndFinish(trainer);
  } finally {
    trainer.dispose();
  }
}

async function trainAndFinish(trainer: VaeTrainer): Promise<void> {
  const { config } = trainer.state;
  const model =
    (config.latent ?? 'categorical') === 'bernoulli'
      ? `${config.latentVariables}-bit Bernoulli`
      : `${config.latentVariables}×${config.categories} categorical`;
  info(
    `training ${model} VAE on ${config.dataset} with the ${trainer.estimatorLabel} estimator → ${trainer.folder.path}` +
      (trainer.state.step > 0 ? ` (resuming at step ${trainer.state.step})` : ''),
  );
  let signal: NodeJS.Signals | undefined;
  const onSignal = (received: NodeJS.Signals) => {
    signal = received;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const bar = progressBar(
    'step {value}/{total} | loss {loss} | τ {tau} | {speed} steps/s | ETA {eta_formatted}',
    {
      etaBuffer: 200,
    },
  );
  bar.start(config.steps, trainer.state.step, { loss: '-', tau: trainer.temperature.toFixed(3), speed: '-' });
  const resumedAt = trainer.state.step;
  const startedSeconds = trainer.state.trainingSeconds;
  let stopped: boolean;
  try {
    ({ stopped } = await trainer.run({
      onStep: (metrics) => {
        const speed = (metrics.step - resumedAt) / Math.max(metrics.seconds - startedSeconds, 1e-9);
        bar.update(metrics.step, {
          loss: metrics.loss.toFixed(2),
          tau: metrics.temperature.toFixed(3),
          speed: speed.toFixed(1),
        });
      },
      shouldStop: () => signal !== undefined,
    }));
  } finally {
    bar.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (stopped) {
    console.error(
      `interrupted at step ${trainer.state.step}; checkpoint written. Resume with: gumbel train --resume ${trainer.folder.path}`,
    );
    process.exitCode = signal === 'SIGTERM' ? 143 : 130;
    return;
  }
  info(
    `evaluating the best model (step ${trainer.state.bestStep}) with m = ${config.iwSamples} importance samples…`,
  );
  const progress = progressReporter('evaluating');
  let summary: Awaited<ReturnType<typeof finishRun>>;
  try {
    summary = await finishRun(trainer, { onProgress: progress.update });
  } finally {
    progress.stop();
  }
  if (jsonOutput()) {
    result({ ...summary, folder: trainer.folder.path });
    return;
  }
  result(
    [
      `           −ELBO (one-hot)   −log p(x) IW m=${config.iwSamples}`,
      `train ${summary.train.images.toString().padStart(5)}  ${summary.train.negativeElbo.toFixed(2).padStart(10)}   ${summary.train.importanceWeightedNll.toFixed(2).padStart(10)}`,
      `test  ${summary.test.images.toString().padStart(5)}  ${summary.test.negativeElbo.toFixed(2).padStart(10)}   ${summary.test.importanceWeightedNll.toFixed(2).padStart(10)}`,
      `${summary.timings.stepsPerSecond.toFixed(1)} steps/s on ${summary.backend}; wrote ${trainer.folder.path}/{summary.json,model.json,weights.bin,samples.png,reconstructions.png,curves.png,metrics.jsonl}`,
    ].join('\n'),
  );
}

/** Registers `gumbel train`. */
export function addTrainCommand(program: Command): void {
  const d = DEFAULT_TRAIN_CONFIG;
  program
    .command('train')
    .description('train a categorical VAE (Jang et al. 2017), or one with binary latents, and evaluate it')
    .option(
      '--json',
      'print the run summary (summary.json plus its folder) as JSON on stdout, info lines on stderr',
    )
    .option('--out <dir>', 'run folder to create', 'runs/default')
    .option('--resume <dir>', 'continue the run in <dir> from its last checkpoint')
    .option(
      '--dataset <name>',
      'mnist (embedded 10,000 digits) or fashion-mnist',
      oneOf(['mnist', 'fashion-mnist']),
      'mnist',
    )
    .option('--data <dir>', 'a folder of IDX files (train-/t10k- images and labels) instead of --dataset')
    .option('--steps <n>', 'training steps', integerAtLeast(1), d.steps)
    .option('--batch <n>', 'batch size', integerAtLeast(1), d.batchSize)
    .option('--lr <rate>', 'Adam learning rate', positiveNumber, d.learningRate)
    .option('--seed <n>', 'seed of everything random in the run', integerAtLeast(0), d.seed)
    .option(
      '--latent <kind>',
      'latent variables: categorical (N×K one-hot) or bernoulli (N bits, prior Bernoulli(1/2))',
      oneOf(LATENT_KINDS),
      d.latent,
    )
    .option(
      '--latent-variables <N>',
      'number of latent variables (bits with --latent bernoulli)',
      integerAtLeast(1),
      d.latentVariables,
    )
    .option(
      '--categories <K>',
      `classes per categorical latent variable (default ${d.categories}; 2 with --latent bernoulli)`,
      integerAtLeast(2),
    )
    .option(
      '--schedule <kind>',
      'temperature schedule: exponential, linear or constant',
      oneOf(['exponential', 'linear', 'constant']),
      'exponential',
    )
    .option('--temperature <tau0>', 'initial temperature', positiveNumber, DEFAULT_SCHEDULE.initial)
    .option('--min-temperature <tau>', 'temperature floor', positiveNumber, 0.5)
    .option('--anneal-rate <r>', 'exponential schedule rate r in tau0·exp(−r·t)', nonNegativeNumber, 3e-5)
    .option('--anneal-every <S>', 'update the temperature every S steps', integerAtLeast(1), 1000)
    .option('--hard', 'straight-through Gumbel: a synonym of --estimator straight-through-gumbel', false)
    .option(
      '--estimator <name>',
      `gradient estimator: ${TRAINABLE_ESTIMATOR_NAMES.join(', ')} (with --latent bernoulli: ${BERNOULLI_ESTIMATORS.join(', ')}; disarm needs 2 categories)`,
      oneOf(ESTIMATOR_NAMES),
      d.estimator,
    )
    .option(
      '--rao-samples <k>',
      'gumbel-rao: conditional Gumbel draws per estimate',
      integerAtLeast(1),
      d.raoSamples,
    )
    .option('--score-samples <S>', 'score-function: samples per image', integerAtLeast(1), d.scoreSamples)
    .option(
      '--baseline <kind>',
      `score-function baseline: ${BASELINE_NAMES.join(', ')}`,
      oneOf(BASELINE_NAMES),
      d.baseline,
    )
    .option(
      '--baseline-decay <beta>',
      'moving-average baseline decay, in [0, 1)',
      fractionBelowOne,
      d.baselineDecay,
    )
    .option(
      '--rebar-eta <eta>',
      'rebar: scale of the control variate (rebar-tuned, relax: its start)',
      finiteNumber,
      d.rebarEta,
    )
    .option(
      '--relax-hidden <h>',
      "relax: hidden units of the control variate's network",
      integerAtLeast(1),
      d.relaxHidden,
    )
    .option(
      '--control-variate-lr <rate>',
      "rebar-tuned, relax: Adam's step size on the estimator's variance",
      positiveNumber,
      d.controlVariateLearningRate,
    )
    .option('--disarm-pairs <n>', 'disarm: antithetic pairs per estimate', integerAtLeast(1), d.disarmPairs)
    .option(
      '--kl <kind>',
      'analytic (Jang) or relaxed (Maddison, Monte-Carlo)',
      oneOf(['analytic', 'relaxed']),
      d.kl,
    )
    .option(
      '--prior-temperature <lambda>',
      'prior temperature of the relaxed KL',
      positiveNumber,
      d.priorTemperature,
    )
    .option(
      '--binarization <kind>',
      'static (one fixed draw) or dynamic (redrawn each epoch)',
      oneOf(['static', 'dynamic']),
      d.binarization,
    )
    .option(
      '--checkpoint-every <n>',
      'validate and checkpoint every n steps',
      integerAtLeast(1),
      d.checkpointEvery,
    )
    .option('--iw-samples <m>', 'importance samples per image for −log p(x)', integerAtLeast(1), d.iwSamples)
    .option(
      '--eval-train-limit <n>',
      'training images scored at the end (0 = all)',
      integerAtLeast(0),
      d.evalTrainLimit,
    )
    .option(
      '--train-limit <n>',
      'train on the first n training images only (0 = all)',
      integerAtLeast(0),
      d.trainLimit,
    )
    .option(
      '--workers <n>',
      `train on n worker threads (each takes a share of every batch), 1 to ${MAX_WORKERS} and at most --batch; gumbel-softmax and straight-through-gumbel only`,
      integerBetween(1, MAX_WORKERS),
      d.workers,
    )
    .action(train);
}
