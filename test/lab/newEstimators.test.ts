import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { estimators, tf } from '../../src/index.js';
import { writeRaceOutputs } from '../../src/lab/output.js';
import { DEFAULT_RACE_OPTIONS, runRace } from '../../src/lab/race.js';
import { raceSeries, raceTable } from '../../src/lab/raceReport.js';
import { runLab } from '../../src/lab/runner.js';

const folder = mkdtempSync(join(tmpdir(), 'gumbel-lab-new-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the lab with the new estimators', () => {
  it('runs each estimator where it applies, reports progress, and RELAX and DisARM come out unbiased', () => {
    const before = tf.memory().numTensors;
    const progress: [number, number][] = [];
    const result = runLab({
      problems: ['quadratic', 'bernoulli'],
      estimators: [
        { name: 'disarm' },
        { name: 'unordered-set', setSize: 3 },
        { name: 'relax', relaxHidden: 4 },
        { name: 'zgr' },
      ],
      temperatures: [1],
      estimates: 2000,
      batch: 1000,
      timingCalls: 1,
      tuningSteps: 5,
      seed: 2,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result.cells.map((cell) => `${cell.problem} ${cell.estimator}`)).toEqual([
      'quadratic unordered-set k=3',
      'quadratic relax h=4',
      'quadratic zgr',
      'bernoulli disarm',
      'bernoulli relax h=4',
      'bernoulli zgr',
    ]);
    // Progress counts estimates over all six cells (2,000 each) and RELAX's 5 tuning calls of 32
    // before each of its two cells, from 0 to the end, never backwards.
    expect(progress[0]).toEqual([0, 12_320]);
    expect(progress.at(-1)).toEqual([12_320, 12_320]);
    for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThan(progress[i - 1][0]);
    // 2000 estimates: an unbiased estimator's measured bias is its Monte-Carlo error, ≈ 1 standard error.
    for (const cell of result.cells.filter((c) => c.estimator !== 'zgr')) {
      expect(cell.bias).toBeLessThan(4 * cell.biasStandardError);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the optimisation race (Grathwohl et al. 2018 §6.1)', () => {
  const result = runRace({
    targets: [0.45],
    estimators: ['exact', { name: 'score-function', scoreSamples: 1, baseline: 'none' }, { name: 'disarm' }],
    seeds: 2,
    maxSteps: 150,
    learningRate: 0.05,
  });

  it('follows Adam on the exact gradient σ(θ)(1 − σ(θ))(1 − 2t), written out here', () => {
    const exact = result.runs.filter((run) => run.estimator === 'exact gradient');
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    let theta = 0;
    let first = 0;
    let second = 0;
    const expected = [0.5];
    for (let step = 1; step <= 150 && sigmoid(theta) >= 0.05; step++) {
      const p = sigmoid(theta);
      const gradient = p * (1 - p) * 0.1;
      first = 0.9 * first + 0.1 * gradient;
      second = 0.999 * second + 0.001 * gradient * gradient;
      theta -= (0.05 * (first / (1 - 0.9 ** step))) / (Math.sqrt(second / (1 - 0.999 ** step)) + 1e-8);
      expected.push(sigmoid(theta));
    }
    expect(exact).toHaveLength(2);
    expect(exact[0].trajectory).toHaveLength(expected.length);
    exact[0].trajectory.forEach((p, i) => {
      expect(p).toBeCloseTo(expected[i], 10);
    });
    expect(exact[0].steps).toBe(expected.length - 1);
    expect(exact[0].trajectory.at(-1)).toBeLessThan(0.05);
  });

  it('is deterministic per seed, and tables and plots every run', () => {
    const again = runRace({
      targets: [0.45],
      estimators: [{ name: 'disarm' }],
      seeds: 2,
      maxSteps: 150,
      learningRate: 0.05,
    });
    const disarm = result.runs.filter((run) => run.estimator === 'disarm');
    expect(again.runs.map((run) => run.trajectory)).toEqual(disarm.map((run) => run.trajectory));
    const table = raceTable(result);
    expect(
      table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| ---')),
    ).toHaveLength(4);
    expect(table).toMatch(/\| exact gradient \| 0\.45 \| \d+, \d+ \| \d+ \|/);
    const series = raceSeries(result, 0.45);
    expect(series.map((s) => s.name)).toEqual(['exact gradient', 'score-function S=1 no baseline', 'disarm']);
    expect(series[0].points[0]).toEqual([0, 0.5]);
    const files = writeRaceOutputs(result, folder);
    for (const file of ['race.json', 'race.md', 'race-0.45.png'])
      expect(existsSync(join(folder, file))).toBe(true);
    expect(files).toHaveLength(3);
  });

  it('fields every estimator that runs on one bit by default; ReinMax at τ = 1, multi-sample DisARM as DisARM', () => {
    const names = new Set(
      DEFAULT_RACE_OPTIONS.estimators.flatMap((spec) => (spec === 'exact' ? [] : [spec.name])),
    );
    expect([...names].sort()).toEqual(
      estimators.ESTIMATOR_NAMES.filter((name) => name !== 'unordered-set').sort(),
    );
    const short = runRace({
      targets: [0.499],
      estimators: [
        { name: 'reinmax' },
        { name: 'gumbel-rao' },
        { name: 'disarm' },
        { name: 'multi-sample-disarm' },
      ],
      seeds: 1,
      maxSteps: 30,
    });
    expect(short.runs.map((run) => run.estimator)).toEqual([
      'reinmax τ=1',
      'gumbel-rao k=10 τ=0.5',
      'disarm',
      'multi-sample-disarm',
    ]);
    // With one bit, swapping "one sample" is swapping the whole draw: the same estimates as DisARM.
    expect(short.runs[3].trajectory).toEqual(short.runs[2].trajectory);
  });

  it('rejects bad options naming them', () => {
    expect(() => runRace({ targets: [0.5] })).toThrow(/targets must be numbers in \(0, 0\.5\)/);
    expect(() => runRace({ seeds: 0 })).toThrow(/seeds must be an integer >= 1/);
    expect(() => runRace({ learningRate: 0 })).toThrow(/learning-rate/);
    expect(() => runRace({ estimators: [{ name: 'disarm', disarmPairs: 0 }] })).toThrow(/disarm-pairs/);
  });
});
