import { batchesPerEpoch, batchIndices, imageBatchTensor, positionOfStep } from '../data/batches.js';
import { dynamicBinarize, staticBinarizeSplits } from '../data/binarize.js';
import { sliceExamples } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import { type ConfiguredEstimator, createEstimator } from '../estimators/registry.js';
import type { RelaxControlVariateState } from '../estimators/relaxControlVariate.js';
import { Adam } from '../nn/adam.js';
import { RandomGenerator } from '../random/generator.js';
import type { CheckpointContents, NamedArray } from '../runs/checkpointFormat.js';
import { RunFolder, type StepMetrics } from '../runs/runFolder.js';
import { temperatureAt } from '../schedules/temperature.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import { checkTrainConfig, estimatorSpecOf, type TrainConfig, vaeShapeOf } from './config.js';
import { discreteNegativeElbo } from './evaluate.js';
import { CategoricalVae } from './model.js';
import { negativeElbo } from './objective.js';
import { ParallelTrainingPool } from './parallel/pool.js';
import type { TrainingState } from './parallel/protocol.js';

/** What a checkpoint records besides the arrays. */
export interface TrainerState {
  config: TrainConfig;
  step: number;
  bestValidation: number | null;
  bestStep: number;
  trainingSeconds: number;
  /** The score function's moving-average baseline after `step` steps, where the run uses one. */
  baselineValue?: number;
  /**
   * The tuned control variate of 'rebar-tuned' and 'relax' after `step` steps (η, τ, the network and
   * their Adam state), where the run uses one and has made it.
   */
  controlVariate?: RelaxControlVariateState;
}

/** The binarized images of a run. */
export interface RunData {
  /** Training images of an epoch (fixed for static binarization, redrawn for dynamic). */
  trainImages: (epoch: number) => Float32Array;
  trainCount: number;
  /** Fixed (statically binarized) splits used for validation, evaluation and pictures. */
  trainFixed: Float32Array;
  validation: Float32Array;
  test: Float32Array;
}

/** Loads, cuts and binarizes the run's data set. */
export function prepareRunData(config: TrainConfig): RunData {
  const grey = loadDataset(config.dataset);
  const train =
    config.trainLimit > 0
      ? sliceExamples(grey.train, 0, Math.min(config.trainLimit, grey.train.count))
      : grey.train;
  const binary = staticBinarizeSplits({ ...grey, train }, config.seed);
  const trainImages =
    config.binarization === 'static'
      ? () => binary.train.images
      : (epoch: number) => dynamicBinarize(train.images, config.seed, epoch);
  return {
    trainImages,
    trainCount: train.count,
    trainFixed: binary.train.images,
    validation: binary.validation.images,
    test: binary.test.images,
  };
}

/** The settings a resumed run may change. */
export const RESUMABLE_SETTINGS = [
  'steps',
  'checkpointEvery',
  'iwSamples',
  'evalTrainLimit',
  'workers',
] as const;
export type ResumableSetting = (typeof RESUMABLE_SETTINGS)[number];

/** Seed of the fixed noise used for every validation, so validations of one run compare. */
const VALIDATION_SEED = 7;

/**
 * Trains a VAE (categorical or Bernoulli latents) step by step with checkpoints. Each step's batch,
 * temperature and noise are pure functions of (seed, step), and the checkpoint holds the parameters,
 * Adam's full state and the estimator's own state (a moving-average baseline, a tuned control
 * variate), so a run resumed from a checkpoint ends with exactly the parameters of an uninterrupted run.
 *
 * With `config.workers` > 1, `run` trains on a {@link ParallelTrainingPool} of worker threads
 * instead (started by `run`, given the trainer's state, and terminated when `run` returns or
 * throws); the trainer's own model and Adam take the workers' state before each validation and
 * checkpoint and at the end.
 */
export class VaeTrainer {
  readonly model: CategoricalVae;
  private readonly adam: Adam;
  private readonly noiseRoot: RandomGenerator;
  private readonly estimator: ConfiguredEstimator;
  private epochImages: { epoch: number; images: Float32Array } | undefined;
  private pendingMetrics: StepMetrics[] = [];
  private pool: ParallelTrainingPool | undefined;

