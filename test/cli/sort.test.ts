import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gumbel } from '../helpers/cli.js';
import { decodePng } from '../viz/png.js';

const scratch = mkdtempSync(join(tmpdir(), 'gumbel-sort-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('gumbel sort', () => {
  it('trains one network per N, prints the table and writes each run folder (tiny: 5 steps)', () => {
    const out = join(scratch, 'sort');
    const result = gumbel('sort', '--out', out, '--n', '3,6', '--steps', '5', '--test-sequences', '20');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /\| N \| steps \| Sinkhorn iterations \| lr \| training s \| prop\. wrong \| prop\. any wrong \| Kendall τ \| test sequences \|/,
    );
    expect(result.stdout).toMatch(
      /\| 6 \| 5 \| 50 \| 0\.1→0\.001 \| \d+ \| \d\.\d{4} \| \d\.\d{4} \| -?\d\.\d{4} \| 20 \|/,
    );
    expect(readFileSync(join(out, 'table.md'), 'utf8')).toMatch(/\| 3 \| 5 \| 50 \| 0\.1→0\.001 \|/);
    for (const n of [3, 6]) {
      const folder = join(out, `n${n}`);
      const summary = JSON.parse(readFileSync(join(folder, 'sort.json'), 'utf8'));
      expect(summary.config).toMatchObject({ n, steps: 5, testSequences: 20 });
      expect(summary.evaluation.sequences).toBe(20);
      for (const measure of ['propWrong', 'propAnyWrong']) {
        expect(summary.evaluation[measure]).toBeGreaterThanOrEqual(0);
        expect(summary.evaluation[measure]).toBeLessThanOrEqual(1);
      }
      expect(Math.abs(summary.evaluation.kendallTau)).toBeLessThanOrEqual(1);
      expect(summary.backend).toBe('wasm');
      const metrics = readFileSync(join(folder, 'metrics.jsonl'), 'utf8').trim().split('\n');
      expect(metrics).toHaveLength(5);
      expect(JSON.parse(metrics[4])).toMatchObject({ step: 5, temperature: 1 });
      // Two n×n maps at scale ⌊360/n⌋ with that much padding: 2·n·scale + 3·scale wide.
      const scale = Math.floor(360 / n);
      const picture = decodePng(readFileSync(join(folder, 'permutation.png')));
      expect([picture.width, picture.height]).toEqual([(2 * n + 3) * scale, (n + 2) * scale]);
      expect(existsSync(join(folder, 'curves.png'))).toBe(true);
      expect(existsSync(join(folder, 'run.lock'))).toBe(false); // the lock was given back
    }
  });

  it('bad flags get a one-line error naming the flag and the range', () => {
    const result = gumbel('sort', '--n', '5,1');
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')[0]).toMatch(
      /'--n <list>' argument '5,1' is invalid\. must be an integer >= 2/,
    );
  });
});
