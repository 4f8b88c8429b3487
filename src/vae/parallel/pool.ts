import { activeBackend, isBackendInitialized } from '../../backend.js';
import { fusedKernelsActive } from '../../kernels/register.js';
import { ArgumentError, checkPositiveNumber } from '../../validate.js';
import { checkWorkers, checkWorkersFitShape, DEFAULT_TRAIN_CONFIG } from '../config.js';
import { checkVaeShape, DEFAULT_VAE_SHAPE, type VaeShape } from '../model.js';
import type { KlKind } from '../objective.js';
import { CONTROL_WORDS } from './barrier.js';
import {
  joinColumns,
  parameterMatrices,
  type Range,
  splitEvenly,
  takeColumns,
  widestLayer,
} from './partition.js';
import type { TrainingState, WorkerSetup } from './protocol.js';
import { WorkerGroup } from './workerGroup.js';

/** What a {@link ParallelTrainingPool} trains: the model, its seed and the objective. */
export interface ParallelTrainingOptions {
  /** Worker threads, an integer in [1, 16] (and at most the narrowest layer's units). */
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

/** Rows of a batch the collectives' first slots hold; a larger batch gets larger slots. */
const INITIAL_ROWS = 100;

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
  checkWorkersFitShape(resolved.workers, resolved.shape);
  checkPositiveNumber(resolved.learningRate, 'learningRate');
  checkPositiveNumber(resolved.priorTemperature, 'priorTemperature');
  if (resolved.kl !== 'analytic' && resolved.kl !== 'relaxed') {
    throw new ArgumentError('kl', `must be 'analytic' or 'relaxed', got ${resolved.kl}`);
  }
  return resolved;
}

/**
 * Tensor-parallel training of a categorical VAE on worker threads (Node only). Each worker holds a
 * contiguous share of every layer's units (kernel and bias columns) and Adam's moments for them;
 * every worker runs the ELBO of the whole batch, and each layer joins the workers' parts through
 * shared memory: an all-gather of its outputs in the forward pass, an all-reduce (summed in worker
 * order) of its input gradient in the backward pass. So all workers see the same activations bit
 * for bit, each updates only its own parameters, and nothing else is exchanged; the weight-sized
 * work (matMuls, their weight packing, transposes, Adam) is split, not repeated. Results match one
 * thread up to float rounding (the input gradients are summed in parts). The calling thread only
 * waits.
 *
 * Dispose it (or the threads keep the process alive).
 */
export class ParallelTrainingPool {
  /** Worker threads. */
  readonly workers: number;
  /** The model's shape. */
  readonly shape: VaeShape;
  private readonly group: WorkerGroup;
  private slotLength: number;

  private constructor(options: Required<ParallelTrainingOptions>) {
    this.workers = options.workers;
    this.shape = options.shape;
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
    this.slotLength = INITIAL_ROWS * widestLayer(this.shape);
    const slots = this.newSlots(this.slotLength);
    const backend = isBackendInitialized() ? activeBackend() : '';
    const fusedKernels = isBackendInitialized() ? fusedKernelsActive() : true;
    const { slotLength } = this;
    const setups = Array.from(
      { length: this.workers },
      (_, index): WorkerSetup => ({ ...options, index, backend, fusedKernels, control, slots, slotLength }),
    );
    this.group = new WorkerGroup(setups, new Int32Array(control));
  }

  /**
   * Starts `options.workers` threads, each on the main thread's TF.js backend with its fused-kernel
   * setting, and waits until every worker has built its part of the model (initial weights from
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
    const needed = batchSize * widestLayer(this.shape);
    const slots =
      needed > this.slotLength ? { buffer: this.newSlots(needed), slotLength: needed } : undefined;
    const replies = await this.group.request(() => {
      const copy = images.slice();
      return [{ kind: 'step', images: copy, rows: batchSize, step, temperature, slots }, [copy.buffer]];
    });
    if (slots) this.slotLength = slots.slotLength;
    const losses = replies.map((reply) => (reply.kind === 'stepped' ? reply.loss : Number.NaN));
    if (losses.some((loss) => !Object.is(loss, losses[0]))) {
      // Every worker computes the same loss from the same activations; anything else is a bug.
      throw new Error(`the training workers disagree on the loss: ${losses.join(', ')}`);
    }
    return losses[0];
  }

  /** The whole model's parameters and Adam state, joined from the workers' columns. */
  async readState(): Promise<TrainingState> {
    const replies = await this.group.request(() => [{ kind: 'readState' }]);
    const parts = replies.map((reply) => {
      if (reply.kind !== 'state') throw new Error('a training worker sent no state');
      return reply.state;
    });
    const matrices = parameterMatrices(this.shape);
    const join = (pick: (state: TrainingState) => Float32Array[]) =>
      matrices.map(({ rows, units }, i) =>
        joinColumns(
          parts.map((part) => pick(part)[i]),
          rows,
          this.columnsOf(units),
        ),
      );
    const count = matrices.length;
    return {
      parameters: join((state) => state.parameters),
      moments: [
        ...join((state) => state.moments.slice(0, count)),
        ...join((state) => state.moments.slice(count)),
      ],
      adamStep: parts[0].adamStep,
    };
  }

  /** Sets the whole model's parameters and Adam state (e.g. from a checkpoint), each worker its columns. */
  async writeState(state: TrainingState): Promise<void> {
    const matrices = parameterMatrices(this.shape);
    const count = matrices.length;
    // The parameters, then the first and the second moments, each in parameter order.
    const sizes = [...matrices, ...matrices, ...matrices].map(({ rows, units }) => rows * units);
    const arrays = [...state.parameters, ...state.moments];
    if (arrays.length !== sizes.length || arrays.some((array, i) => array.length !== sizes[i])) {
      throw new ArgumentError(
        'state',
        `must hold ${count} parameters and ${2 * count} moments of the model's sizes [${sizes.slice(0, count)}]`,
      );
    }
    await this.group.request((index) => {
      const take = (values: Float32Array, i: number) => {
        const { rows, units } = matrices[i % count];
        return takeColumns(values, rows, units, this.columnsOf(units)[index]);
      };
      const part: TrainingState = {
        parameters: state.parameters.map((values, i) => take(values, i)),
        moments: state.moments.map((values, i) => take(values, i)),
        adamStep: state.adamStep,
      };
      return [{ kind: 'writeState', state: part }];
    });
  }

  /** Terminates the threads (idempotent); the pool cannot be used afterwards. */
  dispose(): Promise<void> {
    return this.group.dispose();
  }

  private columnsOf(units: number): Range[] {
    return splitEvenly(units, this.workers);
  }

  private newSlots(slotLength: number): SharedArrayBuffer {
    return new SharedArrayBuffer(2 * this.workers * slotLength * 4);
  }
}
