import { activeBackend, isBackendInitialized } from '../../backend.js';
import { fusedKernelsActive } from '../../kernels/register.js';
import { ArgumentError, checkPositiveNumber } from '../../validate.js';
import { checkWorkers, DEFAULT_TRAIN_CONFIG } from '../config.js';
import { checkVaeShape, DEFAULT_VAE_SHAPE, type VaeShape } from '../model.js';
import type { KlKind } from '../objective.js';
import { CONTROL_WORDS } from './barrier.js';
import { parameterOwners, parameterSizes } from './partition.js';
import type { TrainingState, WorkerSetup } from './protocol.js';
import { StepBlock } from './stepChannel.js';
import { StepDriver } from './stepDriver.js';
import { WorkerGroup } from './workerGroup.js';

/** What a {@link ParallelTrainingPool} trains: the model, its seed and the objective. */
export interface ParallelTrainingOptions {
  /** Worker threads, an integer in [1, 16]. */
  workers: number;
  /**
   * The run's seed, as in `VaeTrainer`: the initial weights come from `RandomGenerator(seed).foldIn(0)`,
   * step s's Gumbel noise from `.foldIn(1).foldIn(s)`.
   */
  seed: number;
  /** The model (default 784–512–256–20×10). */
  shape?: VaeShape;
  /** Adam's learning rate (default 1e-3). */
  learningRate?: number;
  /** Straight-through Gumbel instead of the soft sample (default false). */
  hard?: boolean;
  /** The KL term (default 'analytic'). */
  kl?: KlKind;
  /** Prior temperature λ of the relaxed KL (default 0.5). */
  priorTemperature?: number;
}

function checkOptions(options: ParallelTrainingOptions): Required<ParallelTrainingOptions> {
  checkWorkers(options.workers);
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
    throw new ArgumentError('seed', `must be an integer in [0, 2^53 - 1], got ${options.seed}`);
  }
  const d = DEFAULT_TRAIN_CONFIG;
  const resolved = {
    workers: options.workers,
    seed: options.seed,
    shape: options.shape ?? DEFAULT_VAE_SHAPE,
    learningRate: options.learningRate ?? d.learningRate,
    hard: options.hard ?? false,
    kl: options.kl ?? 'analytic',
    priorTemperature: options.priorTemperature ?? d.priorTemperature,
  };
  checkVaeShape(resolved.shape);
  checkPositiveNumber(resolved.learningRate, 'learningRate');
  checkPositiveNumber(resolved.priorTemperature, 'priorTemperature');
  if (resolved.kl !== 'analytic' && resolved.kl !== 'relaxed') {
    throw new ArgumentError('kl', `must be 'analytic' or 'relaxed', got ${resolved.kl}`);
  }
  return resolved;
}

/**
 * Data-parallel training of a VAE on worker threads (Node only). Every worker holds the whole model;
 * a step gives each worker a contiguous share of the batch's rows, and each computes the gradient of
 * its rows' share of the batch's −ELBO (with the one-thread batch's noise for those rows). Through
 * shared memory (barrier 1) each worker then gathers the gradient parts of its contiguous share of
 * the parameters, adds them in worker order, applies Adam to them (it holds their moments) and
 * hands them to the others (barrier 2), so every copy of the model holds the same bits. Only the sums over
 * the batch's rows (the kernel and bias gradients, the loss) are added in another order than in one
 * thread, so results match one thread up to float rounding. The calling thread only waits.
 *
 * Dispose it (or the threads keep the process alive).
 */
export class ParallelTrainingPool {
  /** Worker threads. */
  readonly workers: number;
  /** The model's shape. */
  readonly shape: VaeShape;
  private readonly group: WorkerGroup;
  private readonly driver: StepDriver;