  private constructor(
    readonly folder: RunFolder,
    readonly data: RunData,
    readonly state: TrainerState,
  ) {
    const { config } = state;
    this.model = new CategoricalVae(vaeShapeOf(config), new RandomGenerator(config.seed).foldIn(0));
    this.adam = new Adam(this.model.parameters(), { learningRate: config.learningRate });
    this.noiseRoot = new RandomGenerator(config.seed).foldIn(1);
    this.estimator = createEstimator(estimatorSpecOf(config), state.baselineValue, state.controlVariate);
  }

  /**
   * Starts a new run in `folder`, holding the folder's lock until {@link VaeTrainer.dispose};
   * refuses a folder that already holds a run or that another process is writing.
   */
  static start(config: TrainConfig, folder: string, data?: RunData): VaeTrainer {
    checkTrainConfig(config);
    return VaeTrainer.withLockedFolder(folder, (runFolder) => {
      if (runFolder.hasCheckpoint()) {
        throw new ArgumentError(
          'out',
          `${folder} already holds a run; resume it with --resume ${folder} or choose another folder`,
        );
      }
      const state: TrainerState = { config, step: 0, bestValidation: null, bestStep: 0, trainingSeconds: 0 };
      return new VaeTrainer(runFolder, data ?? prepareRunData(config), state);
    });
  }

  /**
   * Continues the run in `folder` from its last checkpoint, holding the folder's lock until
   * {@link VaeTrainer.dispose}. `overrides` may change what does not alter the training trajectory:
   * the total steps, the checkpoint interval, the final evaluation, and the number of workers
   * (which changes results only by float rounding).
   */
  static resume(
    folder: string,
    options: { overrides?: Partial<Pick<TrainConfig, ResumableSetting>>; data?: RunData } = {},
  ): VaeTrainer {
    return VaeTrainer.withLockedFolder(folder, (runFolder) => {
      const checkpoint = runFolder.readCheckpoint<TrainerState>('checkpoint');
      const state = { ...checkpoint.state, config: { ...checkpoint.state.config, ...options.overrides } };
      checkTrainConfig(state.config);
      const trainer = new VaeTrainer(runFolder, options.data ?? prepareRunData(state.config), state);
      try {
        trainer.restore(checkpoint);
      } catch (error) {
        trainer.dispose(); // frees the model and Adam; the lock is given back (again) by withLockedFolder
        throw error;
      }
      runFolder.readMetrics(state.step + 1); // drop lines logged after the checkpoint
      return trainer;
    });
  }

  /** Locks `folder` and builds a trainer on it; the lock is given back if building fails. */
  private static withLockedFolder(folder: string, build: (runFolder: RunFolder) => VaeTrainer): VaeTrainer {
    const runFolder = RunFolder.openForWriting(folder);
    try {
      return build(runFolder);
    } catch (error) {
      runFolder.release();
      throw error;
    }
  }

  /** The run's gradient estimator and its parameters, e.g. 'gumbel-rao k=10'. */
  get estimatorLabel(): string {
    return this.estimator.label;
  }

  /**
   * A copy of the run's estimator in its current state (the same spec, baseline value and tuned
   * control variate), for measurements that must not move the run's own.
   */
  estimatorSnapshot(): ConfiguredEstimator {
    return createEstimator(
      this.estimator.spec,
      this.estimator.baseline?.value,
      this.estimator.controlVariate?.state(),
    );
  }

  /** τ at the current step. */
  get temperature(): number {
    return temperatureAt(this.state.config.schedule, this.state.step);
  }

  /**
   * Trains until `config.steps` (or until `shouldStop` says so after a step), validating and
   * checkpointing every `checkpointEvery` steps and at the end. Yields to the event loop after each
   * step (so Ctrl-C handlers and progress bars run). Returns whether it was stopped early; a stop
   * writes a checkpoint first.
   */
  async run(
    hooks: { onStep?: (metrics: StepMetrics) => void; shouldStop?: () => boolean } = {},
  ): Promise<{ stopped: boolean }> {
    const { config } = this.state;
    if (this.state.step >= config.steps) return { stopped: false };
    const pool = (config.workers ?? 1) > 1 ? await this.startPool() : undefined;
    try {
      return await this.loop(hooks, pool);
    } finally {
      if (pool) {
        this.pool = undefined;
        await pool.dispose();
      }
    }
  }

