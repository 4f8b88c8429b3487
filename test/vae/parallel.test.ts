import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { addTrainCommand } from '../../src/cli/train.js';
import { createEstimator } from '../../src/estimators/registry.js';
import { tf } from '../../src/index.js';
import { RandomGenerator } from '../../src/random/generator.js';
import { checkTrainConfig, DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/vae/config.js';
import { CategoricalVae, type VaeShape } from '../../src/vae/model.js';
import { elboTerms, type KlKind } from '../../src/vae/objective.js';
import { splitRows } from '../../src/vae/parallel/partition.js';
import { ParallelTrainingPool } from '../../src/vae/parallel/pool.js';
import { createParallelStepper } from '../../src/vae/parallel/stepper.js';
import { prepareRunData, VaeTrainer } from '../../src/vae/trainer.js';
import { ArgumentError } from '../../src/validate.js';

const folders: string[] = [];
function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'gumbel-workers-'));
  folders.push(folder);
  return folder;
}
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A small, fast model and run: 300 digits, batches of 50, a narrow network, 5×4 latents. */
const SHAPE: VaeShape = { latentVariables: 5, categories: 4, inputSize: 784, hiddenUnits: [64, 32] };
const SMALL: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  trainLimit: 300,
  steps: 24,
  batchSize: 50,
  latentVariables: SHAPE.latentVariables,
  categories: SHAPE.categories,
  hiddenUnits: SHAPE.hiddenUnits,
  checkpointEvery: 10,
  iwSamples: 10,
};
const data = prepareRunData(SMALL);

/** Every pool a test starts, disposed after it even when it fails. */
const pools: ParallelTrainingPool[] = [];
async function startPool(options: Parameters<typeof ParallelTrainingPool.start>[0]) {
  const pool = await ParallelTrainingPool.start(options);
  pools.push(pool);
  return pool;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.dispose()));
  vi.restoreAllMocks();
});

interface StepOptions {
  shape: VaeShape;
  seed: number;
  step: number;
  temperature: number;
  hard: boolean;
  kl: KlKind;
}

/**
 * In this thread, as VaeTrainer's one-thread step takes them: the loss −mean ELBO and its gradients
 * on the whole batch, and Σ_r |per-row term| of each: Σ_r |∂ℓ_r/∂θ| for ℓ_r = −ELBO_r / rows, and
 * Σ_r |ℓ_r|. Every batch gradient is the sum over rows of those per-row terms.
 */
function oneThreadStep(
  images: Float32Array,
  rows: number,
  options: StepOptions,
): { loss: number; gradients: Float32Array[]; absoluteLoss: number; absoluteTerms: Float32Array[] } {
  const model = new CategoricalVae(options.shape, new RandomGenerator(options.seed).foldIn(0));
  const parameters = model.parameters();
  const batch = tf.tensor2d(images, [rows, 784]);
  const elbo = () =>
    elboTerms(model, batch, {
      temperature: options.temperature,
      hard: options.hard,
      kl: options.kl,
      priorTemperature: 0.5,
      seed: new RandomGenerator(options.seed).foldIn(1).foldIn(options.step),
      estimator: createEstimator({ name: options.hard ? 'straight-through-gumbel' : 'gumbel-softmax' }),
    }).elbo;
  const { value, grads } = tf.variableGrads(() => tf.neg(tf.mean(elbo())) as tf.Scalar, parameters);
  const absoluteTerms = parameters.map((parameter) => new Float32Array(parameter.size));
  for (let row = 0; row < rows; row++) {
    const perRow = tf.variableGrads(
      () => tf.div(tf.neg(tf.slice(elbo(), [row], [1])), rows).reshape([]) as tf.Scalar,
      parameters,
    );
    parameters.forEach((parameter, i) => {
      const term = perRow.grads[parameter.name].dataSync();
      for (let j = 0; j < term.length; j++) absoluteTerms[i][j] += Math.abs(term[j]);
    });
    tf.dispose([perRow.value, ...Object.values(perRow.grads)]);
  }
  const perRowLoss = tf.tidy(() => elbo().dataSync());
  const result = {
    loss: value.dataSync()[0],
    gradients: parameters.map((parameter) => grads[parameter.name].dataSync() as Float32Array),
    absoluteLoss: Array.from(perRowLoss).reduce((sum, elboOfRow) => sum + Math.abs(elboOfRow) / rows, 0),
    absoluteTerms,
  };
  tf.dispose([value, batch, ...Object.values(grads)]);
  model.dispose();
  return result;
}

