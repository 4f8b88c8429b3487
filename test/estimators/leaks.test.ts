import { describe, expect, it } from 'vitest';
import { estimators, tf } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';
import { expectOnlyReturnedTensors } from '../helpers/leaks.js';

const SPECS: estimators.EstimatorSpec[] = [
  // The DisARMs need two categories: they have their own leak tests (newEstimators.test.ts,
  // multiSampleDisarm.test.ts).
  ...estimators.ESTIMATOR_NAMES.filter((name) => name !== 'disarm' && name !== 'multi-sample-disarm').map(
    (name): estimators.EstimatorSpec => (name === 'unordered-set' ? { name, setSize: 2 } : { name }),
  ),
  { name: 'score-function', scoreSamples: 3 },
  { name: 'score-function', baseline: 'moving-average' },
];

describe('no tensor leaks', () => {
  const logits = tf.tensor2d([
    [0.1, 0.5, -1],
    [2, 0, 1],
  ]);
  const weights = tf.variable(
    tf.tensor2d([
      [1, 2, 3],
      [0.5, -1, 2],
    ]),
  );
  const loss = (z: Tensor) => tf.sum(tf.square(tf.sub(z, weights)), -1);

  it.each(SPECS.map((spec) => [estimators.createEstimator(spec).label, spec] as const))(
    '%s returns only its sample and loss, and leaves nothing inside tf.grad or tf.variableGrads',
    (_, spec) => {
      const estimator = estimators.createEstimator(spec);
      const options = { temperature: 1.2, seed: 3 };
      expectOnlyReturnedTensors(() => {
        const { sample, loss: estimated } = estimator.estimate(logits, loss, options);
        return [sample, estimated];
      });
      expectOnlyReturnedTensors(() =>
        tf.grad((theta: Tensor) => tf.sum(estimator.estimate(theta, loss, options).loss))(logits),
      );
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => tf.sum(estimator.estimate(logits, loss, options).loss));
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('binary estimators return only their sample and loss and leave nothing inside tf.grad', () => {
    const bits = tf.tensor2d([
      [0.3, -1],
      [2, 0],
    ]);
    const bitLoss = (b: Tensor) => tf.sum(tf.square(b), -1);
    for (const estimator of [
      estimators.binary(estimators.gumbelRao),
      estimators.binary(estimators.scoreFunction),
    ]) {
      expectOnlyReturnedTensors(() => {
        const { sample, loss: estimated } = estimator(bits, bitLoss, { seed: 2 });
        return [sample, estimated];
      });
      expectOnlyReturnedTensors(() =>
        tf.grad((l: Tensor) => tf.sum(estimator(l, bitLoss, { seed: 2 }).loss))(bits),
      );
    }
    bits.dispose();
  });

  it('conditionalGumbel returns only its draws', () => {
    const sample = tf.tensor2d([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    expectOnlyReturnedTensors(() => estimators.conditionalGumbel(logits, sample, { draws: 4, seed: 1 }));
    sample.dispose();
  });
});
