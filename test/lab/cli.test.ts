import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gumbel } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'gumbel-lab-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('gumbel lab', () => {
  it('measures, prints the table and writes the files', () => {
    const out = join(scratch, 'lab');
    const result = gumbel(
      'lab',
      '--out',
      out,
      '--problems',
      'quadratic',
      '--estimators',
      'straight-through,gumbel-rao,score-function',
      '--temperatures',
      '0.5,1',
      '--estimates',
      '50',
      '--timing-calls',
      '1',
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\| gumbel-rao k=10 \| 0\.5 \|/);
    expect(result.stdout).toMatch(/\| score-function S=4 LOO \| – \|/);
    for (const file of ['lab.json', 'table.md', 'bias-quadratic.png', 'variance-quadratic.png']) {
      expect(existsSync(join(out, file))).toBe(true);
    }
  });

  it('bad flags get a one-line error naming the flag and the range', () => {
    const lab = gumbel('lab', '--temperatures', '1,0');
    expect(lab.status).not.toBe(0);
    expect(lab.stderr.trim().split('\n')[0]).toMatch(
      /'--temperatures <list>' argument '1,0' is invalid\. must be a finite number > 0/,
    );
  });
});
