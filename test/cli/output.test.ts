import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gumbel, repositoryRoot } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'gumbel-output-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('gumbel output habits', () => {
  it('--version prints package.json’s version; usage errors exit with 2', () => {
    const { version } = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8'));
    const printed = gumbel('--version');
    expect([printed.status, printed.stdout.trim()]).toEqual([0, version]);
    expect(gumbel('train', '--stpes', '10').status).toBe(2);
    expect(gumbel('frobnicate').status).toBe(2);
    expect(gumbel('--help').stdout).toMatch(/Exit codes: 0 done, 2 .*130\/143 interrupted/);
  });

  it('--json: stdout is one JSON document (train, eval, sample); --quiet: no info lines or progress', () => {
    const folder = join(scratch, 'run');
    const small = ['--steps', '20', '--iw-samples', '2', '--eval-train-limit', '10'];
    const trained = gumbel('--quiet', 'train', ...small, '--json', '--out', folder);
    expect(trained.status).toBe(0);
    expect(trained.stderr).toBe(''); // quiet: neither the backend line nor the progress bar
    const summary = JSON.parse(trained.stdout);
    expect([summary.folder, summary.steps, summary.test.images]).toEqual([folder, 20, 1000]);
    expect(existsSync(join(folder, 'summary.json'))).toBe(true);

    const scored = gumbel('eval', '--model', folder, '--iw-samples', '2', '--json');
    expect(scored.status).toBe(0);
    expect(Object.keys(JSON.parse(scored.stdout).test)).toContain('negativeElbo');
    expect(scored.stderr).toMatch(/^backend: /); // the info line moved to stderr, not lost

    const sampled = gumbel(
      'sample',
      '--model',
      folder,
      '--count',
      '3',
      '--out',
      join(scratch, 's.png'),
      '--json',
    );
    expect(sampled.status).toBe(0);
    expect(JSON.parse(sampled.stdout)).toEqual({ wrote: join(scratch, 's.png'), count: 3 });

    const plain = gumbel(
      '--quiet',
      'sample',
      '--model',
      folder,
      '--count',
      '2',
      '--out',
      join(scratch, 't.png'),
    );
    expect([plain.status, plain.stdout, plain.stderr]).toEqual([0, '', '']);
    expect(existsSync(join(scratch, 't.png'))).toBe(true);
  });
});
