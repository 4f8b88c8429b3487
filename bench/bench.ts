/**
 * `npm run bench`: this library's Gumbel-softmax (forward + backward w.r.t. the logits, soft and
 * hard) at 2000×10, 256×1000 and 4096×1024, one training step of the default categorical VAE, and
 * sampleGumbel's throughput next to a plain typed-array copy of the same bytes — side by side with
 * PyTorch doing identical work on one thread (bench/bench_torch.py via /usr/bin/python3, optional).
 * Prints a table with the ratio ours/PyTorch (> 1: we are slower) and writes runs/bench/bench.json.
 * Timings are milliseconds per call: median, min and max over repeated runs after 3 warm-ups.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../src/backend.js';
import { Adam } from '../src/nn/adam.js';
import { gumbelSoftmax } from '../src/ops/gumbelSoftmax.js';
import { gumbelArray } from '../src/random/noise.js';
import { tf } from '../src/tf.js';
import { CategoricalVae } from '../src/vae/model.js';
import { negativeElbo } from '../src/vae/objective.js';

const OP_SHAPES: [number, number][] = [
  [2000, 10],
  [256, 1000],
  [4096, 1024],
];
const REPEATS = 20;
const VAE_STEPS = 30;
const PYTHON = '/usr/bin/python3';

interface Timing {
  median: number;
  min: number;
  max: number;
  runs: number;
}

function timed(run: () => void, repeats: number): Timing {
  for (let i = 0; i < 3; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const middle = Math.floor(samples.length / 2);
  const median = samples.length % 2 ? samples[middle] : (samples[middle - 1] + samples[middle]) / 2;
  return { median, min: samples[0], max: samples[samples.length - 1], runs: repeats };
}

function opCase(rows: number, categories: number, hard: boolean): Timing {
  const logits = tf.randomNormal([rows, categories], 0, 1, 'float32', 1);
  const weights = tf.randomNormal([rows, categories], 0, 1, 'float32', 2);
  const gradient = tf.grad((l: tf.Tensor) =>
    tf.sum(tf.mul(gumbelSoftmax(l, { temperature: 1, hard, validateArgs: false }), weights)),
  );
  const timing = timed(() => {
    const g = gradient(logits);
    g.dataSync();
    g.dispose();
  }, REPEATS);
  tf.dispose([logits, weights]);
  return timing;
}

function vaeStep(): Timing {
  const model = new CategoricalVae(undefined, 1);
  const adam = new Adam(model.parameters());
  const images = tf.tidy(() =>
    tf.cast(tf.less(tf.randomUniform([100, 784], 0, 1, 'float32', 3), 0.3), 'float32'),
  );
  const timing = timed(() => {
    const { value, grads } = tf.variableGrads(
      () => negativeElbo(model, images, { temperature: 1, hard: false, kl: 'analytic' }),
      model.parameters(),
    );
    adam.apply(model.parameters().map((p) => grads[p.name]));
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  }, VAE_STEPS);
  model.dispose();
  adam.dispose();
  images.dispose();
  return timing;
}

/** Elements per second of sampleGumbel's noise, and of copying the same number of float32s. */
function noiseThroughput(): { gumbelPerSecond: number; copyPerSecond: number } {
  const count = 10_000_000;
  const gumbel = timed(() => gumbelArray(count, 1), 3);
  const source = new Float32Array(count);
  const target = new Float32Array(count);
  const copy = timed(() => target.set(source), 10);
  return { gumbelPerSecond: count / (gumbel.median / 1000), copyPerSecond: count / (copy.median / 1000) };
}

function torchTimings():
  | { ops: { shape: number[]; hard: boolean; ms: Timing }[]; vaeStep: Timing; torch: string }
  | undefined {
  const job = JSON.stringify({ opShapes: OP_SHAPES, repeats: REPEATS, vaeSteps: VAE_STEPS, threads: 1 });
  const run = spawnSync(PYTHON, ['bench/bench_torch.py'], { input: job, encoding: 'utf8' });
  if (run.status !== 0) {
    console.log(
      `PyTorch not available at ${PYTHON} (${(run.stderr || String(run.error)).trim().split('\n').pop()}); ` +
        "install it with 'sh bench/install-reference.sh'. Reporting this library alone.",
    );
    return undefined;
  }
  return JSON.parse(run.stdout);
}

async function main(): Promise<void> {
  const backend = await initBackend();
  console.log(`backend: ${backend.name}; measuring…`);
  const rssBefore = process.memoryUsage().rss;
  const ops = OP_SHAPES.flatMap(([rows, categories]) =>
    [false, true].map((hard) => ({ shape: [rows, categories], hard, ms: opCase(rows, categories, hard) })),
  );
  const vae = vaeStep();
  const noise = noiseThroughput();
  const torch = torchTimings();
  const ratio = (ours: number, theirs?: number) => (theirs === undefined ? '' : (ours / theirs).toFixed(2));
  const row = (name: string, ours: Timing, theirs?: Timing) =>
    `| ${name} | ${ours.median.toFixed(2)} (${ours.min.toFixed(2)}–${ours.max.toFixed(2)}) | ${
      theirs ? `${theirs.median.toFixed(2)} (${theirs.min.toFixed(2)}–${theirs.max.toFixed(2)})` : '—'
    } | ${ratio(ours.median, theirs?.median)} |`;
  const lines = [
    `| work (ms per call) | gumbel-softmax, tfjs ${backend.name} | PyTorch ${torch?.torch ?? ''} (1 thread) | ratio ours/PyTorch |`,
    '|---|---|---|---|',
    ...ops.map((op, i) =>
      row(
        `gumbelSoftmax ${op.shape.join('×')} ${op.hard ? 'hard' : 'soft'}, fwd+bwd`,
        op.ms,
        torch?.ops[i]?.ms,
      ),
    ),
    row('VAE training step (batch 100)', vae, torch?.vaeStep),
  ];
  console.log(`\n${lines.join('\n')}\n`);
  console.log(
    `sampleGumbel noise: ${(noise.gumbelPerSecond / 1e6).toFixed(1)} M elements/s; ` +
      `typed-array copy of the same bytes: ${(noise.copyPerSecond / 1e6).toFixed(0)} M elements/s`,
  );
  const memory = {
    rssBeforeMb: rssBefore / 2 ** 20,
    rssAfterMb: process.memoryUsage().rss / 2 ** 20,
    tensors: tf.memory().numTensors,
  };
  console.log(
    `RSS ${memory.rssBeforeMb.toFixed(0)} → ${memory.rssAfterMb.toFixed(0)} MB, tensors alive: ${memory.tensors}`,
  );
  mkdirSync(join('runs', 'bench'), { recursive: true });
  const out = join('runs', 'bench', 'bench.json');
  writeFileSync(
    out,
    `${JSON.stringify({ backend: backend.name, ops, vaeStep: vae, noise, torch, memory }, null, 2)}\n`,
  );
  console.log(`wrote ${out}`);
}

main().catch((error: Error) => {
  console.error(`bench: error: ${error.message}`);
  process.exit(1);
});
