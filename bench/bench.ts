/**
 * `npm run bench`: this library's Gumbel-softmax (forward + backward w.r.t. the logits, soft and
 * hard) at 2000×10, 256×1000 and 4096×1024, one training step of the default categorical VAE on
 * one thread and on two worker threads, and the Gumbel noise's throughput next to a plain
 * typed-array copy of the same bytes, and gumbelSinkhorn (batch 32, n = 50, 20 iterations, forward +
 * backward) — side by side with jax-js 0.1.25 doing the Gumbel-softmax and the VAE step with its
 * jit/grad on its wasm backend (bench/jaxCases.ts; one thread in Node) and PyTorch doing identical
 * work on one thread and on two (bench/bench_torch.py via /usr/bin/python3, optional). Each
 * of our rows is also timed with the fused kernels off (the composed TF.js ops other backends run).
 * Then a memory soak in a process of its own: RSS and live tensors over `--soak-steps` (default
 * 10,000) training steps.
 * Prints a table (bench/storyTable.ts) with the ratios ours/jax-js and ours/PyTorch (> 1: we are
 * slower) and writes runs/bench/bench.json.
 *
 * The matMul part: the WebAssembly f32x4 ceiling of this machine (mul+add and FMA), each dense
 * product of the VAE step in GFLOP/s and as % of that ceiling, and the VAE step with the FMA
 * micro-kernel, with mul+add and with tf.matMul, timed in rotated rounds.
 *
 * Options: --soak-steps N (0 skips the soak), --repeats N (op timings per case, default 20),
 * --only matmul (the matMul part and the VAE step against PyTorch alone), --only gumbel (the
 * Gumbel-softmax rows alone, ours in rotated rounds with CPU time, against PyTorch), --only page (the
 * web page's training steps/s in headless Chromium next to Node's, bench/pageSteps.ts; --page-steps N
 * measured steps, default 60).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend.js';
import { enableRelaxedSimd } from '../src/nodeWasmFeatures.js';
import { tf } from '../src/tf.js';
import {
  gumbelSinkhornCase,
  type MatMulChoice,
  noiseThroughput,
  type OpTiming,
  opCase,
  opCasesRotated,
  parallelVaeStepCase,
  vaeStepByMatMul,
  vaeStepCase,
  withFusedKernels,
} from './cases.js';
import { jaxTimings } from './jaxCases.js';
import { matMulCases, matMulTable } from './matMulCases.js';
import { memorySoakInChild } from './soak.js';
import { type StoryRow, storyTable } from './storyTable.js';
import { kSubsetLogNormalizerCase, relaxedTopKCase } from './subsetCases.js';
import type { Timing } from './timing.js';
import { wasmCeiling } from './wasmCeiling.js';

const OP_SHAPES: [number, number][] = [
  [2000, 10],
  [256, 1000],
  [4096, 1024],
];
const VAE_STEPS = 30;
/** Steps timed on two workers: more than in one thread, as their steps spread wider (p90 ≈ 1.3× median). */
const VAE_WORKER_STEPS = 100;
/** relaxedTopK's case: [rows, n, k]; the KSubset log-normalizer's: [n, k]. */
const RELAXED_TOP_K: [number, number, number] = [256, 1000, 50];
const K_SUBSET_NORMALIZER: [number, number] = [1000, 100];
/** gumbelSinkhorn's case: [batch, n, n] log-scores, Sinkhorn iterations. */
const SINKHORN = { batch: 32, n: 50, iterations: 20 };
const PYTHON = '/usr/bin/python3';
/**
 * glibc malloc kept from returning PyTorch's buffers to the system: by default each step's large
 * tensors are fresh mmaps whose pages fault in anew, and on this VM that cost moves from day to day
 * (2026-11-29: the VAE step 28.7 ms by default, 11.8 ms with these — the 11–12 ms of earlier days).
 * We compare against PyTorch at its fastest.
 */
const TORCH_ENV = {
  ...process.env,
  MALLOC_MMAP_THRESHOLD_: '2000000000',
  MALLOC_TRIM_THRESHOLD_: '4000000000',
  MALLOC_TOP_PAD_: '200000000',
};

interface TorchTimings {
  torch: string;
  ops: { shape: number[]; hard: boolean; floor?: boolean; ms: Timing }[];
  opsTwoThreads?: { shape: number[]; hard: boolean; ms: Timing }[];
  vaeStep: Timing;
  vaeStepTwoThreads: Timing;
  relaxedTopK?: Timing;
  gumbelSinkhorn: Timing;
}

