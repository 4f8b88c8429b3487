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
import { type KlKind, negativeElbo } from '../../src/vae/objective.js';
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

/** The gradients of −ELBO on the whole batch in this thread, as VaeTrainer's one-thread step takes them. */
function singleThreadGradients(
  images: Float32Array,
  rows: number,
  options: { seed: number; step: number; temperature: number; hard: boolean; kl: KlKind },
): { loss: number; gradients: Float32Array[] } {
  const model = new CategoricalVae(SHAPE, new RandomGenerator(options.seed).foldIn(0));
  const parameters = model.parameters();
  const batch = tf.tensor2d(images, [rows, 784]);
  const { value, grads } = tf.variableGrads(
    () =>
      negativeElbo(model, batch, {
        temperature: options.temperature,
        hard: options.hard,
        kl: options.kl,
        priorTemperature: 0.5,
        seed: new RandomGenerator(options.seed).foldIn(1).foldIn(options.step),
        estimator: createEstimator({ name: options.hard ? 'straight-through-gumbel' : 'gumbel-softmax' }),
      }),
    parameters,
  );
  const result = {
    loss: value.dataSync()[0],
    gradients: parameters.map((parameter) => grads[parameter.name].dataSync() as Float32Array),
  };
  tf.dispose([value, batch, ...Object.values(grads)]);
  model.dispose();
  return result;
}

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

describe('tensor-parallel gradients', () => {
  // One step from zero moments leaves Adam's first moment at (1 − β1)·g, so the pool's gradient g is
  // m/0.1 (to ~1e-7 relative). The workers compute each layer's units and parameter gradients as
  // one thread does; only the input gradients are summed in parts (one per worker), so the result
  // agrees to float32 rounding: measured ≤ 4.4e-7 of each tensor's largest entry. The bound is 1e-5
  // of it (~20×), while a wrong column, noise draw or scale changes gradients by whole percents.
  it.each([
    { hard: false, kl: 'analytic' as const },
    { hard: true, kl: 'relaxed' as const },
  ])('2 workers give the one-thread gradient of the batch (hard $hard, $kl KL)', async ({ hard, kl }) => {
    const rows = 41;
    const images = data.trainFixed.slice(0, rows * 784);
    const options = { seed: 3, step: 5, temperature: 0.8, hard, kl };
    const pool = await startPool({ workers: 2, seed: 3, shape: SHAPE, hard, kl, priorTemperature: 0.5 });
    const loss = await pool.step(images, rows, options.step, options.temperature);
    const { moments } = await pool.readState();
    const expected = singleThreadGradients(images, rows, options);
    // The forward pass is the one thread's, operation for operation.
    expect(loss).toBe(expected.loss);
    expected.gradients.forEach((gradient, i) => {
      const summed = moments[i].map((m) => m / (1 - 0.9));
      expect(relativeMaxDifference(summed, gradient)).toBeLessThan(1e-5);
    });
  });

  it('3 workers (uneven columns) agree bit for bit, grow their slots for a large batch, and round-trip their state', async () => {
    const stepper = await createParallelStepper({ workers: 3, seed: 5, shape: SHAPE });
    expect(stepper).toBeInstanceOf(ParallelTrainingPool); // the stepper is the pool; read its state
    const pool = stepper as ParallelTrainingPool;
    pools.push(pool);
    // Columns of 20 latent units: 7, 7 and 6. Every step checks that all workers computed the
    // same loss bit for bit (they see the same activations), and throws if not.
    for (let step = 0; step < 5; step++) {
      const images = data.trainFixed.slice(step * 50 * 784, (step + 1) * 50 * 784);
      await stepper.step(images, 50, step, 1);
    }
    // 120 rows outgrow the first slots (sized for 100): the pool sends larger ones with the step.
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
    // Each step's gradient differs from one thread's by float32 rounding (~1e-7 relative, see
    // above); Adam's update is bounded by the learning rate (1e-3) and changes smoothly with the
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

  it('more workers than the narrowest layer has units is refused, naming workers and the limit', () => {
    const error = argumentErrorOf(() => checkTrainConfig({ ...SMALL, hiddenUnits: [4], workers: 5 }));
    expect(error.argument).toBe('workers');
    expect(error.message).toMatch(/must be at most 4, the units of the model's narrowest layer, got 5/);
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
