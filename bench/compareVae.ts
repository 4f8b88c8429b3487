/**
 * One command that trains the categorical VAE in TypeScript (this library, wasm backend) and in
 * PyTorch (bench/vae_reference.py) for the same steps on byte-identical binarized data, and prints
 * their test −ELBO and importance-weighted −log p(x) side by side.
 *
 *   npm run reference -- --dataset mnist --steps 3000 --seed 1
 *
 * PyTorch is optional: without `/usr/bin/python3` + torch it says how to install it
 * (`sh bench/install-reference.sh`) and reports the TypeScript run alone.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend.js';
import { DEFAULT_TRAIN_CONFIG } from '../src/vae/config.js';
import { finishRun } from '../src/vae/finish.js';
import { VaeTrainer } from '../src/vae/trainer.js';
import { exportVaeData } from './exportVaeData.js';

const PYTHON = '/usr/bin/python3';

interface Row {
  implementation: string;
  steps: number;
  bestStep: number;
  testNegativeElbo: number;
  testIwNll: number;
  trainNegativeElbo: number;
  trainIwNll: number;
  stepsPerSecond: number;
}

function options() {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: 'mnist' },
      steps: { type: 'string', default: '3000' },
      seed: { type: 'string', default: '1' },
      'iw-samples': { type: 'string', default: '1000' },
      'eval-train-limit': { type: 'string', default: '1000' },
      hard: { type: 'boolean', default: false },
      out: { type: 'string', default: join('runs', 'reference') },
    },
  });
  const integer = (name: string, value: string | undefined, minimum: number) => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < minimum)
      throw new Error(`--${name} must be an integer >= ${minimum}, got ${value}`);
    return parsed;
  };
  return {
    dataset: values.dataset as string,
    steps: integer('steps', values.steps, 1),
    seed: integer('seed', values.seed, 0),
    iwSamples: integer('iw-samples', values['iw-samples'], 1),
    evalTrainLimit: integer('eval-train-limit', values['eval-train-limit'], 0),
    hard: values.hard as boolean,
    out: values.out as string,
  };
}

function torchAvailable(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return probe.status === 0;
}

async function main(): Promise<void> {
  const settings = options();
  const name = `${settings.dataset.replace(/[^A-Za-z0-9_-]+/g, '_')}-seed${settings.seed}-${settings.steps}${settings.hard ? '-hard' : ''}`;
  const dataFolder = join(
    'runs',
    'vae-data',
    `${settings.dataset.replace(/[^A-Za-z0-9_-]+/g, '_')}-seed${settings.seed}`,
  );
  console.log(`exporting ${settings.dataset} (static binarization, seed ${settings.seed}) to ${dataFolder}`);
  exportVaeData({ dataset: settings.dataset, seed: settings.seed, out: dataFolder });

  const backend = await initBackend();
  const tsFolder = join(settings.out, `${name}-ts`);
  rmSync(tsFolder, { recursive: true, force: true });
  console.log(`TypeScript (${backend.name}): ${settings.steps} steps → ${tsFolder}`);
  const trainer = VaeTrainer.start(
    {
      ...DEFAULT_TRAIN_CONFIG,
      dataset: settings.dataset,
      steps: settings.steps,
      seed: settings.seed,
      hard: settings.hard,
      checkpointEvery: 1000,
      iwSamples: settings.iwSamples,
      evalTrainLimit: settings.evalTrainLimit,
    },
    tsFolder,
  );
  await trainer.run({
    onStep: (m) => {
      if (m.validation !== undefined)
        console.log(
          `  step ${m.step}: validation −ELBO ${m.validation.toFixed(2)}, τ ${m.temperature.toFixed(3)}`,
        );
    },
  });
  const summary = await finishRun(trainer);
  trainer.dispose();
  const rows: Row[] = [
    {
      implementation: `TypeScript (tfjs ${backend.name})`,
      steps: summary.steps,
      bestStep: summary.bestStep,
      testNegativeElbo: summary.test.negativeElbo,
      testIwNll: summary.test.importanceWeightedNll,
      trainNegativeElbo: summary.train.negativeElbo,
      trainIwNll: summary.train.importanceWeightedNll,
      stepsPerSecond: summary.timings.stepsPerSecond,
    },
  ];

  if (!torchAvailable()) {
    console.log(
      `PyTorch not found at ${PYTHON}: install it with 'sh bench/install-reference.sh' (Debian python3-torch + libopenblas0-openmp). Reporting TypeScript alone.`,
    );
  } else {
    const reportPath = join(settings.out, `${name}-torch.json`);
    console.log(`PyTorch: ${settings.steps} steps → ${reportPath}`);
    const args = [
      'bench/vae_reference.py',
      '--data',
      dataFolder,
      '--steps',
      String(settings.steps),
      '--seed',
      String(settings.seed),
      '--iw-samples',
      String(settings.iwSamples),
      '--eval-train-subset',
      String(settings.evalTrainLimit),
      '--threads',
      '1',
      '--out',
      reportPath,
      ...(settings.hard ? ['--hard'] : []),
    ];
    const run = spawnSync(PYTHON, args, { stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`the PyTorch reference failed (exit ${run.status})`);
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    rows.push({
      implementation: `PyTorch ${report.environment?.torch ?? ''} (1 thread)`.trim(),
      steps: report.config?.steps ?? settings.steps,
      bestStep: report.best.step,
      testNegativeElbo: report.evaluation.test.neg_elbo,
      testIwNll: report.evaluation.test.iw_nll,
      trainNegativeElbo: report.evaluation.train_subset.neg_elbo,
      trainIwNll: report.evaluation.train_subset.iw_nll,
      stepsPerSecond: report.timing.steps_per_second,
    });
  }

  const table = [
    `| ${settings.dataset}, ${settings.steps} steps${settings.hard ? ', straight-through' : ''} | best step | test −ELBO | test −log p(x), IW m=${settings.iwSamples} | train −ELBO | train −log p(x) | steps/s |`,
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.implementation} | ${r.bestStep} | ${r.testNegativeElbo.toFixed(2)} | ${r.testIwNll.toFixed(2)} | ${r.trainNegativeElbo.toFixed(2)} | ${r.trainIwNll.toFixed(2)} | ${r.stepsPerSecond.toFixed(1)} |`,
    ),
  ].join('\n');
  console.log(`\n${table}\n`);
  const comparison = join(settings.out, `${name}-comparison.json`);
  writeFileSync(comparison, `${JSON.stringify({ settings, rows }, null, 2)}\n`);
  console.log(`wrote ${comparison}`);
}

main().catch((error: Error) => {
  console.error(`reference: error: ${error.message}`);
  process.exit(1);
});