  private constructor(options: Required<ParallelTrainingOptions>) {
    this.workers = options.workers;
    this.shape = options.shape;
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
    // Each slot holds every parameter's gradient and the loss; two sets of one slot per worker.
    const slotLength = parameterSizes(this.shape).reduce((sum, size) => sum + size, 0) + 1;
    const slots = new SharedArrayBuffer(2 * this.workers * slotLength * 4);
    const sharedParameters = new SharedArrayBuffer((slotLength - 1) * 4);
    const backend = isBackendInitialized() ? activeBackend() : '';
    const fusedKernels = isBackendInitialized() ? fusedKernelsActive() : true;
    const controlWords = new Int32Array(control);
    const stepBlock = StepBlock.create(this.workers);
    const setups = Array.from(
      { length: this.workers },
      (_, index): WorkerSetup => ({
        ...options,
        index,
        backend,
        fusedKernels,
        control,
        slots,
        sharedParameters,
        stepBlock: stepBlock.buffer,
      }),
    );
    this.group = new WorkerGroup(setups, controlWords);
    this.driver = new StepDriver(this.group, controlWords, stepBlock, this.shape.inputSize);
  }

  /**
   * Starts `options.workers` threads, each on the main thread's TF.js backend with its fused-kernel
   * setting, and waits until every worker has built its copy of the model (initial weights from
   * the seed, Adam's state zero).
   *
   * @throws `ArgumentError` (from the main entry point) for a bad option, naming it and its range.
   */
  static async start(options: ParallelTrainingOptions): Promise<ParallelTrainingPool> {
    const pool = new ParallelTrainingPool(checkOptions(options));
    try {
      await pool.group.ready();
    } catch (error) {
      await pool.dispose();
      throw error;
    }
    return pool;
  }

  /** Threads that have not exited yet. */
  get liveWorkers(): number {
    return this.group.live;
  }

  /**
   * One training step on a batch of `batchSize` images ([batchSize × inputSize], row-major), with
   * the Gumbel noise of step `step` and temperature τ. Returns the batch's −ELBO (mean over the
   * images), which every worker computes alike.
   */
  async step(images: Float32Array, batchSize: number, step: number, temperature: number): Promise<number> {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new ArgumentError('batchSize', `must be an integer >= 1, got ${batchSize}`);
    }
    const { inputSize } = this.shape;
    if (!(images instanceof Float32Array) || images.length !== batchSize * inputSize) {
      throw new ArgumentError(
        'images',
        `must be a Float32Array of batchSize × ${inputSize} = ${batchSize * inputSize} values, got ${images.length}`,
      );
    }
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new ArgumentError('step', `must be an integer >= 0, got ${step}`);
    }
    checkPositiveNumber(temperature, 'temperature');
    const losses = await this.driver.step(images, batchSize, step, temperature);
    if (losses.some((loss) => !Object.is(loss, losses[0]))) {
      // Every worker adds the same loss parts in the same order; anything else is a bug.
      throw new Error(`the training workers disagree on the loss: ${losses.join(', ')}`);
    }
    return losses[0];
  }

  /** The whole model's parameters and Adam state, gathered from the workers. */
  async readState(): Promise<TrainingState> {
    await this.driver.leave();
    const replies = await this.group.request(() => [{ kind: 'readState' }]);
    const states = replies.map((reply) => {
      if (reply.kind !== 'state') throw new Error('a training worker sent no state');
      return reply.state;
    });
    // Every worker holds the parameters; each parameter's moments come from the worker updating it.
    const owners = parameterOwners(parameterSizes(this.shape), this.workers);
    const count = owners.length;
    return {
      parameters: states[0].parameters,
      moments: states[0].moments.map((_, i) => states[owners[i % count]].moments[i]),
      adamStep: states[0].adamStep,
    };
  }

  /** Sets the whole model's parameters and Adam state on every worker (e.g. from a checkpoint). */
  async writeState(state: TrainingState): Promise<void> {
    const sizes = parameterSizes(this.shape);
    const count = sizes.length;
    // The parameters, then the first and the second moments, each in parameter order.
    const expected = [...sizes, ...sizes, ...sizes];
    const arrays = [...state.parameters, ...state.moments];
    if (arrays.length !== expected.length || arrays.some((array, i) => array.length !== expected[i])) {
      throw new ArgumentError(
        'state',
        `must hold ${count} parameters and ${2 * count} moments of the model's sizes [${sizes}]`,
      );
    }
    await this.driver.leave();
    await this.group.request(() => [{ kind: 'writeState', state }]);
  }

  /** Terminates the threads (idempotent); the pool cannot be used afterwards. */
  dispose(): Promise<void> {
    return this.group.dispose();
  }
}
