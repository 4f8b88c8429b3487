import type { Worker } from 'node:worker_threads';
import { activeBackend, isBackendInitialized } from '../../backend.js';
import { fusedKernelsActive } from '../../kernels/register.js';
import { ArgumentError, checkPositiveNumber } from '../../validate.js';
import { checkWorkers, checkWorkersFitShape, DEFAULT_TRAIN_CONFIG } from '../config.js';
import { checkVaeShape, DEFAULT_VAE_SHAPE, type VaeShape } from '../model.js';
import type { KlKind } from '../objective.js';
import { CONTROL_WORDS, signalFailure } from './barrier.js';
import {
  joinColumns,
  parameterMatrices,
  type Range,
  splitEvenly,
  takeColumns,
  widestLayer,
} from './partition.js';
import type { FromWorker, ReplicaSetup, ReplicaState, ToWorker } from './protocol.js';
import { spawnWorker } from './spawn.js';

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

type Reply = Exclude<FromWorker, { kind: 'error' }>;

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/** An error a worker reported; `peer` when it only stopped because another worker failed. */
class WorkerError extends Error {
  constructor(
    message: string,
    readonly peer: boolean,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
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
  private readonly threads: Worker[];
  private readonly pending: Pending[][];
  private readonly control: Int32Array;
  private slotLength: number;
  private failure: Error | undefined;
  private busy = false;
  private disposed = false;
  private live: number;

  private constructor(options: Required<ParallelTrainingOptions>) {
    this.workers = options.workers;
    this.shape = options.shape;
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
    this.control = new Int32Array(control);
    this.slotLength = INITIAL_ROWS * widestLayer(this.shape);
    const slots = this.newSlots(this.slotLength);
    const backend = isBackendInitialized() ? activeBackend() : '';
    const fusedKernels = isBackendInitialized() ? fusedKernelsActive() : true;
    this.pending = Array.from({ length: this.workers }, () => []);
    this.threads = Array.from({ length: this.workers }, (_, index) => {
      const { slotLength } = this;
      const setup: ReplicaSetup = { ...options, index, backend, fusedKernels, control, slots, slotLength };
      const thread = spawnWorker(setup);
      thread.on('message', (reply: FromWorker) => this.receive(index, reply));
      thread.on('error', (error) =>
        this.fail(new Error(`training worker ${index} failed: ${error.message}`)),
      );
      thread.on('exit', (code) => {
        this.live -= 1;
        if (!this.disposed) this.fail(new Error(`training worker ${index} exited with code ${code}`));
      });
      return thread;
    });
    this.live = this.workers;
  }

  /**
   * Starts `options.workers` threads, each on the main thread's TF.js backend with its fused-kernel
   * setting, and waits until every replica is built (initial weights from the seed, Adam's state
   * zero).
   *
   * @throws {@link ArgumentError} for a bad option, naming it and its range.
   */
  static async start(options: ParallelTrainingOptions): Promise<ParallelTrainingPool> {
    const pool = new ParallelTrainingPool(checkOptions(options));
    try {
      await Promise.all(pool.threads.map((_, index) => pool.expect(index)));
    } catch (error) {
      await pool.dispose();
      throw error;
    }
    return pool;
  }

  /** Threads that have not exited yet. */
  get liveWorkers(): number {
    return this.live;
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
    const replies = await this.exchange(() => {
      const copy = images.slice();
      return [{ kind: 'step', images: copy, rows: batchSize, step, temperature, slots }, [copy.buffer]];
    });
    if (slots) this.slotLength = slots.slotLength;
    const losses = replies.map((reply) => (reply?.kind === 'stepped' ? reply.loss : Number.NaN));
    if (losses.some((loss) => !Object.is(loss, losses[0]))) {
      // Every worker computes the same loss from the same activations; anything else is a bug.
      throw new Error(`the training workers disagree on the loss: ${losses.join(', ')}`);
    }
    return losses[0];
  }

  /** The whole model's parameters and Adam state, joined from the workers' columns. */
  async readState(): Promise<ReplicaState> {
    const replies = await this.exchange(() => [{ kind: 'readState' }]);
    const parts = replies.map((reply) => {
      if (reply?.kind !== 'state') throw new Error('a training worker sent no state');
      return reply.state;
    });
    const matrices = parameterMatrices(this.shape);
    const join = (pick: (state: ReplicaState) => Float32Array[]) =>
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
  async writeState(state: ReplicaState): Promise<void> {
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
    await this.exchange((index) => {
      const take = (values: Float32Array, i: number) => {
        const { rows, units } = matrices[i % count];
        return takeColumns(values, rows, units, this.columnsOf(units)[index]);
      };
      const part: ReplicaState = {
        parameters: state.parameters.map((values, i) => take(values, i)),
        moments: state.moments.map((values, i) => take(values, i)),
        adamStep: state.adamStep,
      };
      return [{ kind: 'writeState', state: part }];
    });
  }

  /** Terminates the threads (idempotent); the pool cannot be used afterwards. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.rejectPending(new Error('the training pool was disposed'));
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }

  /**
   * Sends each worker the message `compose` gives it (none for `undefined`) and waits for all
   * replies. A failure anywhere fails the pool and throws the failing worker's own error.
   */
  private async exchange(
    compose: (index: number) => [ToWorker, ArrayBuffer[]?] | undefined,
  ): Promise<(Reply | undefined)[]> {
    if (this.disposed) throw new Error('the training pool was disposed');
    if (this.failure) throw this.failure;
    if (this.busy) throw new Error('the training pool runs one call at a time; await the previous one');
    this.busy = true;
    try {
      const settled = await Promise.allSettled(
        this.threads.map((thread, index) => {
          const composed = compose(index);
          if (composed === undefined) return Promise.resolve(undefined);
          const [message, transfer] = composed;
          const reply = this.expect(index);
          thread.postMessage(message, transfer ?? []);
          return reply;
        }),
      );
      const errors = settled.flatMap((result) =>
        result.status === 'rejected' ? [result.reason as Error] : [],
      );
      if (errors.length > 0) {
        const cause = errors.find((error) => !(error instanceof WorkerError && error.peer)) ?? errors[0];
        this.fail(cause);
        throw cause;
      }
      return settled.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
    } finally {
      this.busy = false;
    }
  }

  private columnsOf(units: number): Range[] {
    return splitEvenly(units, this.workers);
  }

  private newSlots(slotLength: number): SharedArrayBuffer {
    return new SharedArrayBuffer(2 * this.workers * slotLength * 4);
  }

  private expect(index: number): Promise<Reply> {
    return new Promise((resolve, reject) => this.pending[index].push({ resolve, reject }));
  }

  private receive(index: number, reply: FromWorker): void {
    const waiting = this.pending[index].shift();
    if (waiting === undefined) return;
    if (reply.kind === 'error') {
      const error = new WorkerError(`training worker ${index}: ${reply.message}`, reply.peer);
      if (reply.stack) error.stack = reply.stack;
      waiting.reject(error);
    } else {
      waiting.resolve(reply);
    }
  }

  /** Marks the pool failed, releases workers blocked in the barrier, rejects what waits. */
  private fail(error: Error): void {
    if (this.failure === undefined) this.failure = error;
    signalFailure(this.control);
    this.rejectPending(error);
  }

  private rejectPending(error: Error): void {
    for (const queue of this.pending) {
      for (const waiting of queue.splice(0)) waiting.reject(error);
    }
  }
}
