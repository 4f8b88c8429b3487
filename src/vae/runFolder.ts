import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../viz/writeFileAtomic.js';
import {
  type CheckpointContents,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
} from './checkpointFormat.js';

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

/** Reads and writes a run folder; every file but the append-only metrics is replaced atomically. */
export class RunFolder {
  constructor(readonly path: string) {
    mkdirSync(path, { recursive: true });
  }

  file(name: string): string {
    return join(this.path, name);
  }

  hasCheckpoint(): boolean {
    return existsSync(this.file(RUN_FILES.checkpoint));
  }

  writeCheckpoint<State>(name: 'checkpoint' | 'best', contents: CheckpointContents<State>): void {
    writeFileAtomicSync(this.file(RUN_FILES[name]), encodeCheckpoint(contents));
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
