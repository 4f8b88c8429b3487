import { describe, expect, it } from 'vitest';
import { ArgumentError, estimators, tf } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';
import { drawEstimates, largestZScore } from './helpers.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('the registry knows the new estimators', () => {
  it('labels them and says what they need', () => {
    const make = (spec: estimators.EstimatorSpec) => estimators.createEstimator(spec);
    expect(make({ name: 'relax' }).label).toBe('relax h=16');
    expect(make({ name: 'unordered-set', setSize: 3 }).label).toBe('unordered-set k=3');
    expect(make({ name: 'disarm' }).needs).toBe('two-categories');
    expect(make({ name: 'multi-sample-disarm' }).needs).toBe('two-categories');
    expect(make({ name: 'multi-sample-disarm' }).usesTemperature).toBe(false);
    expect(make({ name: 'multi-sample-disarm' }).label).toBe('multi-sample-disarm');
    expect(make({ name: 'unordered-set' }).needs).toBe('loss-per-categorical');
    expect(make({ name: 'zgr' }).usesTemperature).toBe(false);
    expect(make({ name: 'gapped-straight-through' }).usesTemperature).toBe(true);
    expect(make({ name: 'rebar-tuned' }).controlVariate?.temperature).toBe(0.5);
    expect(make({ name: 'relax' }).controlVariate).toBeUndefined(); // made at the first call
  });

  it('rejects bad parameters naming the flag', () => {
    for (const [spec, argument] of [
      [{ name: 'relax', relaxHidden: 0 }, 'relax-hidden'],
      [{ name: 'disarm', disarmPairs: 0 }, 'disarm-pairs'],
      [{ name: 'unordered-set', setSize: 1 }, 'set-size (k)'],
      [{ name: 'gapped-straight-through', gap: -1 }, 'gap'],
      [{ name: 'rebar-tuned', controlVariateLearningRate: 0 }, 'control-variate-learning-rate'],
    ] as const) {
      try {
        estimators.createEstimator(spec);
        throw new Error('expected an ArgumentError');
      } catch (error) {
        expect(error).toBeInstanceOf(ArgumentError);
        expect((error as ArgumentError).argument).toBe(argument);
      }
    }
    const disarm = estimators.createEstimator({ name: 'disarm' });
    const three = tf.tensor1d([0, 1, 2]);
    expect(() => disarm.estimate(three, (z) => tf.sum(z), { temperature: 1 })).toThrow(
      /2 categories for DisARM/,
    );
    const local = estimators.createEstimator({ name: 'multi-sample-disarm' });
    expect(() => local.estimate(three, (z) => tf.sum(z), { temperature: 1 })).toThrow(
      /2 categories for multi-sample DisARM/,
    );
    three.dispose();
  });

  /**
   * DisARM and multi-sample DisARM (the 3 bits its samples axis) through the registry on the
   * categorical form of a Bernoulli (as the lab runs it, via estimators.binary): unbiased, 4000
   * estimates within 4 standard errors per bit; RELAX through the
   * registry keeps one control variate across calls and is unbiased there too.
   */
  it('runs DisARM on pairs and RELAX with a persistent control variate, both unbiased', () => {
    const logits = tf.tensor1d([-1, 0.5, 2]);
    const target = tf.tensor1d([0.2, 0.9, 0.4]);
    const loss = (b: Tensor) => tf.sum(tf.square(tf.sub(b, target)), -1);
    const exact = [-1, 0.5, 2].map((l, j) => sigmoid(l) * (1 - sigmoid(l)) * (1 - 2 * [0.2, 0.9, 0.4][j]));
    for (const name of ['disarm', 'multi-sample-disarm', 'relax'] as const) {
      const configured = estimators.createEstimator({ name, relaxHidden: 4 });
      const estimator = estimators.binary((l: Tensor, f: (z: Tensor) => Tensor, o?: { seed?: number }) =>
        configured.estimate(l, f, { temperature: 1, seed: o?.seed }),
      );
      const rows = drawEstimates((l, f) => estimator(l, f, { seed: 61 }).loss, logits, loss, 4000);
      expect(largestZScore(rows, exact)).toBeLessThan(4);
      if (name === 'relax') {
        const controlVariate = configured.controlVariate;
        expect(controlVariate?.categories).toBe(2);
        drawEstimates((l, f) => estimator(l, f, { seed: 62 }).loss, logits, loss, 10);
        expect(configured.controlVariate).toBe(controlVariate);
        expect(controlVariate?.state().adam.step).toBe(2);
      }
    }
    tf.dispose([logits, target]);
  });
});
