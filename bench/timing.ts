/** Timing helpers of `npm run bench`: milliseconds per call, median, min and max after warm-ups. */

export interface Timing {
  median: number;
  min: number;
  max: number;
  runs: number;
  /**
   * The process's CPU time per call (user + system, all its threads), where measured: on a shared
   * machine it leaves out the time the process waited for a core, which wall time includes.
   */
  cpu?: { median: number; min: number };
}

function summarize(samples: number[]): Timing {
  samples.sort((a, b) => a - b);
  const middle = Math.floor(samples.length / 2);
  const median = samples.length % 2 ? samples[middle] : (samples[middle - 1] + samples[middle]) / 2;
  return { median, min: samples[0], max: samples[samples.length - 1], runs: samples.length };
}

/** Times `run` `repeats` times after 3 warm-up calls. */
export function timed(run: () => void, repeats: number): Timing {
  for (let i = 0; i < 3; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return summarize(samples);
}

/**
 * Times several variants of one work in rotated rounds (round r calls variant 0, 1, …, each once,
 * starting from variant r mod n) after 3 warm-up rounds, so that a shared machine's slow spells
 * fall on every variant alike and their ratios inside one run compare. One timing per variant,
 * with its CPU time too. With `warmUpMs`, the warm-up rounds go on until that long has passed: V8
 * optimizes TF.js's JavaScript only after some hundred calls of a small op (a 2000×10 Gumbel-softmax
 * call took ≈ 1.0 ms median over its calls 20–160, 0.5 ms from call 320 on).
 */
export function timedRotated(runs: (() => void)[], repeats: number, warmUpMs = 0): Timing[] {
  const warmUpStart = performance.now();
  for (let i = 0; i < 3 || performance.now() - warmUpStart < warmUpMs; i++) for (const run of runs) run();
  const samples: number[][] = runs.map(() => []);
  const cpuSamples: number[][] = runs.map(() => []);
  for (let round = 0; round < repeats; round++) {
    for (let k = 0; k < runs.length; k++) {
      const variant = (round + k) % runs.length;
      const stop = startClock();
      runs[variant]();
      stop(samples[variant], cpuSamples[variant]);
    }
  }
  return withCpu(samples, cpuSamples);
}

/** Starts a wall and CPU clock; the returned function pushes the elapsed milliseconds of each. */
function startClock(): (wall: number[], cpu: number[]) => void {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  return (wall, cpu) => {
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  };
}

/** One timing per variant from its wall and CPU samples. */
function withCpu(samples: number[][], cpuSamples: number[][]): Timing[] {
  return samples.map((wall, i) => {
    const cpu = summarize(cpuSamples[i]);
    return { ...summarize(wall), cpu: { median: cpu.median, min: cpu.min } };
  });
}

/** {@link timed} for asynchronous work; with `warmUpMs`, warm-up calls go on until that long has passed. */
export async function timedAsync(
  run: () => Promise<unknown>,
  repeats: number,
  warmUpMs = 0,
): Promise<Timing> {
  const warmUpStart = performance.now();
  for (let i = 0; i < 3 || performance.now() - warmUpStart < warmUpMs; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return summarize(samples);
}

/** {@link timedRotated} for asynchronous work (e.g. steps on worker threads); `run` gets a call count. */
export async function timedRotatedAsync(
  runs: ((call: number) => Promise<unknown> | unknown)[],
  repeats: number,
): Promise<Timing[]> {
  let call = 0;
  for (let i = 0; i < 3; i++) for (const run of runs) await run(call++);
  const samples: number[][] = runs.map(() => []);
  const cpuSamples: number[][] = runs.map(() => []);
  for (let round = 0; round < repeats; round++) {
    for (let k = 0; k < runs.length; k++) {
      const variant = (round + k) % runs.length;
      const stop = startClock();
      await runs[variant](call++);
      stop(samples[variant], cpuSamples[variant]);
    }
  }
  return withCpu(samples, cpuSamples);
}