/** What bench_torch.py times: everything, the VAE step alone, or the Gumbel-softmax rows alone. */
type TorchPart = 'all' | 'vae' | 'gumbel';

function torchTimings(repeats: number, part: TorchPart = 'all'): TorchTimings | undefined {
  const job = JSON.stringify(
    part === 'vae'
      ? { repeats, vaeSteps: VAE_STEPS, threads: 1 }
      : part === 'gumbel'
        ? { opShapes: OP_SHAPES, repeats, threads: 1, opsTwoThreads: true, opFloor: true }
        : {
            opShapes: OP_SHAPES,
            repeats,
            vaeSteps: VAE_STEPS,
            threads: 1,
            opsTwoThreads: true,
            relaxedTopK: RELAXED_TOP_K,
            sinkhorn: SINKHORN,
          },
  );
  const run = spawnSync(PYTHON, ['bench/bench_torch.py'], { input: job, encoding: 'utf8', env: TORCH_ENV });
  if (run.status !== 0) {
    console.log(
      `PyTorch not available at ${PYTHON} (${(run.stderr || String(run.error)).trim().split('\n').pop()}); ` +
        "install it with 'sh bench/install-reference.sh'. Reporting this library alone.",
    );
    return undefined;
  }
  return JSON.parse(run.stdout);
}

const cell = (t?: Timing) => (t ? `${t.median.toFixed(2)} (${t.min.toFixed(2)}–${t.max.toFixed(2)})` : '—');
const ratio = (ours: Timing, theirs?: Timing) => (theirs ? (ours.median / theirs.median).toFixed(2) : '');
const cpuRatio = (ours?: Timing, theirs?: Timing) =>
  ours?.cpu && theirs?.cpu ? (ours.cpu.median / theirs.cpu.median).toFixed(2) : '—';

/** The matMul part's timings: ceiling, products, and the VAE step on each matMul choice. */
interface MatMulPart {
  ceiling: Awaited<ReturnType<typeof wasmCeiling>>;
  products: ReturnType<typeof matMulCases>;
  choices: MatMulChoice[];
  vaeStep: Partial<Record<MatMulChoice, Timing>>;
}

/** Times the matMul part (the FMA micro-kernel only where relaxed SIMD validates). */
async function matMulPart(repeats: number, relaxedSimd: boolean): Promise<MatMulPart> {
  const ceiling = await wasmCeiling(repeats);
  const products = matMulCases(repeats, relaxedSimd);
  const choices: MatMulChoice[] = relaxedSimd
    ? ['fma', 'fma, dense only', 'mul+add', 'tf.matMul']
    : ['mul+add', 'tf.matMul'];
  const steps = vaeStepByMatMul(choices, VAE_STEPS);
  const vaeStep = Object.fromEntries(choices.map((choice, i) => [choice, steps[i]]));
  return { ceiling, products, choices, vaeStep };
}

/** The matMul part's tables, the VAE step against PyTorch's where it ran. */
function matMulLines({ ceiling, products, choices, vaeStep }: MatMulPart, torch?: TorchTimings): string[] {
  const torchStep = torch?.vaeStep;
  return [
    ...matMulTable(products, ceiling),
    '',
    `| VAE training step (batch 100), 1 thread, rotated rounds | ms per step, wall (min–max) | CPU ms | ratio to PyTorch ${torch?.torch ?? ''} (${cell(torchStep)}, CPU ${torchStep?.cpu?.median.toFixed(2) ?? '—'}) |`,
    '|---|---|---|---|',
    ...choices.map(
      (choice) =>
        `| dense products on ${choice === 'tf.matMul' ? 'tf.matMul' : `the packed matMul, ${choice}`} | ${cell(vaeStep[choice])} | ${vaeStep[choice]?.cpu?.median.toFixed(2)} | ${ratio(vaeStep[choice] as Timing, torchStep)} (CPU time: ${cpuRatio(vaeStep[choice], torchStep)}) |`,
    ),
  ];
}