  private async loop(
    hooks: { onStep?: (metrics: StepMetrics) => void; shouldStop?: () => boolean },
    pool: ParallelTrainingPool | undefined,
  ): Promise<{ stopped: boolean }> {
    const { config } = this.state;
    const perEpoch = batchesPerEpoch(this.data.trainCount, config.batchSize);
    while (this.state.step < config.steps) {
      const started = performance.now();
      const temperature = this.temperature;
      const loss = pool
        ? await this.parallelStep(pool, perEpoch, temperature)
        : this.trainStep(perEpoch, temperature);
      this.state.step += 1;
      this.state.trainingSeconds += (performance.now() - started) / 1000;
      const metrics: StepMetrics = {
        step: this.state.step,
        loss,
        temperature,
        seconds: this.state.trainingSeconds,
      };
      const atCheckpoint = this.state.step % config.checkpointEvery === 0 || this.state.step === config.steps;
      if (atCheckpoint) {
        if (pool) await this.takeState(pool);
        metrics.validation = this.validate();
      }
      this.pendingMetrics.push(metrics);
      hooks.onStep?.(metrics);
      await new Promise((resolve) => setImmediate(resolve));
      if (atCheckpoint) this.checkpoint();
      else if (hooks.shouldStop?.()) {
        if (pool) await this.takeState(pool);
        this.checkpoint();
        return { stopped: true };
      }
    }
    return { stopped: false };
  }

  /** The example indices of the current step's batch and the images of its epoch. */
  private currentBatch(perEpoch: number): { indices: Uint32Array; epochImages: Float32Array } {
    const { config } = this.state;
    const position = positionOfStep(this.state.step, perEpoch);
    const indices = batchIndices(
      this.data.trainCount,
      { batchSize: config.batchSize, seed: config.seed },
      position,
    );
    return { indices, epochImages: this.imagesOfEpoch(position.epoch) };
  }

  private trainStep(perEpoch: number, temperature: number): number {
    const { config } = this.state;
    const { indices, epochImages } = this.currentBatch(perEpoch);
    const images = imageBatchTensor(epochImages, indices, 784);
    const parameters = this.model.parameters();
    const { value, grads } = tf.variableGrads(
      () =>
        negativeElbo(this.model, images, {
          temperature,
          hard: config.hard,
          kl: config.kl,
          priorTemperature: config.priorTemperature,
          seed: this.noiseRoot.foldIn(this.state.step),
          estimator: this.estimator,
        }),
      parameters,
    );
    if (this.estimator.baseline) this.state.baselineValue = this.estimator.baseline.value;
    this.adam.apply(parameters.map((parameter) => grads[parameter.name]));
    const loss = value.dataSync()[0];
    tf.dispose([value, images, ...Object.values(grads)]);
    if (!Number.isFinite(loss)) throw new Error(`training diverged: loss ${loss} at step ${this.state.step}`);
    return loss;
  }

  /** The same step on the worker pool: the batch's rows go to the workers, the loss comes back. */
  private async parallelStep(
    pool: ParallelTrainingPool,
    perEpoch: number,
    temperature: number,
  ): Promise<number> {
    const { indices, epochImages } = this.currentBatch(perEpoch);
    const images = new Float32Array(indices.length * 784);
    for (const [row, index] of indices.entries()) {
      images.set(epochImages.subarray(index * 784, (index + 1) * 784), row * 784);
    }
    const loss = await pool.step(images, indices.length, this.state.step, temperature);
    if (!Number.isFinite(loss)) throw new Error(`training diverged: loss ${loss} at step ${this.state.step}`);
    return loss;
  }

  /** Starts `config.workers` threads and gives them the trainer's parameters and Adam state. */
  private async startPool(): Promise<ParallelTrainingPool> {
    const { config } = this.state;
    const pool = await ParallelTrainingPool.start({
      workers: config.workers,
      seed: config.seed,
      shape: this.model.shape,
      learningRate: config.learningRate,
      hard: this.estimator.spec.name === 'straight-through-gumbel',
      kl: config.kl,
      priorTemperature: config.priorTemperature,
    });
    this.pool = pool;
    try {
      await pool.writeState(this.ownState());
    } catch (error) {
      this.pool = undefined;
      await pool.dispose();
      throw error;
    }
    return pool;
  }

