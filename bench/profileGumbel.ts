/**
 * Profiles the bench's Gumbel-softmax call — tf.grad of Σ w ⊙ gumbelSoftmax(logits, τ = 1), soft and
 * hard — kernel by kernel on the wasm backend, beside the same harness without the Gumbel-softmax
 * (Σ w ⊙ logits: TF.js's Mul, Sum, their gradients and its tape; the engine's floor for this call).
 * First the three are timed uninstrumented in rotated rounds (wall median, fastest, CPU median), then
 * every wasm kernel is wrapped with a timer (bench/kernelProfile.ts) and each variant's kernels are
 * listed with their calls and median milliseconds per call of the harness; "engine" is the wall time
 * less the kernels' sum (tape, tidy, dispatch, memory accounting, gradient functions' JS).
 *
 * Run: `node --import tsx bench/profileGumbel.ts [--shapes 2000x10,256x1000] [--runs 200]`.
 * For the JS side: `node --cpu-prof --import tsx bench/profileGumbel.ts --shapes 2000x10 --cpu-prof-only soft`.
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend.js';
import { type HarnessOp, opRunner } from './cases.js';
import { instrumentKernels, kernelRows, median, type ProfiledRun, profiledRun } from './kernelProfile.js';
import { timedRotated } from './timing.js';

const VARIANTS: HarnessOp[] = ['soft', 'hard', 'identity'];
const fixed = (ms: number) => ms.toFixed(3);
/** Warm-up before timing: V8 optimizes TF.js's engine code only after some hundred small calls. */
const WARM_UP_MS = 1500;

/** The uninstrumented rotated timing of the three variants at one shape (markdown lines). */
function wallLines(rows: number, categories: number, runs: number): string[] {
  const works = VARIANTS.map((op) => opRunner(rows, categories, op));
  const timings = timedRotated(
    works.map((w) => w.run),
    runs,
    WARM_UP_MS,
  );
  for (const w of works) w.dispose();
  return VARIANTS.map((op, i) => {
    const t = timings[i];
    return `| ${rows}×${categories} ${op} | ${fixed(t.median)} | ${fixed(t.min)} | ${fixed(t.cpu?.median ?? Number.NaN)} |`;
  });
}

/** Profiled runs of each variant at one shape, interleaved (after {@link WARM_UP_MS} of warm-up calls). */
function profiles(rows: number, categories: number, runs: number): ProfiledRun[][] {
  const works = VARIANTS.map((op) => opRunner(rows, categories, op));
  const start = performance.now();
  while (performance.now() - start < WARM_UP_MS) for (const w of works) w.run();
  const result: ProfiledRun[][] = VARIANTS.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (let v = 0; v < works.length; v++) result[v].push(profiledRun(works[v].run));
  }
  for (const w of works) w.dispose();
  return result;
}

/** The kernel table of one shape: one column per variant, ms per call (calls in brackets). */
function kernelLines(rows: number, categories: number, runs: ProfiledRun[][]): string[] {
  const tables = runs.map(kernelRows);
  const names = [...new Set(tables.flatMap((t) => t.map((r) => r.name)))];
  const cell = (v: number, name: string) => {
    const row = tables[v].find((r) => r.name === name);
    return row ? `${fixed(row.ms)} (${row.calls})` : '—';
  };
  const sum = (v: number, pick: (r: ProfiledRun) => number) => fixed(median(runs[v].map(pick)));
  return [
    `| ${rows}×${categories}, kernel | ${VARIANTS.join(' | ')} |`,
    `|---|${VARIANTS.map(() => '---').join('|')}|`,
    ...names.map((name) => `| ${name} | ${VARIANTS.map((_, v) => cell(v, name)).join(' | ')} |`),
    `| **all kernels** | ${VARIANTS.map((_, v) => sum(v, (r) => r.kernelSum)).join(' | ')} |`,
    `| **engine** (wall − kernels) | ${VARIANTS.map((_, v) => sum(v, (r) => r.wall - r.kernelSum)).join(' | ')} |`,
    `| **wall** (instrumented) | ${VARIANTS.map((_, v) => sum(v, (r) => r.wall)).join(' | ')} |`,
  ];
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const { values } = parseArgs({
    options: {
      shapes: { type: 'string', default: '2000x10,256x1000' },
      runs: { type: 'string', default: '200' },
      'cpu-prof-only': { type: 'string' },
    },
  });
  await initBackend('wasm');
  const shapes = values.shapes.split(',').map((s) => s.split('x').map(Number) as [number, number]);
  const runs = Number(values.runs);
  const only = values['cpu-prof-only'] as HarnessOp | undefined;
  if (only) {
    // a plain loop of one variant, for `node --cpu-prof`
    for (const [rows, categories] of shapes) {
      const work = opRunner(rows, categories, only);
      for (let i = 0; i < runs; i++) work.run();
      work.dispose();
    }
  } else {
    console.log('| uninstrumented, rotated rounds | wall median | fastest | CPU median |\n|---|---|---|---|');
    for (const [rows, categories] of shapes) console.log(wallLines(rows, categories, runs).join('\n'));
    instrumentKernels('wasm');
    for (const [rows, categories] of shapes) {
      console.log(`\n${kernelLines(rows, categories, profiles(rows, categories, runs)).join('\n')}`);
    }
  }
}