/** The unit roundoff of float32. */
const FLOAT32_ROUNDOFF = 2 ** -24;

/** The largest |a − b| over a tensor, relative to the largest |b| in it. */
function relativeMaxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return difference / scale;
}

async function parametersOf(trainer: VaeTrainer): Promise<Float32Array[]> {
  return trainer.model.parameters().map((parameter) => (parameter.dataSync() as Float32Array).slice());
}

/**
 * Trains one step of a fresh `workers`-worker pool on the first `rows` digits and checks its loss
 * and every gradient entry against one thread's within the bound explained in the tests below;
 * returns the largest |difference| / bound over the entries.
 */
async function checkAgainstOneThread(workers: number, rows: number, options: StepOptions): Promise<number> {
  const images = data.trainFixed.slice(0, rows * 784);
  const { shape, seed, hard, kl } = options;
  const pool = await startPool({ workers, seed, shape, hard, kl, priorTemperature: 0.5 });
  const loss = await pool.step(images, rows, options.step, options.temperature);
  const { moments } = await pool.readState();
  const expected = oneThreadStep(images, rows, options);
  const reordering = 2 * (rows - 1) * FLOAT32_ROUNDOFF;
  const lossBound = 2 * (reordering + 2 * FLOAT32_ROUNDOFF) * expected.absoluteLoss;
  expect(Math.abs(loss - expected.loss)).toBeLessThanOrEqual(lossBound);
  let worstShare = 0;
  expected.gradients.forEach((gradient, i) => {
    const terms = expected.absoluteTerms[i];
    expect(moments[i]).toHaveLength(gradient.length);
    moments[i].forEach((m, j) => {
      const bound = 2 * (reordering * terms[j] + 2 * FLOAT32_ROUNDOFF * Math.abs(gradient[j]));
      const difference = Math.abs(m / (1 - 0.9) - gradient[j]);
      if (difference > bound) {
        throw new Error(`parameter ${i}[${j}]: |${m / 0.1} − ${gradient[j]}| > ${bound}`);
      }
      if (bound > 0) worstShare = Math.max(worstShare, difference / bound);
    });
  });
  return worstShare;
}

