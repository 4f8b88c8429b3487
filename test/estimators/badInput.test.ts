import { describe, expect, it } from 'vitest';
import { ArgumentError, estimators, tf } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';

const sumLoss = (z: Tensor) => tf.sum(z, -1);

function expectArgumentError(work: () => unknown, argument: string, message: RegExp): void {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe(argument);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected an ArgumentError');
}

describe('estimators reject bad input, naming the argument and the allowed range', () => {
  const logits = tf.tensor2d([
    [0.1, 0.2, 0.3],
    [1, 2, 3],
  ]);

  it('temperatures', () => {
    expectArgumentError(
      () => estimators.straightThroughGumbel(logits, sumLoss, { temperature: 0 }),
      'temperature',
      /finite number > 0, got 0/,
    );
    expectArgumentError(
      () => estimators.gumbelRao(logits, sumLoss, { temperature: Number.NaN }),
      'temperature',
      /got NaN/,
    );
    expectArgumentError(
      () => estimators.reinmax(logits, sumLoss, { temperature: 0.5 }),
      'temperature',
      /must be a finite number >= 1 for ReinMax.*got 0\.5/,
    );
    expectArgumentError(
      () => estimators.createEstimator({ name: 'reinmax' }).estimate(logits, sumLoss, { temperature: 0.9 }),
      'temperature',
      />= 1/,
    );
  });

  it('counts and baselines', () => {
    expectArgumentError(() => estimators.gumbelRao(logits, sumLoss, { k: 0 }), 'k', /integer >= 1, got 0/);
    expectArgumentError(() => estimators.gumbelRao(logits, sumLoss, { k: 2.5 }), 'k', /integer >= 1/);
    expectArgumentError(() => estimators.scoreFunction(logits, sumLoss, { samples: 0 }), 'samples', />= 1/);
    expectArgumentError(
      () => estimators.scoreFunction(logits, sumLoss, { samples: 1, baseline: 'leave-one-out' }),
      'samples',
      />= 2 with the leave-one-out baseline, got 1/,
    );
    expectArgumentError(
      () => estimators.scoreFunction(logits, sumLoss, { baseline: 'mean' as 'none' }),
      'baseline',
      /'none', 'leave-one-out' or a MovingAverageBaseline, got mean/,
    );
    expectArgumentError(
      () => estimators.rebar(logits, sumLoss, { eta: Number.POSITIVE_INFINITY }),
      'eta',
      /finite/,
    );
    expectArgumentError(
      () =>
        estimators.conditionalGumbel(
          logits,
          tf.tensor2d([
            [1, 1, 0],
            [0, 0, 1],
          ]),
        ),
      'sample',
      /one-hot/,
    );
  });

  it('logits', () => {
    expectArgumentError(
      () => estimators.straightThrough(tf.tensor2d([[0, Number.NaN]]), sumLoss),
      'logits',
      /NaN or \+Infinity/,
    );
    expectArgumentError(
      () => estimators.reinmax(tf.tensor1d([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]), sumLoss),
      'logits',
      /every category is masked/,
    );
    expectArgumentError(() => estimators.gumbelSoftmax(tf.scalar(1), sumLoss), 'logits', /rank >= 1/);
    expectArgumentError(
      () => estimators.scoreFunction(tf.tensor1d([1, 2], 'int32'), sumLoss),
      'logits',
      /float32 tensor, got dtype int32/,
    );
    expectArgumentError(
      () => estimators.rebar(tf.tensor1d([0, Number.NEGATIVE_INFINITY, 1]), sumLoss),
      'logits',
      /must be finite for REBAR/,
    );
  });

  it('a loss of the wrong shape', () => {
    expectArgumentError(
      () => estimators.straightThroughGumbel(logits, (z) => z),
      'loss',
      /leading part of \[2\].*got a float32 tensor of shape \[2,3\]/,
    );
    expectArgumentError(
      () => estimators.scoreFunction(logits, (z) => tf.sum(z, 0)),
      'loss',
      /got a float32 tensor of shape \[3\]/,
    );
  });

  it('unknown estimators and parameters out of range', () => {
    expectArgumentError(
      () => estimators.createEstimator({ name: 'reinforce' as 'rebar' }),
      'estimator',
      /must be one of straight-through, .*got reinforce/,
    );
    expectArgumentError(
      () => estimators.createEstimator({ name: 'gumbel-rao', raoSamples: 0 }),
      'rao-samples (k)',
      />= 1/,
    );
    expectArgumentError(
      () =>
        estimators.createEstimator({ name: 'score-function', baseline: 'moving-average', baselineDecay: 1 }),
      'baseline-decay',
      /\[0, 1\)/,
    );
  });
});
