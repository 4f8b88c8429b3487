/**
 * Kernel-by-kernel timing on a synchronous backend (cpu, wasm): every registered kernel of a backend
 * is wrapped with a timer, so each call adds its own time (less that of the kernels it calls, such
 * as the packed matMul inside the fused dense kernels) to the current profile. The wasm and cpu
 * backends compute when called, so performance.now() around a kernel is its time; what a run's wall
 * time has beyond its kernels' sum is TF.js's engine (tape, tidy, dispatch, bookkeeping, gradient
 * functions' own JS). Used by bench/profileStep.ts and bench/profileGumbel.ts.
 */
import { tf } from '../src/tf.js';

/** Milliseconds and calls of each kernel name in one run. */
export type RunProfile = Map<string, { ms: number; calls: number }>;

let current: RunProfile = new Map();
/** Time spent in nested timed calls, one accumulator per timed call in progress. */
const nested: number[] = [];

/** Wraps every kernel of `backendName` with {@link timedCall} under its kernel name. */
export function instrumentKernels(backendName: string): void {
  for (const config of tf.getKernelsForBackend(backendName)) {
    const original = config.kernelFunc;
    (config as { kernelFunc: typeof original }).kernelFunc = (args) =>
      timedCall(config.kernelName, () => original(args));
  }
}

/** Runs `work`, adding its own time (less that of the timed calls inside it) to the profile's `name`. */
export function timedCall<T>(name: string, work: () => T): T {
  nested.push(0);
  const start = performance.now();
  try {
    return work();
  } finally {
    const ms = performance.now() - start;
    const inner = nested.pop() ?? 0;
    if (nested.length > 0) nested[nested.length - 1] += ms;
    const entry = current.get(name) ?? { ms: 0, calls: 0 };
    entry.ms += ms - inner;
    entry.calls += 1;
    current.set(name, entry);
  }
}

/**
 * Wraps `owner[method]` like a kernel, under `name`: for work that runs outside TF.js's kernels,
 * such as Adam's in-place update.
 */
export function instrumentMethod(owner: object, method: string, name: string): void {
  const target = owner as Record<string, (...args: unknown[]) => unknown>;
  const original = target[method];
  target[method] = function (this: unknown, ...args: unknown[]) {
    return timedCall(name, () => original.apply(this, args));
  };
}

/** Median of `values` (not changed). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One profiled run: its kernels, wall and CPU milliseconds, and the kernels' sum. */
export interface ProfiledRun {
  kernels: RunProfile;
  wall: number;
  cpu: number;
  kernelSum: number;
}

/** Calls `run` once with a fresh profile (the kernels must be instrumented) and returns that profile. */
export function profiledRun(run: () => void): ProfiledRun {
  current = new Map();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  run();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpuStart);
  const kernels = current;
  const kernelSum = [...kernels.values()].reduce((sum, e) => sum + e.ms, 0);
  return { kernels, wall, cpu: (used.user + used.system) / 1000, kernelSum };
}

/** Per kernel name: calls in the first run and the median milliseconds over `runs`, slowest first. */
export function kernelRows(runs: ProfiledRun[]): { name: string; calls: number; ms: number }[] {
  const names = [...new Set(runs.flatMap((r) => [...r.kernels.keys()]))];
  return names
    .map((name) => ({
      name,
      calls: runs[0].kernels.get(name)?.calls ?? 0,
      ms: median(runs.map((r) => r.kernels.get(name)?.ms ?? 0)),
    }))
    .sort((a, b) => b.ms - a.ms);
}