describe('data-parallel gradients', () => {
  /** The test model with 5×3 categorical latents: 15 noise draws a row, not whole Philox blocks. */
  const ODD_SHAPE: VaeShape = { ...SHAPE, categories: 3 };
  const BITS_SHAPE: VaeShape = { ...SHAPE, categories: 2, latent: 'bernoulli' };
  // Each worker runs the one-thread forward and backward pass on its rows with the one-thread noise
  // of those rows, so every per-row term of a gradient (x_rᵀ·∂y_r of a kernel, ∂y_r of a bias) and
  // of the loss is computed as in one thread; only the sums over the 41 rows are added in another
  // order (each worker's rows, then the workers' sums). Any two orders of summing n float32 terms
  // differ by at most 2(n − 1)·u·Σ|terms| (u = 2⁻²⁴, each order within (n − 1)·u·Σ|terms| of the
  // exact sum). The pool's gradient is read back as Adam's first moment over (1 − β₁), two more
  // roundings (≤ 2u·|g|), and the loss is divided by the batch size once per worker (≤ 2u·Σ|ℓ_r|).
  // The test allows twice those bounds, entry by entry: the per-row products themselves may round
  // differently where a kernel blocks a 20-row matrix unlike a 41-row one. A wrong row, noise draw
  // or scale changes gradients by whole percents of Σ|terms|, far outside it.
  it.each([
    { hard: false, kl: 'analytic' as const, shape: SHAPE, latents: '5×4' },
    { hard: true, kl: 'relaxed' as const, shape: SHAPE, latents: '5×4' },
    { hard: false, kl: 'analytic' as const, shape: ODD_SHAPE, latents: '5×3' },
    { hard: true, kl: 'analytic' as const, shape: BITS_SHAPE, latents: '5 bits' },
  ])(
    '2 workers give the one-thread loss and gradient of the batch up to the rounding of the sums over rows (hard $hard, $kl KL, latents $latents)',
    async ({ hard, kl, shape }) => {
      const worstShare = await checkAgainstOneThread(2, 41, {
        shape,
        seed: 3,
        step: 5,
        temperature: 0.8,
        hard,
        kl,
      });
      // The bound is not vacuous: some entries differ (the orders do differ), none beyond it.
      expect(worstShare).toBeGreaterThan(0);
    },
  );

  it('a batch smaller than the workers: the worker without rows adds zeros, the rest is as above', async () => {
    // 2 rows on 3 workers: one row each for the first two, none for the third.
    const options = { shape: SHAPE, seed: 4, step: 2, temperature: 1, hard: false, kl: 'analytic' as const };
    await checkAgainstOneThread(3, 2, options);
  });

  it('3 workers (uneven rows) agree bit for bit, take a larger batch, and round-trip their state', async () => {
    const stepper = await createParallelStepper({ workers: 3, seed: 5, shape: SHAPE });
    expect(stepper).toBeInstanceOf(ParallelTrainingPool); // the stepper is the pool; read its state
    const pool = stepper as ParallelTrainingPool;
    pools.push(pool);
    // Rows of 50: 17, 17 and 16. Every step checks that all workers computed the same loss bit for
    // bit (they add the same slots in the same order), and throws if not.
    for (let step = 0; step < 5; step++) {
      const images = data.trainFixed.slice(step * 50 * 784, (step + 1) * 50 * 784);
      await stepper.step(images, 50, step, 1);
    }
    const large = data.trainFixed.slice(0, 120 * 784);
    const loss = await stepper.step(large, 120, 5, 1);
    expect(Number.isFinite(loss)).toBe(true);
    const state = await pool.readState();
    await pool.writeState(state);
    const again = await pool.readState();
    expect(again.adamStep).toBe(6);
    [...again.parameters, ...again.moments].forEach((values, i) => {
      expect(values).toEqual([...state.parameters, ...state.moments][i]);
    });
  });
});