  private ownState(): TrainingState {
    const copy = (tensor: tf.Tensor) => (tensor.dataSync() as Float32Array).slice();
    return {
      parameters: this.model.parameters().map(copy),
      moments: this.adam.moments().map(copy),
      adamStep: this.adam.step,
    };
  }

  /** Copies the workers' parameters and Adam state into the trainer's model and Adam. */
  private async takeState(pool: ParallelTrainingPool): Promise<void> {
    const state = await pool.readState();
    this.model.assignWeights(state.parameters);
    this.adam.moments().forEach((moment, i) => {
      tf.tidy(() => moment.assign(tf.tensor(state.moments[i], moment.shape)));
    });
    this.adam.step = state.adamStep;
  }

  private imagesOfEpoch(epoch: number): Float32Array {
    if (this.epochImages?.epoch !== epoch) this.epochImages = { epoch, images: this.data.trainImages(epoch) };
    return this.epochImages.images;
  }

  /** Validation −ELBO (discretized) with fixed noise; keeps the best parameters in best.bin. */
  private validate(): number {
    const value = discreteNegativeElbo(this.model, this.data.validation, { seed: VALIDATION_SEED });
    if (this.state.bestValidation === null || value < this.state.bestValidation) {
      this.state.bestValidation = value;
      this.state.bestStep = this.state.step;
      this.folder.writeCheckpoint('best', {
        state: { step: this.state.step, validation: value },
        arrays: this.namedArrays('parameter', this.model.parameters()),
      });
    }
    return value;
  }

  /** Flushes the metrics, then replaces checkpoint.bin atomically. */
  private checkpoint(): void {
    this.folder.appendMetrics(this.pendingMetrics);
    this.pendingMetrics = [];
    const controlVariate = this.estimator.controlVariate?.state();
    if (controlVariate) this.state.controlVariate = controlVariate;
    this.folder.writeCheckpoint<TrainerState>('checkpoint', {
      state: { ...this.state, config: this.state.config },
      arrays: [
        ...this.namedArrays('parameter', this.model.parameters()),
        ...this.namedArrays('adam', this.adam.moments()),
        { name: 'adam_step', shape: [1], values: new Float32Array([this.adam.step]) },
      ],
    });
  }

  private namedArrays(prefix: string, tensors: tf.Tensor[]): NamedArray[] {
    return tensors.map((tensor, i) => ({
      name: `${prefix}_${i}`,
      shape: tensor.shape,
      values: tensor.dataSync() as Float32Array,
    }));
  }

  private restore(checkpoint: CheckpointContents<TrainerState>): void {
    const byName = new Map(checkpoint.arrays.map((array) => [array.name, array]));
    const take = (name: string, target: tf.Variable) => {
      const array = byName.get(name);
      if (!array || array.values.length !== target.size) {
        throw new Error(
          `${this.folder.file('checkpoint.bin')}: ${name} is missing or does not fit the model`,
        );
      }
      tf.tidy(() => target.assign(tf.tensor(array.values, target.shape)));
    };
    for (const [i, parameter] of this.model.parameters().entries()) take(`parameter_${i}`, parameter);
    for (const [i, moment] of this.adam.moments().entries()) take(`adam_${i}`, moment);
    this.adam.step = byName.get('adam_step')?.values[0] ?? this.state.step;
  }

  /** Loads the best parameters seen by validation into the model. */
  loadBest(): void {
    const best = this.folder.readCheckpoint<{ step: number }>('best');
    this.model.assignWeights(best.arrays.map((array) => array.values));
  }

  /**
   * Frees the model and optimizer state, terminates the worker threads if `run` left any, and
   * gives the run folder's lock back.
   */
  dispose(): void {
    void this.pool?.dispose();
    this.pool = undefined;
    this.model.dispose();
    this.adam.dispose();
    this.folder.release();
  }
}
