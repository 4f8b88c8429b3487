/**
 * The Bernoulli VAE (200 bits, the ARM/DisARM setting) trained with every estimator that supports
 * binary latents, at equal steps on the embedded digits: test −ELBO and IW bound of each, and the
 * variance of its gradient estimates of the encoder's parameters at a few points of training.
 *
 *   node --import tsx bench/bernoulliEstimators.ts --steps 300 --seed 1            # measure (appends)
 *   node --import tsx bench/bernoulliEstimators.ts --estimators disarm,relax       # some only
 *   node --import tsx bench/bernoulliEstimators.ts --report                        # table + PNG
 *
 * Results go to docs/bernoulli-estimators.json one estimator at a time (a rerun replaces that
 * estimator's row), so a measurement cut short keeps what it finished. The table leaves out the
 * rows' steps/s (kept in the JSON): on a shared machine they measure the load as much as the estimator.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend.js';
import type { EstimatorName } from '../src/estimators/registry.js';
import { tf } from '../src/tf.js';
import { BERNOULLI_ESTIMATORS, DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../src/vae/config.js';
import { discreteNegativeElbo, importanceWeightedNll } from '../src/vae/evaluate.js';
import { encoderGradientVariance } from '../src/vae/gradientVariance.js';
import { prepareRunData, VaeTrainer } from '../src/vae/trainer.js';
import { linePlotPng } from '../src/viz/linePlot.js';

/** Where rows go (`--results` changes it, e.g. for another seed). */
let RESULTS = 'docs/bernoulli-estimators.json';
/** The plots: the unbiased estimators in one, the biased ones in the other (ten colours each at most). */
const PLOTS = {
  unbiased: 'docs/bernoulli-estimators-variance-unbiased.png',
  biased: 'docs/bernoulli-estimators-variance-biased.png',
};
const UNBIASED: readonly string[] = ['score-function', 'rebar', 'rebar-tuned', 'relax', 'disarm'];

/** One estimator's row. */
interface Row {
  estimator: string;
  label: string;
  steps: number;
  seed: number;
  bestStep: number;
  testNegativeElbo: number;
  testIwNll: number;
  iwSamples: number;
  /** Σ Var of the encoder gradient at each checkpoint step. */
  variance: { step: number; totalVariance: number; squaredMeanNorm: number; repeats: number }[];
  stepsPerSecond: number;
}

function options() {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '300' },
      seed: { type: 'string', default: '1' },
      'iw-samples': { type: 'string', default: '100' },
      repeats: { type: 'string', default: '16' },
      estimators: { type: 'string', default: BERNOULLI_ESTIMATORS.join(',') },
      report: { type: 'boolean', default: false },
      results: { type: 'string', default: RESULTS },
    },
  });
  RESULTS = values.results;
  return {
    steps: Number(values.steps),
    seed: Number(values.seed),
    iwSamples: Number(values['iw-samples']),
    repeats: Number(values.repeats),
    estimators: values.estimators.split(',') as EstimatorName[],
    report: values.report,
  };
}

function readRows(): Row[] {
  return existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Row[]) : [];
}

function saveRow(row: Row): void {
  const rows = readRows().filter((r) => r.estimator !== row.estimator);
  const order = (name: string) => BERNOULLI_ESTIMATORS.indexOf(name as EstimatorName);
  rows.push(row);
  rows.sort((a, b) => order(a.estimator) - order(b.estimator));
  writeFileSync(RESULTS, `${JSON.stringify(rows, null, 2)}\n`);
}

async function measure(estimator: EstimatorName, settings: ReturnType<typeof options>): Promise<Row> {
  const config: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    latent: 'bernoulli',
    latentVariables: 200,
    categories: 2,
    estimator,
    steps: settings.steps,
    seed: settings.seed,
    schedule: { kind: 'constant', initial: 1 },
    checkpointEvery: Math.max(1, Math.round(settings.steps / 3)),
    iwSamples: settings.iwSamples,
  };
  const data = prepareRunData(config);
  const folder = mkdtempSync(join(tmpdir(), 'bernoulli-estimators-'));
  const trainer = VaeTrainer.start(config, folder, data);
  const fixedBatch = tf.tensor2d(data.trainFixed.subarray(0, 100 * 784), [100, 784]);
  const variance: Row['variance'] = [];
  try {
    for (const step of [0, Math.round(settings.steps / 2), settings.steps]) {
      trainer.state.config.steps = step;
      await trainer.run();
      const measured = encoderGradientVariance(trainer.model, fixedBatch, {
        repeats: settings.repeats,
        temperature: trainer.temperature,
        kl: config.kl,
        seed: 1000 + step,
        estimator: () => trainer.estimatorSnapshot(),
      });
      variance.push({ step, ...measured });
      console.error(`${estimator} step ${step}: Σ Var ${measured.totalVariance.toPrecision(4)}`);
    }
    trainer.loadBest();
    const row: Row = {
      estimator,
      label: trainer.estimatorLabel,
      steps: settings.steps,
      seed: settings.seed,
      bestStep: trainer.state.bestStep,
      testNegativeElbo: discreteNegativeElbo(trainer.model, data.test, { seed: 13 }),
      testIwNll: importanceWeightedNll(trainer.model, data.test, settings.iwSamples, { seed: 14 }),
      iwSamples: settings.iwSamples,
      variance,
      stepsPerSecond: trainer.state.step / trainer.state.trainingSeconds,
    };
    console.error(
      `${estimator}: test −ELBO ${row.testNegativeElbo.toFixed(2)}, IW ${row.testIwNll.toFixed(2)}`,
    );
    return row;
  } finally {
    fixedBatch.dispose();
    trainer.dispose();
    rmSync(folder, { recursive: true, force: true });
  }
}

function report(): void {
  const rows = readRows();
  const steps = [...new Set(rows.flatMap((row) => row.variance.map((v) => v.step)))].sort((a, b) => a - b);
  const lines = [
    `| estimator | test −ELBO | test −log p(x), IW m = ${rows[0]?.iwSamples} | ${steps.map((s) => `log₁₀ Σ Var, step ${s}`).join(' | ')} |`,
    `| --- | ---: | ---: | ${steps.map(() => '---:').join(' | ')} |`,
    ...rows.map((row) => {
      const at = (step: number) => row.variance.find((v) => v.step === step)?.totalVariance;
      const cells = steps.map((step) =>
        at(step) === undefined ? '—' : Math.log10(at(step) as number).toFixed(2),
      );
      return `| \`${row.label}\` | ${row.testNegativeElbo.toFixed(2)} | ${row.testIwNll.toFixed(2)} | ${cells.join(' | ')} |`;
    }),
  ];
  console.log(lines.join('\n'));
  for (const [kind, path] of Object.entries(PLOTS)) {
    const chosen = rows.filter((row) => UNBIASED.includes(row.estimator) === (kind === 'unbiased'));
    const png = linePlotPng(
      chosen.map((row) => ({
        name: row.label,
        points: row.variance.map((v) => [v.step, Math.log10(v.totalVariance)] as [number, number]),
      })),
      {
        title: `Bernoulli VAE (200 bits), ${kind} estimators: encoder-gradient variance, seed ${rows[0]?.seed}`,
        xLabel: 'training step',
        yLabel: 'log₁₀ Σ Var(ĝ) over encoder parameters',
        width: 800,
        height: 500,
      },
    );
    writeFileSync(path, png);
    console.error(`wrote ${path}`);
  }
}

const settings = options();
if (settings.report) {
  report();
} else {
  await initBackend();
  for (const estimator of settings.estimators) saveRow(await measure(estimator, settings));
}
