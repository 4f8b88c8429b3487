import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliResult, startGumbel } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'gumbel-lock-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A small run: 300 digits, 5×4 latents, a checkpoint every 10 steps, a quick final evaluation. */
const SMALL = ['--train-limit', '300', '--batch', '20', '--latent-variables', '5', '--categories', '4'];
const QUICK_END = ['--iw-samples', '2', '--eval-train-limit', '10', '--checkpoint-every', '10'];

function stepsLogged(run: string): number[] {
  return readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).step);
}

/** Of two results, the one that ran and the one that was refused (fails if that is not what happened). */
function oneRanOneRefused(results: CliResult[], run: string): { ran: CliResult; refused: CliResult } {
  const ran = results.filter((result) => result.status === 0);
  const refused = results.filter((result) => result.status !== 0);
  expect(ran).toHaveLength(1);
  expect(refused).toHaveLength(1);
  const lines = refused[0].stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    new RegExp(`^gumbel: error: ${run} is in use by process \\d+ \\(since .*\\); wait`),
  );
  return { ran: ran[0], refused: refused[0] };
}

describe('two gumbel train commands on one run folder', () => {
  it('--out: exactly one trains, the other exits at once naming the folder and the pid; no step twice', async () => {
    const run = join(scratch, 'out');
    const args = ['train', '--out', run, '--steps', '60', ...SMALL, ...QUICK_END];
    const first = startGumbel(...args);
    const second = startGumbel(...args);
    const results = await Promise.all([first.exited, second.exited]);
    const { refused } = oneRanOneRefused(results, run);
    const winner = results[0] === refused ? second : first;
    expect(refused.stderr).toContain(`process ${winner.child.pid}`);
    expect(stepsLogged(run)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('--resume: the same', async () => {
    const run = join(scratch, 'out'); // the finished run above, resumed to 100 steps twice at once
    const args = ['train', '--resume', run, '--steps', '100'];
    const results = await Promise.all([startGumbel(...args).exited, startGumbel(...args).exited]);
    oneRanOneRefused(results, run);
    expect(stepsLogged(run)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
});
