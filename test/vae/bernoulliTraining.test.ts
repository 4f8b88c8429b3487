import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/vae/config.js';
import { discreteNegativeElbo } from '../../src/vae/evaluate.js';
import { encoderGradientVariance } from '../../src/vae/gradientVariance.js';
import { prepareRunData, VaeTrainer } from '../../src/vae/trainer.js';
import { temporaryFolders } from '../helpers/folders.js';

const freshFolder = temporaryFolders('gumbel-bernoulli-train-');

/** A small, fast Bernoulli configuration: 600 training digits, a narrow network, 16 bits. */
const SMALL: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  latent: 'bernoulli',
  latentVariables: 16,
  categories: 2,
  trainLimit: 600,
  steps: 100,
  batchSize: 50,
  hiddenUnits: [64, 32],
  checkpointEvery: 50,
  iwSamples: 20,
  estimator: 'disarm',
};
const data = prepareRunData(SMALL);
const validationSubset = data.validation.subarray(0, 200 * 784);

describe('Bernoulli VAE training', () => {
  it('DisARM lowers the validation −ELBO by a clear margin in 100 steps', async () => {
    const trainer = VaeTrainer.start(SMALL, freshFolder(), data);
    expect(trainer.model.layers[1].kernel.shape).toEqual([64, 32]);
    expect(trainer.model.layers[2].kernel.shape).toEqual([32, 16]); // one logit per bit
    const before = discreteNegativeElbo(trainer.model, validationSubset, { seed: 3 });
    await trainer.run();
    const after = discreteNegativeElbo(trainer.model, validationSubset, { seed: 3 });
    expect(after).toBeLessThan(before - 100);
    trainer.dispose();
  });

  for (const estimator of ['relax', 'rebar-tuned'] as const) {
    it(`a ${estimator} run resumed from its checkpoint restores the tuned control variate and ends exactly as an uninterrupted run`, async () => {
      const config: TrainConfig = {
        ...SMALL,
        estimator,
        steps: 8,
        checkpointEvery: 4,
        hiddenUnits: [16, 8],
        batchSize: 20,
      };
      const whole = VaeTrainer.start(config, freshFolder(), data);
      await whole.run();
      const expected = whole.model.parameters().map((p) => Array.from(p.dataSync()));
      const expectedControlVariate = whole.estimatorSnapshot().controlVariate?.state();
      whole.dispose();
      expect(expectedControlVariate?.adam.step).toBe(8); // one variance step per training step

      const folder = freshFolder();
      const first = VaeTrainer.start(config, folder, data);
      await first.run({ shouldStop: () => first.state.step >= 3 });
      first.dispose();
      const resumed = VaeTrainer.resume(folder, { data });
      expect(resumed.state.controlVariate?.adam.step).toBe(3);
      await resumed.run();
      expect(resumed.model.parameters().map((p) => Array.from(p.dataSync()))).toEqual(expected);
      expect(resumed.estimatorSnapshot().controlVariate?.state()).toEqual(expectedControlVariate);
      resumed.dispose();
    });
  }

  it('keeps the tensor count flat over RELAX training steps and the variance measurement', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const config: TrainConfig = {
      ...SMALL,
      estimator: 'relax',
      steps: 6,
      checkpointEvery: 3,
      hiddenUnits: [16, 8],
      batchSize: 20,
    };
    const trainer = VaeTrainer.start(config, freshFolder(), data);
    await trainer.run({
      onStep: (m) => {
        if (m.step === 2 || m.step === 5) counts.push(tf.memory().numTensors);
      },
    });
    expect(counts[0]).toBe(counts[1]);
    const images = tf.tensor2d(data.trainFixed.subarray(0, 10 * 784), [10, 784]);
    const variance = encoderGradientVariance(trainer.model, images, {
      repeats: 3,
      temperature: 1,
      kl: 'analytic',
      seed: 1,
      estimator: () => trainer.estimatorSnapshot(),
    });
    expect(variance.totalVariance).toBeGreaterThan(0);
    images.dispose();
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('encoder gradient variance', () => {
  it('is zero for a deterministic estimate and positive for a noisy one; refuses fewer than 2 repeats', () => {
    const config: TrainConfig = { ...SMALL, hiddenUnits: [16, 8] };
    const folder = freshFolder();
    const trainer = VaeTrainer.start({ ...config, estimator: 'score-function' }, folder, data);
    const images = tf.tensor2d(data.trainFixed.subarray(0, 10 * 784), [10, 784]);
    const options = {
      repeats: 4,
      temperature: 1,
      kl: 'analytic' as const,
      estimator: () => trainer.estimatorSnapshot(),
    };
    // The same seed for every repeat would give identical estimates: here each repeat gets its own.
    const noisy = encoderGradientVariance(trainer.model, images, { ...options, seed: 1 });
    expect(noisy.totalVariance).toBeGreaterThan(1e-3 * noisy.squaredMeanNorm);
    expect(() => encoderGradientVariance(trainer.model, images, { ...options, seed: 1, repeats: 1 })).toThrow(
      /repeats must be an integer >= 2, got 1/,
    );
    images.dispose();
    trainer.dispose();
  });
});
