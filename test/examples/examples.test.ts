import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runBanditPolicy } from '../../examples/banditPolicy.js';
import { runDiscreteBottleneck } from '../../examples/discreteBottleneck.js';
import { pixelMap, runFeatureSelection } from '../../examples/featureSelection.js';
import { tf } from '../../src/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'gumbel-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs an example with its console output swallowed and checks it leaves no tensor behind. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const before = tf.memory().numTensors;
    const result = await run();
    expect(tf.memory().numTensors).toBe(before);
    return result;
  } finally {
    log.mockRestore();
  }
}

describe('examples/ at a tiny size', () => {
  it('discreteBottleneck: model.fit with annealed τ learns the four clusters; saved and reloaded', async () => {
    const folder = join(scratch, 'bottleneck');
    // The full run (2,000 points, 30 epochs: about 2 s). Smaller runs stop at a code that merges
    // two clusters (error ≈ 1.1 after 15 epochs on 1,000 points), so they would test nothing.
    const result = await quietly(() => runDiscreteBottleneck({ points: 2000, epochs: 30, folder }));
    // Four codes for four clusters of σ = 0.3: the error can fall to σ² = 0.09 per coordinate,
    // while a code that ignored the point would leave the points' variance (about 4).
    expect(result.varianceOfPoints).toBeGreaterThan(3);
    expect(result.reconstructionError).toBeLessThan(0.2);
    expect(result.finalTemperature).toBe(0.3); // annealed after each epoch down to its floor
    expect(result.reloadedMatches).toBe(true);
    expect(existsSync(join(folder, 'model.json')) && existsSync(join(folder, 'weights.bin'))).toBe(true);
  });

  it('banditPolicy: both estimators learn; straight-through Gumbel faster on this differentiable reward', async () => {
    const curves = await quietly(() => runBanditPolicy({ steps: 60 }));
    const uniform = 0.58; // the mean of the example's reward table, what the zero-logit policy earns
    for (const curve of [curves.straightThroughGumbel, curves.reinforce]) {
      expect(curve).toHaveLength(60);
      expect(curve[59]).toBeGreaterThan(uniform + 0.1);
    }
    expect(curves.straightThroughGumbel[59]).toBeGreaterThan(0.9);
    expect(curves.straightThroughGumbel[59]).toBeGreaterThan(curves.reinforce[59]);
  });

  it('featureSelection: k pixels chosen by relaxed top-k rebuild digits better than k random pixels', async () => {
    const result = await quietly(() =>
      runFeatureSelection({ k: 20, steps: 300, trainCount: 2000, testCount: 500, hiddenUnits: 64 }),
    );
    expect(new Set(result.chosen).size).toBe(20);
    for (const pixel of result.chosen) expect(pixel >= 0 && pixel < 784).toBe(true);
    expect(result.learnedError).toBeLessThan(result.randomError);
    expect(result.randomError).toBeLessThan(result.meanImageError); // k pixels tell something
    expect(pixelMap(result.chosen).split('#')).toHaveLength(21);
  });
});
