import { COMMAND, DONE, FINISHED, hasFailed, waitWhileEqual } from './barrier.js';

/**
 * Steps handed to the workers through shared memory instead of messages: the pool writes the
 * batch's images and the step's numbers, bumps one control word and notifies; every worker, waiting
 * on that word (spinning briefly, then blocked), runs the step and counts itself finished; the
 * last one publishes the command as done, which wakes the pool from an `Atomics.waitAsync` (the
 * main thread sleeps through the step instead of taking a core from a worker). A step thus costs
 * one wake-up of the workers and one of the pool, and no message, copy or clone per worker.
 */

/** What a command asks of the workers, in {@link StepBlock}'s `kind` word: a step, or to leave the step loop and answer the pool's messages again. */
export const CommandKind = { Step: 1, Leave: 2 } as const;
export type CommandKind = (typeof CommandKind)[keyof typeof CommandKind];

/** A command's numbers (those of a Leave command are not read). */
export interface Command {
  kind: CommandKind;
  step: number;
  temperature: number;
  batchRows: number;
}

/** Float64 words of a step block before the workers' losses. */
const HEADER_WORDS = 4;

/** The numbers of the latest command and each worker's loss, in a shared Float64Array. */
export class StepBlock {
  private readonly words: Float64Array;

  constructor(
    readonly buffer: SharedArrayBuffer,
    private readonly workers: number,
  ) {
    this.words = new Float64Array(buffer);
  }

  /** A block for `workers` workers. */
  static create(workers: number): StepBlock {
    return new StepBlock(new SharedArrayBuffer((HEADER_WORDS + workers) * 8), workers);
  }

  /** Writes the next command: its kind, the step's index (which noise), τ and the batch's rows. */
  write(command: Command): void {
    this.words.set([command.kind, command.step, command.temperature, command.batchRows]);
  }

  /** The latest command. */
  read(): Command {
    const [kind, step, temperature, batchRows] = this.words;
    return { kind: kind as CommandKind, step, temperature, batchRows };
  }

  /** Sets worker `index`'s loss of the latest step. */
  setLoss(index: number, loss: number): void {
    this.words[HEADER_WORDS + index] = loss;
  }

  /** Every worker's loss of the latest step, in worker order. */
  losses(): number[] {
    return Array.from(this.words.subarray(HEADER_WORDS, HEADER_WORDS + this.workers));
  }
}

/** Issues a command (its numbers already written) and returns its sequence number. */
export function issueCommand(control: Int32Array): number {
  const sequence = Atomics.add(control, COMMAND, 1) + 1;
  Atomics.notify(control, COMMAND);
  return sequence;
}

/**
 * Resolves once every worker has finished command `sequence`, or the pool has failed (check
 * `hasFailed` before trusting the result). Sleeps in `Atomics.waitAsync`, never spins.
 */
export async function commandFinished(control: Int32Array, sequence: number): Promise<void> {
  for (;;) {
    const done = Atomics.load(control, DONE);
    // Sequence numbers only grow (modulo 2³²): done at or past `sequence` means finished.
    if (((done - sequence) | 0) >= 0 || hasFailed(control)) return;
    const waiting = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(control, DONE, done);
    if (waiting.async) await waiting.value;
  }
}

/** A worker's wait for the command after `seen`; returns its sequence number. Throws on failure. */
export function nextCommand(control: Int32Array, seen: number): number {
  return waitWhileEqual(control, COMMAND, seen);
}

/** A worker counts itself finished with command `sequence`; the last one publishes it as done. */
export function finishCommand(control: Int32Array, sequence: number, workers: number): void {
  if (Atomics.add(control, FINISHED, 1) === workers - 1) {
    Atomics.store(control, FINISHED, 0);
    Atomics.store(control, DONE, sequence);
    Atomics.notify(control, DONE);
  }
}

/** `Atomics.waitAsync` (ES2024; Node ≥ 16), missing from the ES2022 library types. */
interface AtomicsWithWaitAsync {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> };
}