describe('VaeTrainer with workers', () => {
  const config: TrainConfig = { ...SMALL, binarization: 'dynamic' };
  interface WholeRun {
    losses: number[];
    parameters: Float32Array[];
    tensorsBefore: number;
    tensorsAfter: number;
    pool: ParallelTrainingPool;
  }
  let wholeRun: Promise<WholeRun> | undefined;
  /** 24 steps with workers = 2, uninterrupted; shared by the tests below. */
  function parallelWholeRun(): Promise<WholeRun> {
    wholeRun ??= (async () => {
      const started = vi.spyOn(ParallelTrainingPool, 'start');
      const tensorsBefore = tf.memory().numTensors;
      const trainer = VaeTrainer.start({ ...config, workers: 2 }, freshFolder(), data);
      await trainer.run();
      const losses = trainer.folder.readMetrics().map((m) => m.loss);
      const parameters = await parametersOf(trainer);
      trainer.dispose();
      const pool = await (started.mock.results[0].value as Promise<ParallelTrainingPool>);
      return { losses, parameters, tensorsBefore, tensorsAfter: tf.memory().numTensors, pool };
    })();
    return wholeRun;
  }

  it('trains like one worker, up to float rounding (24 steps, losses and parameters)', async () => {
    const single = VaeTrainer.start(config, freshFolder(), data);
    await single.run();
    const singleLosses = single.folder.readMetrics().map((m) => m.loss);
    const singleParameters = await parametersOf(single);
    single.dispose();
    const parallel = await parallelWholeRun();
    // Each step's gradient differs from one thread's by the rounding of its sums over rows (see
    // above, ~1e-7 of the largest entry); Adam's update is bounded by the learning rate (1e-3) and changes smoothly with the
    // gradient, so over 24 steps the differences stay at rounding level (measured: losses ≤ 1.2e-7
    // relative, parameters ≤ 4.2e-7 absolute against weights up to 0.36). The bounds are 10–40×
    // that and 200× below one Adam step (1e-3), so a wrong column, noise draw or gradient scale,
    // which moves parameters by whole steps, fails them.
    expect(parallel.losses).toHaveLength(24);
    parallel.losses.forEach((loss, i) => {
      expect(Math.abs(loss - singleLosses[i]) / singleLosses[i]).toBeLessThan(5e-6);
    });
    parallel.parameters.forEach((values, i) => {
      let difference = 0;
      for (let j = 0; j < values.length; j++) {
        difference = Math.max(difference, Math.abs(values[j] - singleParameters[i][j]));
      }
      expect(difference).toBeLessThan(5e-6);
    });
  });

  it('resumed with workers = 2 ends exactly like an uninterrupted run; with workers = 1 (allowed) closely', async () => {
    const folder = freshFolder();
    const first = VaeTrainer.start({ ...config, workers: 2 }, folder, data);
    const { stopped } = await first.run({ shouldStop: () => first.state.step >= 13 });
    expect(stopped).toBe(true);
    expect(first.state.step).toBe(13);
    first.dispose(); // the process "dies" here; only the folder remains
    const copy = freshFolder();
    cpSync(folder, copy, { recursive: true });
    const parallel = await parallelWholeRun();

    const resumed = VaeTrainer.resume(folder, { data });
    expect(resumed.state.config.workers).toBe(2);
    await resumed.run();
    // Same workers, same parts, same state at step 13: the same float operations in the same order.
    expect(await parametersOf(resumed)).toEqual(parallel.parameters);
    const steps = resumed.folder.readMetrics().map((m) => m.step);
    expect(steps).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    resumed.dispose();

    const inOneThread = VaeTrainer.resume(copy, { data, overrides: { workers: 1 } });
    expect(inOneThread.state.step).toBe(13);
    await inOneThread.run();
    // The last 11 steps ran in one thread: differences of float rounding only, as in the test
    // above (measured ≤ 2.7e-7 of each tensor's largest weight; bound ~20× that).
    (await parametersOf(inOneThread)).forEach((values, i) => {
      expect(relativeMaxDifference(values, parallel.parameters[i])).toBeLessThan(5e-6);
    });
    inOneThread.dispose();
  });

  it('leaks no tensors in the main thread and terminates its workers, also when run throws', async () => {
    const parallel = await parallelWholeRun();
    expect(parallel.tensorsAfter).toBe(parallel.tensorsBefore);
    expect(parallel.pool.liveWorkers).toBe(0);
    await expect(parallel.pool.step(new Float32Array(784), 1, 0, 1)).rejects.toThrow(/disposed/);

    const started = vi.spyOn(ParallelTrainingPool, 'start');
    const before = tf.memory().numTensors;
    const failing = VaeTrainer.start({ ...SMALL, workers: 2, steps: 6 }, freshFolder(), data);
    const onStep = () => {
      throw new Error('a hook failed');
    };
    await expect(failing.run({ onStep })).rejects.toThrow('a hook failed');
    failing.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const pool = await (started.mock.results[0].value as Promise<ParallelTrainingPool>);
    expect(pool.liveWorkers).toBe(0);
  });
});

describe('workers: overlapping calls and a worker that dies', () => {
  it('refuses a second call while a step runs, then steps on', async () => {
    const pool = await startPool({ workers: 2, seed: 3, shape: SHAPE });
    const images = new Float32Array(4 * 784).fill(0.5);
    const first = pool.step(images, 4, 0, 1);
    await expect(pool.step(images, 4, 1, 1)).rejects.toThrow(/one call at a time/);
    await expect(pool.readState()).rejects.toThrow(/one call at a time/);
    expect(Number.isFinite(await first)).toBe(true);
    expect((await pool.readState()).adamStep).toBe(1);
    expect(Number.isFinite(await pool.step(images, 4, 1, 1))).toBe(true);
  });

  it('fails the next step with its exit, releases the other worker from its wait, and disposes cleanly', async () => {
    const pool = await startPool({ workers: 2, seed: 3, shape: SHAPE });
    const images = new Float32Array(4 * 784).fill(0.5);
    expect(Number.isFinite(await pool.step(images, 4, 0, 1))).toBe(true);
    // Between steps both workers wait in their step loop for the next command; end one of them.
    const threads = (pool as unknown as { group: { threads: { terminate(): Promise<number> }[] } }).group
      .threads;
    await threads[1].terminate();
    await expect(pool.step(images, 4, 1, 1)).rejects.toThrow(/worker 1 exited/);
    await expect(pool.readState()).rejects.toThrow(/worker 1 exited/);
    await pool.dispose();
    expect(pool.liveWorkers).toBe(0);
  });
});

