import { describe, expect, it } from 'vitest';
import { ArgumentError, estimators, tf } from '../../src/index.js';
import {
  checkTrainConfig,
  DEFAULT_TRAIN_CONFIG,
  estimatorSpecOf,
  type TrainConfig,
} from '../../src/vae/config.js';
import { CategoricalVae } from '../../src/vae/model.js';
import { negativeElbo } from '../../src/vae/objective.js';
import { prepareRunData, VaeTrainer } from '../../src/vae/trainer.js';
import { temporaryFolders } from '../helpers/folders.js';

const freshFolder = temporaryFolders('gumbel-estimator-train-');

const SMALL: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  trainLimit: 200,
  steps: 12,
  batchSize: 20,
  latentVariables: 3,
  categories: 4,
  hiddenUnits: [16],
  checkpointEvery: 4,
  iwSamples: 2,
};
const data = prepareRunData(SMALL);

describe('the VAE trainer with an estimator', () => {
  it('--hard is straight-through Gumbel; other estimators keep their parameters', () => {
    expect(estimatorSpecOf({ ...SMALL, hard: true }).name).toBe('straight-through-gumbel');
    expect(estimatorSpecOf(SMALL).name).toBe('gumbel-softmax');
    const spec = estimatorSpecOf({ ...SMALL, estimator: 'gumbel-rao', raoSamples: 7 });
    expect(estimators.createEstimator(spec).label).toBe('gumbel-rao k=7');
  });

  it('rejects combinations that cannot work, naming the flag', () => {
    const expectError = (config: TrainConfig, argument: string, message: RegExp) => {
      try {
        checkTrainConfig(config);
      } catch (error) {
        expect(error).toBeInstanceOf(ArgumentError);
        expect((error as ArgumentError).argument).toBe(argument);
        expect((error as Error).message).toMatch(message);
        return;
      }
      throw new Error('expected an ArgumentError');
    };
    expectError(
      { ...SMALL, estimator: 'reinmax' },
      'min-temperature',
      />= 1 with --estimator reinmax.*got 0\.5/,
    );
    expectError(
      { ...SMALL, estimator: 'unordered-set' },
      'estimator',
      /one the VAE trainer supports.*got unordered-set \(it needs one loss per categorical/,
    );
    expectError(
      { ...SMALL, estimator: 'disarm' },
      'estimator',
      /disarm needs binary latents: use --latent bernoulli/,
    );
    expectError(
      { ...SMALL, estimator: 'reinmax', schedule: { kind: 'constant', initial: 0.8 } },
      'temperature',
      /got 0\.8/,
    );
    expectError(
      { ...SMALL, estimator: 'rebar', hard: true },
      'hard',
      /synonym of --estimator straight-through-gumbel/,
    );
    expectError(
      { ...SMALL, estimator: 'score-function', kl: 'relaxed' },
      'kl',
      /gumbel-softmax or straight-through-gumbel only/,
    );
    expectError(
      { ...SMALL, estimator: 'score-function', scoreSamples: 1 },
      'score-samples (S)',
      />= 2 with the leave-one-out/,
    );
    expect(() =>
      checkTrainConfig({ ...SMALL, estimator: 'reinmax', schedule: { kind: 'constant', initial: 1 } }),
    ).not.toThrow();
  });

  it('reads runs saved before estimators existed as gumbel-softmax (or straight-through with hard)', () => {
    const { estimator: _, raoSamples: __, ...old } = SMALL;
    expect(estimatorSpecOf(old as TrainConfig).name).toBe('gumbel-softmax');
    expect(() => checkTrainConfig(old as TrainConfig)).not.toThrow();
  });

  it('the objective refuses the relaxed KL with a score-function estimator', () => {
    const model = new CategoricalVae(
      { latentVariables: 2, categories: 3, inputSize: 784, hiddenUnits: [8] },
      1,
    );
    const images = tf.zeros([2, 784]);
    expect(() =>
      negativeElbo(model, images, {
        temperature: 1,
        hard: false,
        kl: 'relaxed',
        estimator: estimators.createEstimator({ name: 'score-function', scoreSamples: 2 }),
      }),
    ).toThrow(/'relaxed' needs the relaxed sample/);
    model.dispose();
    images.dispose();
  });

  it('a score-function run with a moving-average baseline resumes to exactly the uninterrupted parameters', async () => {
    const config: TrainConfig = {
      ...SMALL,
      estimator: 'score-function',
      scoreSamples: 2,
      baseline: 'moving-average',
    };
    const whole = VaeTrainer.start(config, freshFolder(), data);
    await whole.run();
    const expected = whole.model.parameters().map((p) => Array.from(p.dataSync()));
    const expectedBaseline = whole.state.baselineValue;
    whole.dispose();
    expect(expectedBaseline).toBeGreaterThan(100); // −log p(x|z) of digits, in nats

    const folder = freshFolder();
    const first = VaeTrainer.start(config, folder, data);
    await first.run({ shouldStop: () => first.state.step >= 7 });
    first.dispose();
    const resumed = VaeTrainer.resume(folder, { data });
    expect(resumed.state.step).toBe(7);
    await resumed.run();
    expect(resumed.model.parameters().map((p) => Array.from(p.dataSync()))).toEqual(expected);
    expect(resumed.state.baselineValue).toBe(expectedBaseline);
    resumed.dispose();
  });

  it.each(['straight-through', 'gumbel-rao', 'reinmax', 'rebar'] as const)(
    '%s trains without leaking tensors',
    async (estimator) => {
      const before = tf.memory().numTensors;
      const schedule = { kind: 'constant' as const, initial: 1.2 };
      const trainer = VaeTrainer.start({ ...SMALL, estimator, schedule, steps: 4 }, freshFolder(), data);
      await trainer.run();
      expect(trainer.estimatorLabel).toContain(estimator);
      trainer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});
