import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { kSubsetProblem } from '../../src/lab/kSubsetProblem.js';
import { labTable } from '../../src/lab/report.js';
import { runLab } from '../../src/lab/runner.js';
import { gumbel } from '../helpers/cli.js';
import { softmaxOf } from '../helpers/stats.js';

/** Every k-subset of n items. */
function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...subsets(n - 1, k), ...subsets(n - 1, k - 1).map((s) => [...s, n - 1])];
}

/** Every ordering of `items`. */
function orderings(items: number[]): number[][] {
  if (items.length === 0) return [[]];
  return items.flatMap((x, i) => orderings(items.filter((_, j) => j !== i)).map((rest) => [x, ...rest]));
}

describe('the k-subset lab problem', () => {
  it('has the exact gradients of both laws, checked by central differences of sums written here', () => {
    const problem = kSubsetProblem({ items: 6, k: 3, seed: 2 });
    const theta = Array.from(problem.logits.dataSync());
    const sets = subsets(6, 3);
    const kHots = sets.map((s) => theta.map((_, i) => (s.includes(i) ? 1 : 0)));
    const costs = Array.from(tf.tidy(() => problem.loss(tf.tensor2d(kHots)).dataSync()));
    const kSubsetValue = (t: number[]) => {
      const p = softmaxOf(sets.map((s) => s.reduce((sum, i) => sum + t[i], 0)));
      return p.reduce((sum, q, c) => sum + q * costs[c], 0);
    };
    const topKValue = (t: number[]) => {
      const p = softmaxOf(t);
      return sets.reduce((sum, s, c) => {
        let probability = 0;
        for (const order of orderings(s)) {
          let product = 1;
          let taken = 0;
          for (const item of order) {
            product *= p[item] / (1 - taken);
            taken += p[item];
          }
          probability += product;
        }
        return sum + probability * costs[c];
      }, 0);
    };
    const differences = (f: (t: number[]) => number) =>
      theta.map((_, j) => {
        const step = 1e-4;
        const up = theta.map((t, i) => (i === j ? t + step : t));
        const down = theta.map((t, i) => (i === j ? t - step : t));
        return (f(up) - f(down)) / (2 * step);
      });
    expect(problem.exactValue).toBeCloseTo(kSubsetValue(theta), 5);
    const byReference = Object.fromEntries(
      (problem.estimators ?? []).map((e) => [e.reference, e.exactGradient]),
    );
    const kSubsetGradient = differences(kSubsetValue);
    const topKGradient = differences(topKValue);
    kSubsetGradient.forEach((g, j) => {
      expect(problem.exactGradient[j]).toBeCloseTo(g, 4);
      expect(byReference['k-subset law'][j]).toBeCloseTo(g, 4);
      expect(byReference['gumbel top-k law'][j]).toBeCloseTo(topKGradient[j], 4);
    });
    // The two laws' gradients differ: measuring one estimator against the other's would misreport bias.
    const gap = Math.hypot(...kSubsetGradient.map((g, j) => g - topKGradient[j]));
    expect(gap).toBeGreaterThan(0.01);
    problem.dispose();
  });

  it('runs in the lab: SIMPLE and the score function against the KSubset law, relaxed top-k against the top-k law', () => {
    const before = tf.memory().numTensors;
    const result = runLab({
      problems: ['k-subset'],
      temperatures: [0.1, 2],
      estimates: 600,
      batch: 300,
      timingCalls: 1,
      seed: 1,
    });
    expect(tf.memory().numTensors).toBe(before);
    const rows = result.cells.map((cell) => `${cell.estimator} ${cell.temperature} ${cell.reference}`);
    expect(rows).toEqual([
      'relaxed-top-k 0.1 gumbel top-k law',
      'relaxed-top-k 2 gumbel top-k law',
      'relaxed-top-k ST 0.1 gumbel top-k law',
      'relaxed-top-k ST 2 gumbel top-k law',
      'simple null k-subset law',
      'score-function S=1 null k-subset law',
      'score-function S=4 LOO null k-subset law',
      'perturbed-top-k σ=1 M=8 null gumbel top-k law',
    ]);
    for (const c of result.cells) expect(Number.isFinite(c.bias) && Number.isFinite(c.variance)).toBe(true);
    const cell = (label: string, temperature: number | null) =>
      result.cells.find((c) => c.estimator === label && c.temperature === temperature);
    // The score function is unbiased for its own law: bias within 4 Monte-Carlo standard errors.
    for (const label of ['score-function S=1', 'score-function S=4 LOO']) {
      expect(cell(label, null)?.bias).toBeLessThan(4 * (cell(label, null)?.biasStandardError ?? 0));
    }
    // The leave-one-out baseline lowers the variance of the four-sample mean below the single sample's.
    expect(cell('score-function S=4 LOO', null)?.variance).toBeLessThan(
      cell('score-function S=1', null)?.variance ?? 0,
    );
    // Relaxed top-k at τ = 2 is visibly biased.
    const warm = cell('relaxed-top-k', 2);
    expect(warm?.bias).toBeGreaterThan(4 * (warm?.biasStandardError ?? 0));
    expect(labTable(result)).toMatch(/\| simple \(vs k-subset law\) \| – \|/);
  });

  it('runs from the CLI: gumbel lab --problems k-subset', () => {
    const out = mkdtempSync(join(tmpdir(), 'gumbel-lab-k-subset-'));
    try {
      const result = gumbel(
        'lab',
        '--out',
        out,
        '--problems',
        'k-subset',
        '--temperatures',
        '0.5',
        '--estimates',
        '50',
        '--timing-calls',
        '1',
      );
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/\| relaxed-top-k ST \(vs gumbel top-k law\) \| 0\.5 \|/);
      expect(result.stdout).toMatch(/\| score-function S=4 LOO \(vs k-subset law\) \| – \|/);
      for (const file of ['lab.json', 'table.md', 'bias-k-subset.png', 'variance-k-subset.png']) {
        expect(existsSync(join(out, file))).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