describe('workers: bad input', () => {
  function argumentErrorOf(work: () => unknown): ArgumentError {
    try {
      work();
    } catch (error) {
      expect(error).toBeInstanceOf(ArgumentError);
      return error as ArgumentError;
    }
    throw new Error('no error thrown');
  }

  it('workers outside [1, 16], or not an integer, name workers and the range', async () => {
    for (const workers of [0, 17, 1.5, Number.NaN]) {
      const error = argumentErrorOf(() => checkTrainConfig({ ...SMALL, workers }));
      expect(error.argument).toBe('workers');
      expect(error.message).toMatch(/must be an integer in \[1, 16\]/);
    }
    await expect(ParallelTrainingPool.start({ workers: 0, seed: 1 })).rejects.toThrow(
      /workers must be an integer in \[1, 16\], got 0/,
    );
  });

  it('workers > 1 with another estimator is refused, naming the ones that work', () => {
    for (const estimator of ['gumbel-rao', 'rebar', 'score-function', 'straight-through'] as const) {
      const error = argumentErrorOf(() =>
        VaeTrainer.start({ ...SMALL, workers: 2, estimator }, freshFolder(), data),
      );
      expect(error.argument).toBe('workers');
      expect(error.message).toMatch(
        /must be 1 with --estimator .*supports --estimator gumbel-softmax or straight-through-gumbel only/,
      );
    }
  });

  it('more workers than a batch has images is refused, naming workers and the limit; a narrow model is fine', () => {
    const error = argumentErrorOf(() => checkTrainConfig({ ...SMALL, batchSize: 4, workers: 5 }));
    expect(error.argument).toBe('workers');
    expect(error.message).toMatch(/must be at most 4, the images of a batch \(--batch\).*got 5/);
    // Each worker holds the whole model, so layers narrower than the worker count are no limit.
    expect(() => checkTrainConfig({ ...SMALL, hiddenUnits: [4], workers: 5 })).not.toThrow();
  });

  it('splits a batch into contiguous rows whose noise starts on whole Philox blocks', () => {
    // [rows, workers, noise draws a row, each worker's rows]. 15 draws a row: only every 4th row
    // starts a block, so the rows go in fours; 6 draws: in twos, and the third of 3 rows gets none.
    const cases: [number, number, number, number[]][] = [
      [41, 2, 200, [21, 20]],
      [41, 3, 15, [16, 16, 9]],
      [5, 3, 6, [2, 2, 1]],
      [3, 3, 6, [2, 1, 0]],
    ];
    for (const [rows, workers, draws, counts] of cases) {
      const starts = counts.map((_, i) => counts.slice(0, i).reduce((a, b) => a + b, 0));
      expect(splitRows(rows, workers, draws)).toEqual(
        counts.map((count, i) => ({ start: starts[i], count })),
      );
    }
  });

  it('gumbel train --workers checks its range and the estimator', async () => {
    const train = (...args: string[]) => {
      const program = new Command('gumbel').exitOverride().configureOutput({ writeErr: () => {} });
      addTrainCommand(program);
      return program.parseAsync(['train', ...args], { from: 'user' });
    };
    await expect(train('--workers', '0')).rejects.toThrow(
      /option '--workers <n>' argument '0' is invalid\. must be an integer in \[1, 16\]/,
    );
    await expect(
      train('--workers', '2', '--estimator', 'rebar', '--out', join(freshFolder(), 'run')),
    ).rejects.toThrow(/workers must be 1 with --estimator rebar/);
  });
});
