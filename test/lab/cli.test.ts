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

  it('runs the new estimators where they apply, shows progress, and runs the race', () => {
    const out = join(scratch, 'new');
    const result = gumbel(
      'lab',
      '--out',
      out,
      '--problems',
      'bernoulli',
      '--estimators',
      'disarm,relax,unordered-set',
      '--temperatures',
      '1',
      '--estimates',
      '50',
      '--timing-calls',
      '1',
      '--tuning-steps',
      '2',
      '--race',
      '--race-seeds',
      '1',
      '--race-steps',
      '20',
      '--race-targets',
      '0.45',
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\| disarm \| – \|/);
    expect(result.stdout).toMatch(/\| relax h=16 \| – \|/);
    expect(result.stdout).not.toMatch(/unordered-set/); // f is not one loss per bit on this problem
    expect(result.stdout).toMatch(/\| exact gradient \| 0\.45 \|/);
    // Progress on stderr (plain lines, not a terminal): the lab's estimates (2 cells of 50, and
    // RELAX's 2 tuning calls of 32), then the race's runs.
    expect(result.stderr).toMatch(/lab: 0% \(0\/164\)[\s\S]*lab: 100% \(164\/164\)/);
    // The race runs the named estimators beside the exact gradient (the unordered set left out).
    expect(result.stderr).toMatch(/race: 100% \(3\/3\)/);
    expect(result.stdout).toMatch(/\| relax h=16 \| 0\.45 \|/);
    for (const file of ['lab.json', 'table.md', 'race.json', 'race.md', 'race-0.45.png']) {
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
