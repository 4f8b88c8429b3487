import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CategoricalVae } from '../../src/vae/model.js';
import { loadLayersModelFromFolder } from '../../src/vae/savedModel.js';
import { RACE_SHAPE, RACE_VERSIONS } from './fixtures/raceModels.js';

const folder = mkdtempSync(join(tmpdir(), 'gumbel-model-race-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Σ of every weight in float64: tells the two models apart (and any mix of their files). */
function weightSum(values: ArrayLike<number>[]): number {
  let sum = 0;
  for (const array of values) for (let i = 0; i < array.length; i++) sum += array[i];
  return sum;
}

describe('a reader racing a writer of the same saved model (what gumbel eval and sample do)', () => {
  it('always loads one whole save: its temperature and its weights together, never a mix', async () => {
    const expected = RACE_VERSIONS.map((version) => {
      const vae = new CategoricalVae(RACE_SHAPE, version.seed);
      const sum = weightSum(vae.parameters().map((p) => p.dataSync()));
      vae.dispose();
      return { temperature: version.temperature, sum };
    });
    const writer = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('./fixtures/saveRepeatedly.ts', import.meta.url).pathname, folder, '300'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    writer.stdout.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise((resolve) => writer.on('exit', resolve));
    while (!output.includes('ready')) await new Promise((resolve) => setTimeout(resolve, 10));
    const seen = [0, 0];
    while (!output.includes('done')) {
      await new Promise((resolve) => setImmediate(resolve)); // let the writer's output arrive
      const model = await loadLayersModelFromFolder(folder);
      const temperature = model.getLayer('gumbel_softmax').getConfig().temperature;
      const sum = weightSum(model.getWeights().map((w) => w.dataSync()));
      model.dispose();
      const version = expected.findIndex((candidate) => candidate.temperature === temperature);
      expect(version).toBeGreaterThanOrEqual(0);
      expect(sum).toBeCloseTo(expected[version].sum, 6);
      seen[version]++;
    }
    expect(await exited).toBe(0);
    expect(seen[0] + seen[1]).toBeGreaterThan(20); // the reader really raced the writer
    expect(Math.min(...seen)).toBeGreaterThan(0);
  });
});
