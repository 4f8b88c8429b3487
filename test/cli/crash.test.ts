import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../src/runs/checkpointFormat.js';
import { type RunningGumbel, repositoryRoot, startGumbel } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'gumbel-crash-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const STEPS = 40;
const TRAIN = [
  '--steps',
  String(STEPS),
  '--checkpoint-every',
  '5',
  '--train-limit',
  '300',
  '--batch',
  '20',
  '--latent-variables',
  '5',
  '--categories',
  '4',
  '--iw-samples',
  '20',
  '--eval-train-limit',
  '50',
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function checkpointStep(run: string): number {
  const bytes = readFileSync(join(run, 'checkpoint.bin'));
  return decodeCheckpoint<{ step: number }>(new Uint8Array(bytes), 'checkpoint.bin').state.step;
}

async function killed(process: RunningGumbel): Promise<void> {
  process.child.kill('SIGKILL');
  const result = await process.exited;
  expect(result.status).toBe(-1); // died by the signal, did not exit by itself
}

/** The leftovers of atomic writes' temporary files: `checkpoint.bin.<hex>.tmp`. */
const isTemporaryCheckpoint = (name: string) => /^checkpoint\.bin\.[0-9a-f]+\.tmp$/.test(name);
const temporaryCheckpoints = (run: string) => readdirSync(run).filter(isTemporaryCheckpoint);

/**
 * Stops the run the moment a temporary checkpoint file appears (SIGSTOP), and kills it if the file
 * is still there — the process is then between creating and renaming it: mid-write. Returns
 * whether a kill landed mid-write; otherwise lets the process go on (SIGCONT) and tries again at the
 * next checkpoint.
 */
async function killMidCheckpointWrite(run: string, process: RunningGumbel): Promise<boolean> {
  let midWrite = false;
  const watcher = watch(run, (_event, name) => {
    if (midWrite || !name || !isTemporaryCheckpoint(name)) return;
    process.child.kill('SIGSTOP');
    if (existsSync(join(run, name))) {
      midWrite = true;
      process.child.kill('SIGKILL');
    } else process.child.kill('SIGCONT');
  });
  const result = await process.exited;
  watcher.close();
  if (midWrite) expect(result.status).toBe(-1); // died by the signal
  return midWrite;
}

describe('gumbel train killed with SIGKILL and resumed', () => {
  it('mid-step, mid-checkpoint write and mid-evaluation: resume works and ends bit-identical', async () => {
    const reference = join(scratch, 'uninterrupted');
    expect((await startGumbel('train', '--out', reference, ...TRAIN).exited).status).toBe(0);

    const run = join(scratch, 'killed');
    // 1. Mid-step: after the first checkpoint, part-way to the second.
    const first = startGumbel('train', '--out', run, ...TRAIN);
    await until(() => existsSync(join(run, 'checkpoint.bin')), 'the first checkpoint');
    await sleep(150);
    await killed(first);
    const stepAfterFirstKill = checkpointStep(run);
    expect(stepAfterFirstKill).toBeLessThan(STEPS);

    // 2. Mid-checkpoint write: a temporary file is left behind, the checkpoint under its name is whole.
    const second = startGumbel('train', '--resume', run);
    expect(await killMidCheckpointWrite(run, second)).toBe(true);
    expect(temporaryCheckpoints(run)).toHaveLength(1);
    expect(checkpointStep(run) % 5).toBe(0); // a whole checkpoint of a checkpoint step

    // 3. Mid-evaluation: after training ended, while the best model is scored.
    const third = startGumbel('train', '--resume', run);
    await until(() => third.stdout.includes('evaluating the best model'), 'the final evaluation');
    await sleep(300);
    expect(existsSync(join(run, 'summary.json'))).toBe(false);
    await killed(third);

    const last = await startGumbel('train', '--resume', run).exited;
    expect(last.status).toBe(0);
    expect(last.stdout).toContain(`resuming at step ${STEPS}`);
    // The same parameters, bit for bit, and the same scores as the run never interrupted.
    expect(readFileSync(join(run, 'weights.bin')).equals(readFileSync(join(reference, 'weights.bin')))).toBe(
      true,
    );
    const summary = (folder: string) => JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
    expect(summary(run).test).toEqual(summary(reference).test);
    expect(summary(run).train).toEqual(summary(reference).train);
    expect(summary(run).bestStep).toBe(summary(reference).bestStep);
    expect(temporaryCheckpoints(run)).toEqual([]); // the leftover was cleared under the lock
    const steps = readFileSync(join(run, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).step);
    expect(steps).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
  });
});

describe('gumbel train when a checkpoint cannot be written', () => {
  it('fails with one line, keeps the previous checkpoint loadable, leaves nothing half-written, resumes', async () => {
    const run = join(scratch, 'full');
    const first = startGumbel('train', '--out', run, ...TRAIN, '--steps', '5');
    expect((await first.exited).status).toBe(0);
    const size = (name: string) => readFileSync(join(run, name)).length;
    const before = {
      checkpoint: readFileSync(join(run, 'checkpoint.bin')),
      best: readFileSync(join(run, 'best.bin')),
    };
    // A file-size limit below the checkpoint's size (the shell's ulimit -f, in KiB): writing it fails
    // with EFBIG as a full disk fails with ENOSPC, through the same write path.
    const limitKiB = Math.floor(size('checkpoint.bin') / 2048);
    const resumed = spawnSync(
      'bash',
      [
        '-c',
        `ulimit -f ${limitKiB}; exec "$0" --import tsx src/cli/main.ts train --resume "$1" --steps 20`,
        process.execPath,
        run,
      ],
      { cwd: repositoryRoot, encoding: 'utf8', env: { ...process.env, GUMBEL_BACKEND: 'wasm' } },
    );
    expect(resumed.status).toBe(2);
    // stderr holds the progress bar's lines (not a TTY) and, last, the error: one line.
    const lines = resumed.stderr.trim().split('\n');
    const errorLines = lines.filter((line) => line !== '' && !/^step \d+\/\d+ \|/.test(line));
    expect(errorLines).toHaveLength(1);
    expect(lines.at(-1)).toBe(errorLines[0]);
    expect(errorLines[0]).toMatch(
      /^gumbel: error: could not write .*(checkpoint|best)\.bin \(EFBIG: file too large, write\); the previous one is intact; free space, then resume the run$/,
    );
    // The checkpoint is the one of step 5, whole; best.bin (smaller than the limit, so step 10's
    // may have been written) is whole; no temporary file is left.
    expect(readFileSync(join(run, 'checkpoint.bin')).equals(before.checkpoint)).toBe(true);
    const best = readFileSync(join(run, 'best.bin'));
    expect(
      decodeCheckpoint<{ step: number }>(new Uint8Array(best), 'best.bin').state.step,
    ).toBeGreaterThanOrEqual(5);
    expect(checkpointStep(run)).toBe(5);
    expect(readdirSync(run).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(run, 'run.lock'))).toBe(false); // the lock was given back

    const again = await startGumbel('train', '--resume', run, '--steps', '20').exited;
    expect(again.status).toBe(0);
    expect(checkpointStep(run)).toBe(20);
  });
});
