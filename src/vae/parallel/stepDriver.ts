import { COMMAND, hasFailed } from './barrier.js';
import { CommandKind, commandFinished, issueCommand, type StepBlock } from './stepChannel.js';
import type { Reply, WorkerGroup } from './workerGroup.js';

/** The workers' step loop while it runs: the shared images and the loop request's replies. */
interface RunningLoop {
  images: Float32Array;
  /** Rows the images hold at most. */
  capacity: number;
  /** Settles when the workers leave the loop: replies, or the error that made one leave. */
  ended: Promise<Reply[]>;
}

/**
 * The pool's side of the step channel (stepChannel.ts): puts the workers into their step loop (one
 * message, repeated only when a larger batch needs a larger shared buffer), then per step copies the
 * images into shared memory, issues the step and sleeps until the last worker finishes it. Other
 * requests to the workers must {@link leave} the loop first.
 */
export class StepDriver {
  private loop: RunningLoop | undefined;
  private busy = false;

  constructor(
    private readonly group: WorkerGroup,
    private readonly control: Int32Array,
    private readonly block: StepBlock,
    private readonly inputSize: number,
  ) {}

  /** Runs one step on `images` ([batchRows × inputSize]) and returns every worker's loss. */
  async step(images: Float32Array, batchRows: number, step: number, temperature: number): Promise<number[]> {
    if (this.busy) throw new Error('the training pool runs one call at a time; await the previous one');
    this.busy = true;
    try {
      const loop = await this.loopFor(batchRows);
      loop.images.set(images);
      this.block.write({ kind: CommandKind.Step, step, temperature, batchRows });
      await this.run(loop);
      return this.block.losses();
    } finally {
      this.busy = false;
    }
  }

  /** Makes the workers leave their step loop, if they are in it, and answer messages again. */
  async leave(): Promise<void> {
    if (this.busy) throw new Error('the training pool runs one call at a time; await the previous one');
    await this.leaveLoop();
  }

  /** Ends the running loop, if any: a Leave command, then the loop request's replies. */
  private async leaveLoop(): Promise<void> {
    const loop = this.loop;
    if (loop === undefined) return;
    this.block.write({ kind: CommandKind.Leave, step: 0, temperature: 0, batchRows: 0 });
    await this.run(loop);
    this.loop = undefined;
    await loop.ended;
  }

  /** The running loop if its images hold `rows`, else a new one with a larger buffer. */
  private async loopFor(rows: number): Promise<RunningLoop> {
    if (this.loop !== undefined && this.loop.capacity >= rows) return this.loop;
    await this.leaveLoop();
    this.group.throwIfUnusable();
    const buffer = new SharedArrayBuffer(rows * this.inputSize * 4);
    const after = Atomics.load(this.control, COMMAND);
    const ended = this.group.request(() => [{ kind: 'stepLoop', images: buffer, after }]);
    // Observed by run() or leaveLoop(); a failure between steps must not be an unhandled rejection.
    ended.catch(() => {});
    this.loop = { images: new Float32Array(buffer), capacity: rows, ended };
    return this.loop;
  }

  /** Issues the command written into the block and waits until every worker finished it. */
  private async run(loop: RunningLoop): Promise<void> {
    if (!hasFailed(this.control)) await commandFinished(this.control, issueCommand(this.control));
    if (hasFailed(this.control)) {
      // A worker failed (or the pool was disposed): its error, or the group's, ends the loop.
      this.loop = undefined;
      await loop.ended;
      throw new Error('the training workers left their step loop');
    }
  }
}