/** The Gumbel-softmax rows: wall median (fastest–slowest) and CPU median, ours and PyTorch's, and both ratios. */
function gumbelLines(ops: OpTiming[], backendName: string, torch?: TorchTimings): string[] {
  const cpu = (t?: Timing) => t?.cpu?.median.toFixed(2) ?? '—';
  return [
    `| gumbelSoftmax fwd+bwd, 1 thread (ms) | ours, tfjs ${backendName}, rotated rounds | CPU | PyTorch ${torch?.torch ?? ''} | CPU | ratio ours/PyTorch, wall (CPU) |`,
    '|---|---|---|---|---|---|',
    ...ops.map((op) => {
      const same = (t: { shape: number[]; hard: boolean; floor?: boolean }) =>
        t.shape.join() === op.shape.join() && t.hard === op.hard && Boolean(t.floor) === Boolean(op.floor);
      const theirs = torch?.ops.find(same)?.ms;
      const kind = op.floor ? 'harness floor (Σ w ⊙ logits, no Gumbel-softmax)' : op.hard ? 'hard' : 'soft';
      return `| ${op.shape.join('×')} ${kind} | ${cell(op.ms)} | ${cpu(op.ms)} | ${cell(theirs)} | ${cpu(theirs)} | ${ratio(op.ms, theirs)} (${cpuRatio(op.ms, theirs)}) |`;
    }),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'soak-steps': { type: 'string', default: '10000' },
      repeats: { type: 'string', default: '20' },
      only: { type: 'string' },
      'page-steps': { type: 'string', default: '60' },
    },
  });
  const soakSteps = Number(values['soak-steps']);
  const repeats = Number(values.repeats);
  if (!Number.isInteger(soakSteps) || soakSteps < 0) throw new Error(`--soak-steps must be an integer >= 0`);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats must be an integer >= 1`);
  const parts = ['matmul', 'gumbel', 'page'];
  if (values.only !== undefined && !parts.includes(values.only)) {
    throw new Error(`--only must be one of ${parts.join(', ')}, got '${values.only}'`);
  }
  const pageStepCount = Number(values['page-steps']);
  if (!Number.isInteger(pageStepCount) || pageStepCount < 2)
    throw new Error(`--page-steps must be an integer >= 2`);
  const relaxedSimd = enableRelaxedSimd(); // before the first matMul: Node 20 needs a V8 flag
  const backend = await initBackend();
  console.log(`backend: ${backend.name}; relaxed SIMD (FMA): ${relaxedSimd ? 'on' : 'off'}; measuring…`);
  if (values.only === 'matmul') {
    const part = await matMulPart(repeats, relaxedSimd);
    const torch = torchTimings(repeats, 'vae');
    console.log(`\n${matMulLines(part, torch).join('\n')}\n`);
    writeReport('bench-matmul.json', { backend: backend.name, relaxedSimd, ...part, torch });
    return;
  }
  if (values.only === 'gumbel') {
    const ops = opCasesRotated(OP_SHAPES, repeats, true);
    const torch = torchTimings(repeats, 'gumbel');
    console.log(`\n${gumbelLines(ops, backend.name, torch).join('\n')}\n`);
    writeReport('bench-gumbel.json', { backend: backend.name, ops, torch });
    return;
  }
  if (values.only === 'page') {
    const { pageSteps } = await import('./pageSteps.js'); // Chromium, Vite: loaded only here
    const { lines, ...speeds } = await pageSteps(pageStepCount);
    console.log(`\n${lines.join('\n')}\n`);
    writeReport('bench-page.json', { backend: backend.name, relaxedSimd, ...speeds });
    process.exit(0); // Vite's build leaves its esbuild service running, which would keep Node alive
  }
  const rssBefore = process.memoryUsage().rss;
  const ops = OP_SHAPES.flatMap(([rows, categories]) =>
    [false, true].map((hard) => ({
      shape: [rows, categories],
      hard,
      ms: opCase(rows, categories, hard, repeats),
      composedMs: withFusedKernels(false, () => opCase(rows, categories, hard, repeats)),
    })),
  );
  const matMul = await matMulPart(repeats, relaxedSimd);
  const vae = (matMul.vaeStep.fma ?? matMul.vaeStep['mul+add']) as Timing;
  const vaeWithoutPackedMatMul = matMul.vaeStep['tf.matMul'] as Timing;
  const vaeComposed = withFusedKernels(false, () => vaeStepCase(VAE_STEPS));
  const vaeTwoWorkers = await parallelVaeStepCase(2, VAE_WORKER_STEPS);
  const sinkhorn = gumbelSinkhornCase(SINKHORN.batch, SINKHORN.n, SINKHORN.iterations, repeats);
  const noise = noiseThroughput();
  const relaxedTopK = relaxedTopKCase(...RELAXED_TOP_K, Math.min(repeats, 5));
  const kSubsetNormalizer = kSubsetLogNormalizerCase(...K_SUBSET_NORMALIZER, repeats);
  const jax = await jaxTimings(OP_SHAPES, repeats, VAE_STEPS);
  const jaxOps = 'ops' in jax ? jax.ops : [];
  const torch = torchTimings(repeats);
  const threads = (n: number) => `${n} thread${n > 1 ? 's' : ''}`;
  const rows: StoryRow[] = [
    ...ops.map((op, i) => ({
      work: `gumbelSoftmax ${op.shape.join('×')} ${op.hard ? 'hard' : 'soft'}, fwd+bwd`,
      ours: op.ms,
      composed: op.composedMs,
      jax: jaxOps[i]?.jax,
      oursBesideJax: jaxOps[i]?.ours,
      torch: torch?.ops[i]?.ms,
      torchTwoThreads: torch?.opsTwoThreads?.[i]?.ms,
    })),
    {
      work: `VAE training step (batch 100), ${threads(1)}${relaxedSimd ? ', FMA' : ''}`,
      ours: vae,
      composed: vaeComposed,
      jax: 'vaeStep' in jax ? jax.vaeStep.jax : undefined,
      oursBesideJax: 'vaeStep' in jax ? jax.vaeStep.ours : undefined,
      torch: torch?.vaeStep,
    },
    {
      work: `VAE training step, packed matMul off (tf.matMul), ${threads(1)}`,
      ours: vaeWithoutPackedMatMul,
      torch: torch?.vaeStep,
    },
    {
      work: 'VAE training step (batch 100), 2 workers',
      ours: vaeTwoWorkers,
      torchTwoThreads: torch?.vaeStepTwoThreads,
    },
    {
      work: `relaxedTopK ${RELAXED_TOP_K[0]}×${RELAXED_TOP_K[1]}, k = ${RELAXED_TOP_K[2]}, fwd+bwd, ${threads(1)}`,
      ours: relaxedTopK,
      torch: torch?.relaxedTopK,
    },
    {
      work: `KSubset log-normalizer, n = ${K_SUBSET_NORMALIZER[0]}, k = ${K_SUBSET_NORMALIZER[1]} (JS, float64)`,
      ours: kSubsetNormalizer,
    },
    {
      work: `gumbelSinkhorn ${SINKHORN.batch}×${SINKHORN.n}×${SINKHORN.n}, ${SINKHORN.iterations} iterations, fwd+bwd, ${threads(1)}`,
      ours: sinkhorn,
      torch: torch?.gumbelSinkhorn,
    },
  ];
  const lines = storyTable(rows, backend.name, torch?.torch);
  if ('error' in jax) lines.push('', `jax-js could not run: ${jax.error}`);
  console.log(`\n${lines.join('\n')}\n`);
  console.log(`${matMulLines(matMul, torch).join('\n')}\n`);
  const million = (x: number) => (x / 1e6).toFixed(1);
  console.log(
    `Gumbel noise: ${million(noise.gumbelPerSecond)} M elements/s (WebAssembly kernel), ${million(noise.jsGumbelPerSecond)} M/s (JS reference); ` +
      `typed-array copy of the same bytes: ${million(noise.copyPerSecond)} M elements/s`,
  );
  const soak = soakSteps > 0 ? memorySoakInChild(soakSteps) : [];
  if (soak.length > 0) {
    const first = soak[1] ?? soak[0];
    const last = soak[soak.length - 1];
    console.log(
      `memory soak, ${soakSteps} steps of a reduced VAE in a process of its own: RSS ${first.rssMb.toFixed(0)} MB at step ${first.step} → ` +
        `${last.rssMb.toFixed(0)} MB at step ${last.step} (max ${Math.max(...soak.map((s) => s.rssMb)).toFixed(0)}); ` +
        `live tensors ${soak.map((s) => s.tensors).join(', ')}`,
    );
  }
  const memory = {
    rssBeforeMb: rssBefore / 2 ** 20,
    rssAfterMb: process.memoryUsage().rss / 2 ** 20,
    tensors: tf.memory().numTensors,
  };
  writeReport('bench.json', {
    backend: backend.name,
    relaxedSimd,
    ops,
    vaeStep: vae,
    vaeComposed,
    vaeTwoWorkers,
    gumbelSinkhorn: sinkhorn,
    vaeWithoutPackedMatMul,
    matMul,
    noise,
    relaxedTopK,
    kSubsetNormalizer,
    jax,
    torch,
    soak,
    memory,
  });
}

/** Writes `report` to runs/bench/`name`. */
function writeReport(name: string, report: object): void {
  mkdirSync(join('runs', 'bench'), { recursive: true });
  const out = join('runs', 'bench', name);
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

main().catch((error: Error) => {
  console.error(`bench: error: ${error.message}`);
  process.exit(1);
});
