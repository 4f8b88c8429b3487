import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gumbel, repositoryRoot as root } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'gumbel-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The error output must be one line that says what is wrong. */
function expectOneLineError(result: ReturnType<typeof gumbel>, pattern: RegExp): void {
  expect(result.status).not.toBe(0);
  const lines = result.stderr.trim().split('\n');
  expect(lines[0]).toMatch(pattern);
}

describe('gumbel CLI bad input', () => {
  it('unknown flags', () => {
    expectOneLineError(gumbel('train', '--stpes', '10'), /unknown option '--stpes'/);
  });

  it('impossible sizes name the flag and the range', () => {
    expectOneLineError(
      gumbel('train', '--categories', '1'),
      /option '--categories <K>' argument '1' is invalid\. must be an integer >= 2/,
    );
    expectOneLineError(
      gumbel('train', '--latent-variables', '0'),
      /'--latent-variables <N>' argument '0' is invalid\. must be an integer >= 1/,
    );
    expectOneLineError(gumbel('train', '--batch', '0'), /'--batch <n>' argument '0' is invalid/);
    expectOneLineError(gumbel('train', '--iw-samples', '0'), /'--iw-samples <m>' argument '0' is invalid/);
    expectOneLineError(
      gumbel('train', '--temperature', '-1'),
      /'--temperature <tau0>' argument '-1' is invalid\. must be a finite number > 0/,
    );
  });

  it('unreadable data and corrupt checkpoints', () => {
    expectOneLineError(
      gumbel('train', '--data', join(scratch, 'missing'), '--out', join(scratch, 'run1')),
      /gumbel: error: .*missing/,
    );
    const run = join(scratch, 'run2');
    gumbel(
      'train',
      '--out',
      run,
      '--steps',
      '1',
      '--train-limit',
      '100',
      '--checkpoint-every',
      '1',
      '--iw-samples',
      '2',
      '--eval-train-limit',
      '10',
    );
    writeFileSync(join(run, 'checkpoint.bin'), 'not a checkpoint');
    expectOneLineError(
      gumbel('train', '--resume', run),
      /gumbel: error: .*checkpoint.bin: is not a gumbel-softmax checkpoint/,
    );
    expectOneLineError(gumbel('train', '--resume', join(scratch, 'none')), /checkpoint.bin: does not exist/);
    expectOneLineError(gumbel('eval', '--model', join(scratch, 'none')), /model.json: cannot read the model/);
  });
});

describe('gumbel train interrupted with Ctrl-C', () => {
  it('writes a checkpoint, exits with 130, and resumes to the end', async () => {
    const run = join(scratch, 'interrupted');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'train',
        '--out',
        run,
        '--steps',
        '100000',
        '--train-limit',
        '200',
        '--checkpoint-every',
        '5',
      ],
      { cwd: root, env: { ...process.env, GUMBEL_BACKEND: 'wasm' } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    while (!existsSync(join(run, 'checkpoint.bin'))) await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const step = Number(/interrupted at step (\d+)/.exec(stderr)?.[1]);
    expect(step).toBeGreaterThan(0);
    const resumed = gumbel(
      'train',
      '--resume',
      run,
      '--steps',
      String(step + 3),
      '--iw-samples',
      '2',
      '--eval-train-limit',
      '10',
    );
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`resuming at step ${step}`));
    expect(existsSync(join(run, 'summary.json'))).toBe(true);
    expectOneLineError(gumbel('train', '--resume', run, '--lr', '0.1'), /--lr cannot change when resuming/);
  });
});
