import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UNFINISHED_WRITE, writeFileAtomicSync } from '../viz/writeFileAtomic.js';
import {
  type CheckpointContents,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
} from './checkpointFormat.js';
import { RunLock } from './lock.js';

/** The files of a run folder. */
export const RUN_FILES = {
  metrics: 'metrics.jsonl',
  checkpoint: 'checkpoint.bin',
  best: 'best.bin',
  summary: 'summary.json',
  samples: 'samples.png',
  reconstructions: 'reconstructions.png',
  curves: 'curves.png',
} as const;

/** One line of `metrics.jsonl`. */
export interface StepMetrics {
  step: number;
  /** Training −ELBO of the batch (nats per image). */
  loss: number;
  temperature: number;
  /** Wall-clock seconds of training so far. */
  seconds: number;
  /** Validation −ELBO (discretized), on steps where it was measured. */
  validation?: number;
}

/** A file of the run folder could not be written (disk full, no permission…); the message says which. */
export class RunWriteError extends Error {
  constructor(
    readonly path: string,
    cause: Error,
    consequence: string,
  ) {
    super(`could not write ${path} (${cause.message}); ${consequence}`, { cause });
    this.name = 'RunWriteError';
  }
}

/**
 * Reads and writes a run folder; every file but the append-only metrics is replaced atomically.
 * A folder opened with {@link RunFolder.openForWriting} is locked against other writers until
 * {@link RunFolder.release}.
 */
export class RunFolder {
  private lock: RunLock | undefined;

  /** Opens `path` (creating it) without a lock: for reading, or when the caller holds the lock. */
  constructor(readonly path: string) {
    mkdirSync(path, { recursive: true });
  }

  /**
   * Opens `path` (creating it) for writing: takes its exclusive lock, so a second writer fails at
   * once with a {@link RunLockedError} naming the owner's pid. A lock left by a process that has
   * ended is taken over with a one-line notice on stderr.
   */
  static openForWriting(path: string): RunFolder {
    const folder = new RunFolder(path);
    folder.lock = RunLock.acquire(path);
    folder.removeUnfinishedWrites();
    return folder;
  }

  /**
   * Removes the temporary files of atomic writes that a killed process left behind
   * (`checkpoint.bin.<hex>.tmp`, whatever the file). Only safe under the lock: no other writer of
   * this folder is alive then.
   */
  private removeUnfinishedWrites(): void {
    for (const name of readdirSync(this.path)) {
      if (UNFINISHED_WRITE.test(name)) rmSync(this.file(name), { force: true });
    }
  }

  /** Gives the folder's lock back (if this object holds it). Safe to call twice. */
  release(): void {
    this.lock?.release();
    this.lock = undefined;
  }

  file(name: string): string {
    return join(this.path, name);
  }

  hasCheckpoint(): boolean {
    return existsSync(this.file(RUN_FILES.checkpoint));
  }

  /**
   * Replaces a checkpoint atomically. If the write fails (e.g. the disk is full), the previous
   * checkpoint stays in place, whole, and a {@link RunWriteError} says so.
   */
  writeCheckpoint<State>(name: 'checkpoint' | 'best', contents: CheckpointContents<State>): void {
    const path = this.file(RUN_FILES[name]);
    try {
      writeFileAtomicSync(path, encodeCheckpoint(contents));
    } catch (error) {
      const kept = existsSync(path) ? 'the previous one is intact' : 'there is no earlier one';
      throw new RunWriteError(path, error as Error, `${kept}; free space, then resume the run`);
    }
  }

  readCheckpoint<State>(name: 'checkpoint' | 'best'): CheckpointContents<State> {
    const path = this.file(RUN_FILES[name]);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new CheckpointError(path, 'does not exist: nothing to resume or evaluate');
    }
    return decodeCheckpoint<State>(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), path);
  }

  /** Appends metric lines. */
  appendMetrics(lines: StepMetrics[]): void {
    if (lines.length === 0) return;
    writeFileSync(this.file(RUN_FILES.metrics), lines.map((line) => `${JSON.stringify(line)}\n`).join(''), {
      flag: 'a',
    });
  }

  /** All metric lines, keeping only those before `beforeStep` when given (and rewriting the file so). */
  readMetrics(beforeStep?: number): StepMetrics[] {
    const path = this.file(RUN_FILES.metrics);
    if (!existsSync(path)) return [];
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as StepMetrics];
        } catch {
          return []; // a line cut short by a crash
        }
      });
    if (beforeStep === undefined) return lines;
    const kept = lines.filter((line) => line.step < beforeStep);
    writeFileAtomicSync(path, kept.map((line) => `${JSON.stringify(line)}\n`).join(''));
    return kept;
  }

  writeJson(name: string, value: unknown): void {
    writeFileAtomicSync(this.file(name), `${JSON.stringify(value, null, 2)}\n`);
  }

  writeBytes(name: string, bytes: Uint8Array): void {
    writeFileAtomicSync(this.file(name), bytes);
  }
}
