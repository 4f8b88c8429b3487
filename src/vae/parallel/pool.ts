import type { Worker } from 'node:worker_threads';
import { activeBackend, isBackendInitialized } from '../../backend.js';
import { fusedKernelsActive } from '../../kernels/register.js';
import { ArgumentError, checkPositiveNumber } from '../../validate.js';
import { checkWorkers, DEFAULT_TRAIN_CONFIG } from '../config.js';
import { checkVaeShape, DEFAULT_VAE_SHAPE, type VaeShape } from '../model.js';
import type { KlKind } from '../objective.js';
import { CONTROL_WORDS, signalFailure } from './barrier.js';
import { flatOffsets, parameterSizes, shardBySize, splitRows } from './partition.js';
import type { FromWorker, ReplicaSetup, ReplicaState, ToWorker } from './protocol.js';
import { spawnWorker } from './spawn.js';

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
  checkPositiveNumber(resolved.learningRate, 'learningRate');
  checkPositiveNumber(resolved.priorTemperature, 'priorTemperature');
  if (resolved.kl !== 'analytic' && resolved.kl !== 'relaxed') {
    throw new ArgumentError('kl', `must be 'analytic' or 'relaxed', got ${resolved.kl}`);
  }
  return resolved;
}

/**
 * Data-parallel training of a categorical VAE on worker threads (Node only). Each worker holds a
 * replica of the model; a step sends each worker a contiguous part of the batch, and the workers
 * sum their gradients through shared memory in a fixed order, so the replicas stay bit-identical
 * and training matches one thread up to float rounding. The calling thread only waits.
 *
 * Dispose it (or the threads keep the process alive).
 */
export class ParallelTrainingPool {
  /** Worker threads. */
  readonly workers: number;
  /** The replicas' model shape. */
  readonly shape: VaeShape;
  private readonly threads: Worker[];
  private readonly pending: Pending[][];
  private readonly control: Int32Array;
  private readonly shards: number[][];
  private failure: Error | undefined;
  private busy = false;
  private disposed = false;
  private live: number;

  private constructor(options: Required<ParallelTrainingOptions>) {
    this.workers = options.workers;
    this.shape = options.shape;
    const sizes = parameterSizes(this.shape);
    const { length } = flatOffsets(sizes);
    this.shards = shardBySize(sizes, this.workers);
    const gradients = new SharedArrayBuffer(this.workers * length * 4);
    const parameters = new SharedArrayBuffer(length * 4);
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
    this.control = new Int32Array(control);
    const backend = isBackendInitialized() ? activeBackend() : '';
    const fusedKernels = isBackendInitialized() ? fusedKernelsActive() : true;
    this.pending = Array.from({ length: this.workers }, () => []);
    this.threads = Array.from({ length: this.workers }, (_, index) => {
      const setup: ReplicaSetup = {
        ...options,
        index,
        backend,
        fusedKernels,
        gradients,
        parameters,
        control,
      };
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
   * One training step on a batch of `batchSize` images ([batchSize × inputSize], row-major): the
   * workers take contiguous, nearly equal parts. Returns the batch's −ELBO (mean over the images),
   * the sum of the workers' parts in worker order.
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
    const ranges = splitRows(batchSize, this.workers);
    const replies = await this.exchange((index) => {
      const { start, count } = ranges[index];
      const rows = images.slice(start * inputSize, (start + count) * inputSize);
      return [{ kind: 'step', images: rows, start, total: batchSize, step, temperature }, [rows.buffer]];
    });
    let loss = 0;
    for (const reply of replies) {
      if (reply?.kind !== 'stepped') throw new Error('a training worker sent no loss');
      loss += reply.loss;
    }
    return loss;
  }

  /** A copy of worker `worker`'s parameters (every replica holds the same). */
  async readParameters(worker = 0): Promise<Float32Array[]> {
    if (!Number.isSafeInteger(worker) || worker < 0 || worker >= this.workers) {
      throw new ArgumentError('worker', `must be an integer in [0, ${this.workers - 1}], got ${worker}`);
    }
    const replies = await this.exchange((index) =>
      index === worker ? [{ kind: 'readParameters' }] : undefined,
    );
    const reply = replies[worker];
    if (reply?.kind !== 'parameters') throw new Error(`training worker ${worker} sent no parameters`);
    return reply.parameters;
  }

  /** The parameters (of worker 0) and Adam's state, gathered from the workers that hold it. */
  async readState(): Promise<ReplicaState> {
    const parameters = await this.readParameters(0);
    const replies = await this.exchange(() => [{ kind: 'readMoments' }]);
    const count = parameters.length;
    const moments = new Array<Float32Array>(2 * count);
    let adamStep = 0;
    for (const reply of replies) {
      if (reply?.kind !== 'moments') throw new Error('a training worker sent no moments');
      reply.shard.forEach((parameter, k) => {
        moments[parameter] = reply.moments[k];
        moments[count + parameter] = reply.moments[reply.shard.length + k];
      });
      adamStep = reply.adamStep;
    }
    return { parameters, moments, adamStep };
  }

  /** Sets every replica's parameters and Adam's state (e.g. from a checkpoint). */
  async writeState(state: ReplicaState): Promise<void> {
    const count = parameterSizes(this.shape).length;
    if (state.parameters.length !== count || state.moments.length !== 2 * count) {
      throw new ArgumentError(
        'state',
        `must hold ${count} parameters and ${2 * count} moments, got ${state.parameters.length} and ${state.moments.length}`,
      );
    }
    await this.exchange((index) => {
      const shard = this.shards[index];
      const moments = [...shard.map((i) => state.moments[i]), ...shard.map((i) => state.moments[count + i])];
      return [{ kind: 'writeState', parameters: state.parameters, moments, adamStep: state.adamStep }];
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
