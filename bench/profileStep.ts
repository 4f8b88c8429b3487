/**
 * Profiles one default VAE training step (batch 100, analytic KL, soft sample, Adam) kernel by
 * kernel on the wasm backend, one thread: every registered wasm kernel (and Adam.apply, which updates in place outside
 * TF.js's kernels) is wrapped with a timer, the
 * step is run `--steps` times (after 3 warm-ups), and the table gives per kernel name its calls
 * per step and milliseconds per step (median over the steps; a kernel's own time, less the kernels it
 * calls, such as the packed matMul inside the fused dense kernels), sorted by time. "dispatch" is the
 * step's wall time less the sum of its kernel times: TF.js's engine (tape, tidy, bookkeeping,
 * customGrad, gradient functions' own JS), everything that is not a kernel body.
 *
 * Run: `node --import tsx bench/profileStep.ts [--steps 30] [--packed-off]`; with `--compare`, the
 * step with and without the fused dense kernels and Adam in place, in rotated rounds (no profile).
 * (the wasm backend's kernels are synchronous, so performance.now() around each is its time).
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend.js';
import { useAdamInPlace } from '../src/kernels/adamInPlace.js';
import { useFusedDense } from '../src/kernels/denseKernels.js';
import { usePackedMatMul } from '../src/kernels/matMul.js';
import { Adam } from '../src/nn/adam.js';
import { enableRelaxedSimd } from '../src/nodeWasmFeatures.js';
import { vaeTrainingStep } from './cases.js';
import {
  instrumentKernels,
  instrumentMethod,
  kernelRows,
  median,
  type ProfiledRun,
  profiledRun,
} from './kernelProfile.js';
import { timedRotated } from './timing.js';

/** Kernel names of matrix products (ours and TF.js's). */
const MAT_MUL_KERNELS = ['GumbelPackedMatMul', 'BatchMatMul', '_FusedMatMul'];

/** The profile table (markdown) of `steps` default VAE steps. */
export function profileVaeStep(steps: number): string {
  const training = vaeTrainingStep();
  for (let i = 0; i < 3; i++) training.step();
  const runs: ProfiledRun[] = [];
  for (let i = 0; i < steps; i++) runs.push(profiledRun(() => training.step()));
  training.dispose();
  const rows = kernelRows(runs);
  const walls = runs.map((r) => r.wall);
  const cpus = runs.map((r) => r.cpu);
  const kernelSums = runs.map((r) => r.kernelSum);
  const dispatch = median(walls.map((wall, i) => wall - kernelSums[i]));
  const matMuls = runs.map((r) =>
    MAT_MUL_KERNELS.reduce((sum, name) => sum + (r.kernels.get(name)?.ms ?? 0), 0),
  );
  const rest = median(walls.map((wall, i) => wall - matMuls[i]));
  const fastest = walls.indexOf(Math.min(...walls));
  const lines = [
    `| kernel | calls per step | ms per step (median of ${steps}) |`,
    '|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.calls} | ${r.ms.toFixed(3)} |`),
    `| **all kernels** | ${rows.reduce((s, r) => s + r.calls, 0)} | ${median(kernelSums).toFixed(2)} |`,
    `| **dispatch** (wall − kernels) | | ${dispatch.toFixed(2)} |`,
    `| **all but the matMuls** (wall − matMul kernels) | | ${rest.toFixed(2)} |`,
    `| **step wall** (median / fastest / CPU median) | | ${median(walls).toFixed(2)} / ${walls[fastest].toFixed(2)} / ${median(cpus).toFixed(2)} |`,
    `(fastest step: kernels ${kernelSums[fastest].toFixed(2)} ms, of which matMuls ${matMuls[fastest].toFixed(2)}; dispatch ${(walls[fastest] - kernelSums[fastest]).toFixed(2)} ms)`,
  ];
  return lines.join('\n');
}

/** Turns this step's later speed-ups on or off together: the fused dense kernels, Adam in place. */
function useStepFusions(on: boolean): void {
  useFusedDense(on);
  useAdamInPlace(on);
}

/**
 * The step with and without the fused dense kernels and Adam in place (without: the composed dense
 * layer around the same packed products, Adam's kernel per parameter), in rotated rounds: median,
 * fastest and CPU-time median of each, in ms.
 */
export function compareFusions(steps: number): string {
  const variants = [true, false].map((fused) => ({ fused, training: vaeTrainingStep() }));
  const timings = timedRotated(
    variants.map(({ fused, training }) => () => {
      useStepFusions(fused);
      training.step();
    }),
    steps,
  );
  useStepFusions(true);
  for (const { training } of variants) training.dispose();
  return variants
    .map(({ fused }, i) => {
      const t = timings[i];
      return `fused dense + Adam in place ${fused ? 'on ' : 'off'}: median ${t.median.toFixed(2)} ms, fastest ${t.min.toFixed(2)} ms, CPU median ${t.cpu?.median.toFixed(2)} ms (${t.runs} rotated rounds)`;
    })
    .join('\n');
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '30' },
      'packed-off': { type: 'boolean', default: false },
      compare: { type: 'boolean', default: false },
    },
  });
  enableRelaxedSimd();
  await initBackend('wasm');
  if (values['packed-off']) usePackedMatMul(false);
  if (values.compare) {
    console.log(compareFusions(Number(values.steps)));
  } else {
    instrumentKernels('wasm');
    instrumentMethod(Adam.prototype, 'apply', 'Adam.apply (JS, and in place on wasm)');
    console.log(profileVaeStep(Number(values.steps)));
  }
}
