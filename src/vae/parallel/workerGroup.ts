import type { Worker } from 'node:worker_threads';
import { signalFailure } from './barrier.js';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';
import { spawnWorker } from './spawn.js';

/** A worker's answer to a request (errors are thrown instead). */
export type Reply = Exclude<FromWorker, { kind: 'error' }>;

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

/**
 * The threads of a pool, asked together: one request per worker at a time, every reply awaited.
 * They fail together: any error, crash or exit marks the group failed and releases the workers
 * blocked in a barrier (through the shared control words), and later requests throw that error.
 */
export class WorkerGroup {
  private readonly threads: Worker[];
  private readonly pending: Pending[][];
  private failure: Error | undefined;
  private busy = false;
  private disposed = false;
  private running: number;

  constructor(
    setups: WorkerSetup[],
    private readonly control: Int32Array,
  ) {
    this.pending = setups.map(() => []);
    this.threads = setups.map((setup, index) => {
      const thread = spawnWorker(setup);
      thread.on('message', (reply: FromWorker) => this.receive(index, reply));
      thread.on('error', (error) =>
        this.fail(new Error(`training worker ${index} failed: ${error.message}`)),
      );
      thread.on('exit', (code) => {
        this.running -= 1;
        if (!this.disposed) this.fail(new Error(`training worker ${index} exited with code ${code}`));
      });
      return thread;
    });
    this.running = this.threads.length;
  }

  /** Threads that have not exited yet. */
  get live(): number {
    return this.running;
  }

  /** Waits for every worker's 'ready' (sent once it has built its part of the model). */
  async ready(): Promise<void> {
    await Promise.all(this.threads.map((_, index) => this.expect(index)));
  }

  /**
   * Sends each worker the message `compose` gives it (transferring the listed buffers) and waits
   * for all replies. A failure anywhere fails the group and throws the failing worker's own error.
   */
  async request(compose: (index: number) => [ToWorker, ArrayBuffer[]?]): Promise<Reply[]> {
    this.throwIfUnusable();
    if (this.busy) throw new Error('the training pool runs one call at a time; await the previous one');
    this.busy = true;
    try {
      const settled = await Promise.allSettled(
        this.threads.map((thread, index) => {
          const [message, transfer] = compose(index);
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
      return settled.map((result) => (result as PromiseFulfilledResult<Reply>).value);
    } finally {
      this.busy = false;
    }
  }

  /** Throws if the group was disposed or has failed (then the failure). */
  throwIfUnusable(): void {
    if (this.disposed) throw new Error('the training pool was disposed');
    if (this.failure) throw this.failure;
  }

  /** Terminates the threads (idempotent), first releasing any that waits on a control word. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    signalFailure(this.control);
    this.rejectPending(new Error('the training pool was disposed'));
    await Promise.all(this.threads.map((thread) => thread.terminate()));
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

  /** Marks the group failed, releases workers blocked in a barrier, rejects what waits. */
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
