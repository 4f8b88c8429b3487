import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../src/data/idx.js';
import { runLab } from '../../src/lab/runner.js';
import { discreteNegativeElbo, importanceWeightedNll } from '../../src/vae/evaluate.js';
import { CategoricalVae } from '../../src/vae/model.js';
import { scoreSplit } from '../../src/vae/report.js';
import { saveVae } from '../../src/vae/savedModel.js';
import { gumbel } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'gumbel-progress-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Records every (done, total) a callback receives. */
function recorder() {
  const calls: [number, number][] = [];
  return { calls, onProgress: (done: number, total: number) => calls.push([done, total]) };
}

/** Progress must start at 0, never go back, keep one total and end exactly at it. */
function expectCompleteProgress(calls: [number, number][], total: number): void {
  expect(calls[0]).toEqual([0, total]);
  expect(calls.at(-1)).toEqual([total, total]);
  for (let i = 1; i < calls.length; i++) {
    expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
    expect(calls[i][1]).toBe(total);
  }
}

describe('progress callbacks of the long library calls', () => {
  const vae = new CategoricalVae({ latentVariables: 2, categories: 3, inputSize: 784, hiddenUnits: [8] }, 1);
  const images = new Float32Array(7 * 784).map((_, i) => (i % 3 === 0 ? 1 : 0));
  afterAll(() => vae.dispose());

  it('the evaluations report images scored per forward pass, from 0 to all', () => {
    const elbo = recorder();
    discreteNegativeElbo(vae, images, { batchSize: 3, onProgress: elbo.onProgress });
    expect(elbo.calls).toEqual([
      [0, 7],
      [3, 7],
      [6, 7],
      [7, 7],
    ]);
    const iw = recorder();
    importanceWeightedNll(vae, images, 5, { rowsPerPass: 10, onProgress: iw.onProgress });
    expect(iw.calls).toEqual([
      [0, 7],
      [2, 7],
      [4, 7],
      [6, 7],
      [7, 7],
    ]);
  });

  it('scoreSplit counts decoded images over both passes: 7 · (1 + m)', () => {
    const split = recorder();
    scoreSplit(vae, images, 4, 1, split.onProgress);
    expectCompleteProgress(split.calls, 7 * 5);
  });

  it('the lab reports estimates drawn over all cells', () => {
    const lab = recorder();
    runLab({
      problems: ['quadratic'],
      estimators: [
        { name: 'score-function', scoreSamples: 1, baseline: 'moving-average' },
        { name: 'gumbel-softmax' },
      ],
      temperatures: [0.5, 1],
      estimates: 40,
      batch: 20,
      timingCalls: 1,
      onProgress: lab.onProgress,
    });
    // score-function has no τ (1 cell), gumbel-softmax two: 3 cells of 40 estimates.
    expectCompleteProgress(lab.calls, 3 * 40);
    expect(lab.calls).toHaveLength(1 + 3 * 2);
  });
});

describe('progress lines when stderr is not a terminal', () => {
  it('gumbel eval prints "scoring the test set: N% (done/total)" lines on stderr, results alone on stdout', async () => {
    const data = join(scratch, 'idx');
    mkdirSync(data);
    const idx = (count: number, image: boolean) =>
      encodeIdx(
        image
          ? { dtype: 'uint8', shape: [count, 28, 28], data: new Uint8Array(count * 784).fill(200) }
          : { dtype: 'uint8', shape: [count], data: new Uint8Array(count) },
        { gzip: true },
      );
    writeFileSync(join(data, 'train-images-idx3-ubyte.gz'), idx(5001, true));
    writeFileSync(join(data, 'train-labels-idx1-ubyte.gz'), idx(5001, false));
    writeFileSync(join(data, 't10k-images-idx3-ubyte.gz'), idx(40, true));
    writeFileSync(join(data, 't10k-labels-idx1-ubyte.gz'), idx(40, false));
    const model = join(scratch, 'model');
    mkdirSync(model);
    const vae = new CategoricalVae(
      { latentVariables: 2, categories: 3, inputSize: 784, hiddenUnits: [8] },
      1,
    );
    await saveVae(vae, model);
    vae.dispose();
    const result = gumbel('eval', '--model', model, '--data', data, '--iw-samples', '3');
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('scoring the test set: '));
    expect(lines[0]).toBe('scoring the test set: 0% (0/160)'); // 40 images · (1 + 3)
    expect(lines.at(-1)).toBe('scoring the test set: 100% (160/160)');
    expect(JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))).test.images).toBe(40);
  });

  it('gumbel lab prints "lab: N% (done/total)" lines on stderr', () => {
    const result = gumbel(
      'lab',
      '--out',
      join(scratch, 'lab'),
      '--problems',
      'quadratic',
      '--estimators',
      'straight-through,gumbel-softmax',
      '--temperatures',
      '0.5,1',
      '--estimates',
      '50',
      '--batch',
      '10',
      '--timing-calls',
      '1',
    );
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('lab: '));
    // straight-through and gumbel-softmax both at τ = 0.5 and 1: 4 cells of 50 estimates.
    expect(lines[0]).toBe('lab: 0% (0/200)');
    expect(lines.at(-1)).toBe('lab: 100% (200/200)');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(result.stdout).toMatch(/quadratic gumbel-softmax τ=0.5: bias/);
  });
});
