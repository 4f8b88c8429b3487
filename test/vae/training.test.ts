import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/vae/config.js';
import { discreteNegativeElbo, importanceWeightedNll } from '../../src/vae/evaluate.js';
import { prepareRunData, VaeTrainer } from '../../src/vae/trainer.js';
import { temporaryFolders } from '../helpers/folders.js';

const freshFolder = temporaryFolders('gumbel-train-');

/** A small, fast configuration: 600 training digits, a narrower network, 5×4 latents. */
const SMALL: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  trainLimit: 600,
  steps: 120,
  batchSize: 50,
  latentVariables: 5,
  categories: 4,
  hiddenUnits: [64, 32],
  checkpointEvery: 40,
  iwSamples: 50,
};
const data = prepareRunData(SMALL);
const validationSubset = data.validation.subarray(0, 200 * 784);

describe('categorical VAE training', () => {
  it('lowers the validation −ELBO by a clear margin in 120 steps', async () => {
    const trainer = VaeTrainer.start(SMALL, freshFolder(), data);
    const before = discreteNegativeElbo(trainer.model, validationSubset, { seed: 3 });
    await trainer.run();
    const after = discreteNegativeElbo(trainer.model, validationSubset, { seed: 3 });
    // Untrained, the decoder predicts p = 0.5 per pixel: ≈ 784·log 2 ≈ 543 nats. A model that has
    // learned anything about digits is far below that.
    expect(before).toBeGreaterThan(500);
    expect(after).toBeLessThan(before - 200);
    trainer.dispose();
  });

  it('importance-weighted −log p(x) is at most the −ELBO and tightens with more samples', async () => {
    const trainer = VaeTrainer.start({ ...SMALL, steps: 60 }, freshFolder(), data);
    await trainer.run();
    const images = data.test.subarray(0, 100 * 784);
    const elbo = discreteNegativeElbo(trainer.model, images, { seed: 5 });
    const iw1 = importanceWeightedNll(trainer.model, images, 1, { seed: 6 });
    const iw100 = importanceWeightedNll(trainer.model, images, 100, { seed: 6 });
    // With m = 1 the IW estimate is a one-sample ELBO estimate (different noise): close to −ELBO.
    expect(Math.abs(iw1 - elbo)).toBeLessThan(0.05 * elbo);
    expect(iw100).toBeLessThan(elbo);
    expect(iw100).toBeLessThan(iw1);
    trainer.dispose();
  });

  it('a run stopped and resumed from its checkpoint ends with exactly the parameters of an uninterrupted run', async () => {
    const config = { ...SMALL, steps: 50, checkpointEvery: 20, binarization: 'dynamic' as const };
    const whole = VaeTrainer.start(config, freshFolder(), data);
    await whole.run();
    const expected = whole.model.parameters().map((p) => Array.from(p.dataSync()));
    whole.dispose();

    const folder = freshFolder();
    const first = VaeTrainer.start(config, folder, data);
    const { stopped } = await first.run({ shouldStop: () => first.state.step >= 27 });
    expect(stopped).toBe(true);
    expect(first.state.step).toBe(27);
    first.dispose(); // the process "dies" here; only the folder remains

    const resumed = VaeTrainer.resume(folder, { data });
    expect(resumed.state.step).toBe(27);
    await resumed.run();
    const actual = resumed.model.parameters().map((p) => Array.from(p.dataSync()));
    expect(actual).toEqual(expected);
    const steps = resumed.folder.readMetrics().map((m) => m.step);
    expect(steps).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    resumed.dispose();
  });

  it('keeps the tensor count flat over training steps', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const trainer = VaeTrainer.start({ ...SMALL, steps: 10, checkpointEvery: 5 }, freshFolder(), data);
    await trainer.run({
      onStep: (m) => {
        if (m.step === 3) counts.push(tf.memory().numTensors);
        if (m.step === 9) counts.push(tf.memory().numTensors);
      },
    });
    expect(counts[0]).toBe(counts[1]);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to start over an existing run and names the way out', async () => {
    const folder = freshFolder();
    const trainer = VaeTrainer.start({ ...SMALL, steps: 2, checkpointEvery: 1 }, folder, data);
    await trainer.run();
    trainer.dispose();
    expect(() => VaeTrainer.start(SMALL, folder, data)).toThrow(
      /already holds a run; resume it with --resume/,
    );
  });
});
