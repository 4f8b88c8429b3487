import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { writeLabOutputs } from '../../src/lab/output.js';
import { labSeries, labTable } from '../../src/lab/report.js';
import { type LabOptions, runLab } from '../../src/lab/runner.js';

const folder = mkdtempSync(join(tmpdir(), 'gumbel-lab-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const SMALL: LabOptions = {
  problems: ['quadratic', 'tiny-vae'],
  estimators: [
    { name: 'straight-through-gumbel' },
    { name: 'reinmax' },
    { name: 'score-function', scoreSamples: 4 },
  ],
  temperatures: [0.5, 2],
  estimates: 400,
  batch: 200,
  timingCalls: 2,
  seed: 3,
};

describe('the estimator lab', () => {
  const before = tf.memory().numTensors;
  const result = runLab(SMALL);

  it('measures every estimator at every temperature it accepts, τ-free ones once', () => {
    const rows = result.cells.map((cell) => `${cell.problem} ${cell.estimator} ${cell.temperature}`);
    expect(rows).toEqual([
      'quadratic straight-through-gumbel 0.5',
      'quadratic straight-through-gumbel 2',
      'quadratic reinmax 2', // ReinMax needs τ ≥ 1
      'quadratic score-function S=4 LOO null',
      'tiny-vae straight-through-gumbel 0.5',
      'tiny-vae straight-through-gumbel 2',
      'tiny-vae reinmax 2',
      'tiny-vae score-function S=4 LOO null',
    ]);
    for (const cell of result.cells) {
      expect(cell.estimates).toBe(400);
      expect(cell.variance).toBeGreaterThan(0);
      expect(cell.millisecondsPerEstimate).toBeGreaterThan(0);
      expect(cell.cosine).toBeGreaterThan(-1);
      expect(cell.cosine).toBeLessThan(1);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('finds the unbiased estimator unbiased and the relaxation biased at high τ', () => {
    const cell = (estimator: string, temperature: number | null) =>
      result.cells.find(
        (c) => c.problem === 'quadratic' && c.estimator === estimator && c.temperature === temperature,
      );
    const reinforce = cell('score-function S=4 LOO', null);
    const relaxed = cell('straight-through-gumbel', 2);
    expect(reinforce?.bias).toBeLessThan(4 * (reinforce?.biasStandardError ?? 0));
    expect(relaxed?.bias).toBeGreaterThan(4 * (relaxed?.biasStandardError ?? 0));
  });

  it('gives the same statistics for the same seed', () => {
    const again = runLab({ ...SMALL, problems: ['quadratic'], temperatures: [2] });
    const first = result.cells.find((c) => c.problem === 'quadratic' && c.temperature === 2);
    expect(again.cells[0].bias).toBe(first?.bias);
    expect(again.cells[0].variance).toBe(first?.variance);
  });

  it('writes lab.json, table.md and a bias and a variance PNG per problem', () => {
    const files = writeLabOutputs(result, folder);
    expect(files.map((file) => file.slice(folder.length + 1)).sort()).toEqual([
      'bias-quadratic.png',
      'bias-tiny-vae.png',
      'lab.json',
      'table.md',
      'variance-quadratic.png',
      'variance-tiny-vae.png',
    ]);
    expect(JSON.parse(readFileSync(join(folder, 'lab.json'), 'utf8')).cells).toHaveLength(8);
    const png = readFileSync(join(folder, 'bias-quadratic.png'));
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]); // "PNG"
  });

  it('tables one row per cell and plots τ-free estimators as flat lines', () => {
    const table = labTable(result);
    expect(table.split('\n').filter((line) => line.startsWith('| straight-through-gumbel'))).toHaveLength(4);
    const series = labSeries(result, 'quadratic', 'variance');
    expect(series.map((s) => s.name)).toEqual([
      'straight-through-gumbel',
      'reinmax',
      'score-function S=4 LOO',
    ]);
    const flat = series[2].points;
    expect(flat.map(([x]) => x)).toEqual([Math.log10(0.5), Math.log10(2)]);
    expect(flat[0][1]).toBe(flat[1][1]);
  });

  it('runs the binary problem through the binary estimators; REINFORCE stays unbiased there', () => {
    const binary = runLab({
      ...SMALL,
      problems: ['bernoulli'],
      estimators: [{ name: 'score-function', scoreSamples: 4 }],
      estimates: 2000,
      batch: 1000,
    });
    const [cell] = binary.cells;
    expect(cell.problem).toBe('bernoulli');
    expect(cell.bias).toBeLessThan(4 * cell.biasStandardError);
  });

  it('rejects bad options naming them', () => {
    expect(() => runLab({ estimates: 1 })).toThrow(/estimates must be an integer >= 2/);
    expect(() => runLab({ temperatures: [0] })).toThrow(/temperatures must be finite numbers > 0/);
    expect(() => runLab({ estimators: [{ name: 'gumbel-rao', raoSamples: 0 }] })).toThrow(/rao-samples/);
    // Nothing to measure (multi-sample DisARM needs binary latents): an error, not an empty table.
    const before = tf.memory().numTensors;
    expect(() => runLab({ problems: ['quadratic'], estimators: [{ name: 'multi-sample-disarm' }] })).toThrow(
      /estimators must include one that applies to the problems quadratic/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
