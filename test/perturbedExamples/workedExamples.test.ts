import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { perturbedExamplesTable, runPerturbedExamples } from '../../src/perturbedExamples/workedExamples.js';
import { tf } from '../../src/tf.js';
import { gumbel } from '../helpers/cli.js';
import { softmaxOf } from '../helpers/stats.js';
import { normalArgmaxProbabilities, threeRouteExpectation, threeRouteGrid } from '../structured/exact.js';
import { decodePng } from '../viz/png.js';

const scratch = mkdtempSync(join(tmpdir(), 'gumbel-perturbed-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the perturbed-optimizer worked examples', () => {
  it("every estimate lies within 4.5 standard errors of its exact value; the exact values are the tests' own", () => {
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const report = runPerturbedExamples({
      samples: 20_000,
      seed: 3,
      onProgress: (done) => progress.push(done),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(progress).toEqual(report.comparisons.map((_, i) => i + 1));
    const [gumbelHalf, , gumbelOne, , normalArgmax, , pathNormal, , pathGumbel, , fenchelYoung] =
      report.comparisons;
    // Exact values, computed again here independently of src/perturbedExamples/exactValues.ts.
    const theta = [1, 2, 0, -0.5];
    expect(gumbelHalf.exact).toEqual(softmaxOf(theta.map((t) => t * 2)).map((p) => expect.closeTo(p, 12)));
    expect(gumbelOne.exact).toEqual(softmaxOf(theta).map((p) => expect.closeTo(p, 12)));
    expect(normalArgmax.exact).toEqual(
      normalArgmaxProbabilities([0.5, 0.2, -0.3], 0.5).map((p) => expect.closeTo(p, 9)),
    );
    const grid = threeRouteGrid(8.8, [4.4, 4.4], [4.3, 4.8]);
    expect(pathNormal.exact).toEqual(
      threeRouteExpectation(grid, 0.5, 'normal').map((p) => expect.closeTo(p, 9)),
    );
    expect(pathGumbel.exact).toEqual(
      threeRouteExpectation(grid, 0.5, 'gumbel').map((p) => expect.closeTo(p, 8)),
    );
    for (const comparison of report.comparisons) {
      expect(comparison.maxStandardErrors, comparison.name).toBeLessThan(4.5);
    }
    expect(fenchelYoung.maxAbsoluteError).toBeLessThan(1e-6);
    expect(perturbedExamplesTable(report)).toMatch(/\| perturbed argmax, Gumbel noise, σ = 0.5: E\[y\*\]/);
  });

  it('`gumbel perturbed` writes perturbed.json and table.md, and names a bad flag', () => {
    const out = join(scratch, 'run');
    const result = gumbel('perturbed', '--samples', '2000', '--seed', '1', '--out', out);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\| estimate \| exact value by \|/);
    const report = JSON.parse(readFileSync(join(out, 'perturbed.json'), 'utf8'));
    expect(report.samples).toBe(2000);
    expect(report.comparisons).toHaveLength(11);
    expect(readFileSync(join(out, 'table.md'), 'utf8')).toMatch(/softmax\(θ\/σ\)/);
    const png = decodePng(readFileSync(join(out, 'shortest-path.png')));
    expect([png.width, png.height]).toEqual([800, 500]);
    // The sweep: a step for plain Dijkstra, exact curves from the tests' own quadrature.
    const { sweep } = report;
    expect(sweep.hard.slice(0, 10).every((v: number) => v === 1)).toBe(true);
    expect(sweep.hard.slice(11).every((v: number) => v === 0)).toBe(true);
    sweep.centreCosts.forEach((centre: number, i: number) => {
      if (i % 5 !== 0) return;
      const grid = threeRouteGrid(centre, [4.4, 4.4], [4.3, 4.8]);
      expect(sweep.perturbed.normal.exact[i]).toBeCloseTo(threeRouteExpectation(grid, 0.5, 'normal')[4], 8);
      const standardError = Math.sqrt(0.25 / sweep.samples);
      expect(Math.abs(sweep.perturbed.gumbel.estimate[i] - sweep.perturbed.gumbel.exact[i])).toBeLessThan(
        4.5 * standardError,
      );
    });
    const bad = gumbel('perturbed', '--samples', '0');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/'--samples <M>' argument '0' is invalid\. must be an integer >= 1/);
  });
});
