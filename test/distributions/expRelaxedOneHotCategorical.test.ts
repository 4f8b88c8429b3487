import { describe, expect, it } from 'vitest';
import { ExpRelaxedOneHotCategorical, tf } from '../../src/index.js';
import { alphaOf, concreteLogDensity } from './concrete.js';
import {
  centralDifferences,
  chiSquare,
  expectArgumentError,
  expectClose,
  expectNoNaN,
  logSumExp,
  read,
  take,
} from './helpers.js';

const NEG_INF = Number.NEGATIVE_INFINITY;

/**
 * The log-space Concrete density of x = log y (Maddison et al. 2017, App. C.3): Eq. 11 at y = exp(x)
 * times the Jacobian Π y_k of y = exp(x), i.e. log p(x) = log Eq.11(exp x) + Σ x_k.
 */
function logConcreteLogDensity(x: number[], alpha: number[], tau: number): number {
  return concreteLogDensity(x.map(Math.exp), alpha, tau) + x.reduce((a, b) => a + b, 0);
}

describe('ExpRelaxedOneHotCategorical', () => {
  it('logProb equals Eq. 11 at exp(x) plus the Jacobian Σ x', () => {
    const logits = [0.4, -0.3, 1.2];
    const points = [[0.2, 0.3, 0.5].map(Math.log), [0.05, 0.9, 0.05].map(Math.log)];
    for (const tau of [0.5, 1, 3]) {
      const relaxed = new ExpRelaxedOneHotCategorical({ temperature: tau, logits });
      const expected = points.map((x) => logConcreteLogDensity(x, alphaOf(logits), tau));
      expectClose(take(relaxed.logProb(points)), expected, 1e-4, 1e-5);
      relaxed.dispose();
    }
  });

  it('samples lie in the log-simplex and logProb of them matches the formula', () => {
    const probs = [0.25, 0.25, 0.5];
    const relaxed = new ExpRelaxedOneHotCategorical({ temperature: 0.6, probs });
    const samples = relaxed.rsample({ sampleShape: [40], seed: 31 });
    expect(samples.shape).toEqual([40, 3]);
    const values = read(samples);
    const rows = Array.from({ length: 40 }, (_, i) => values.slice(3 * i, 3 * i + 3));
    for (const row of rows) expect(Math.abs(logSumExp(row))).toBeLessThan(1e-5);
    expectClose(
      take(relaxed.logProb(samples)),
      rows.map((row) => logConcreteLogDensity(row, probs, 0.6)),
      2e-3,
      1e-4,
    );
    samples.dispose();
    relaxed.dispose();
  });

  it('the argmax of a sample is categorical with the given probabilities (chi-square)', () => {
    // Chi-square of 20,000 argmax draws against p = (0.5, 0.3, 0.2): 2 degrees of freedom, 18.42 at
    // level 1e−4.
    const probs = [0.5, 0.3, 0.2];
    const relaxed = new ExpRelaxedOneHotCategorical({ temperature: 0.3, probs });
    const indices = take(tf.tidy(() => tf.argMax(relaxed.rsample({ sampleShape: [20_000], seed: 9 }), -1)));
    const counts = [0, 0, 0];
    for (const index of indices) counts[index]++;
    expect(chiSquare(counts, probs)).toBeLessThan(18.42);
    relaxed.dispose();
  });

  it('stays finite at τ = 0.01: samples, logProb of its own samples and their gradients', () => {
    const logits = tf.tensor([[0.5, -1, 2, 0, 1]]);
    const temperature = tf.scalar(0.01);
    const relaxed = new ExpRelaxedOneHotCategorical({ temperature, logits });
    const samples = relaxed.rsample({ sampleShape: [1000], seed: 17 });
    expect(read(samples).every(Number.isFinite)).toBe(true);
    const logDensities = take(relaxed.logProb(samples));
    expect(logDensities.every(Number.isFinite)).toBe(true);
    samples.dispose();
    relaxed.dispose();
    const [dLogits, dTemperature] = tf.grads((l: tf.Tensor, t: tf.Tensor) => {
      const distribution = new ExpRelaxedOneHotCategorical({ temperature: t, logits: l });
      return tf.sum(distribution.logProb(distribution.rsample({ sampleShape: [100], seed: 2 })));
    })([logits, temperature]);
    expect(take(dLogits).every(Number.isFinite)).toBe(true);
    expect(take(dTemperature).every(Number.isFinite)).toBe(true);
    logits.dispose();
    temperature.dispose();
  });

  it('masked categories get −Infinity, the density over the rest and no NaN gradients', () => {
    const logitsValues = [0.2, NEG_INF, 1, -0.5];
    const logits = tf.tensor(logitsValues);
    const temperature = tf.scalar(0.5);
    const relaxed = new ExpRelaxedOneHotCategorical({ temperature, logits });
    const samples = relaxed.rsample({ sampleShape: [20], seed: 23 });
    const values = read(samples);
    expect(values.filter((_, i) => i % 4 === 1).every((v) => v === NEG_INF)).toBe(true);
    const expected = Array.from({ length: 20 }, (_, i) => {
      const row = values.slice(4 * i, 4 * i + 4);
      return logConcreteLogDensity([row[0], row[2], row[3]], alphaOf([0.2, 1, -0.5]), 0.5);
    });
    expectClose(take(relaxed.logProb(samples)), expected, 2e-3, 1e-4);
    samples.dispose();
    relaxed.dispose();
    const [dLogits, dTemperature] = tf.grads((l: tf.Tensor, t: tf.Tensor) => {
      const distribution = new ExpRelaxedOneHotCategorical({ temperature: t, logits: l });
      const x = distribution.rsample({ sampleShape: [5], seed: 4 });
      const finiteX = tf.where(tf.isFinite(x), x, tf.zerosLike(x));
      return tf.add(tf.sum(distribution.logProb(x)), tf.sum(finiteX));
    })([logits, temperature]);
    const logitGradient = take(dLogits);
    expectNoNaN(logitGradient);
    expect(logitGradient[1]).toBe(0);
    expectNoNaN(take(dTemperature));
    logits.dispose();
    temperature.dispose();
  });

  it('a tensor temperature broadcasts against the batch shape', () => {
    const logits = [0.1, 0.7, -0.2];
    const relaxed = new ExpRelaxedOneHotCategorical({ temperature: tf.tensor([0.5, 2]), logits });
    expect(relaxed.batchShape).toEqual([2]);
    const point = [0.3, 0.3, 0.4].map(Math.log);
    expectClose(
      take(relaxed.logProb(point)),
      [0.5, 2].map((tau) => logConcreteLogDensity(point, alphaOf(logits), tau)),
      1e-4,
      1e-5,
    );
    const samples = relaxed.rsample({ sampleShape: [3], seed: 1 });
    expect(samples.shape).toEqual([3, 2, 3]);
    samples.dispose();
    (relaxed.temperature as tf.Tensor).dispose();
    relaxed.dispose();
  });

  it('rsample and logProb gradients match central finite differences', () => {
    const logitValues = [0.3, -0.4, 0.9];
    const weights = tf.tensor([0.5, -1, 2]);
    const rsampleObjective = (l: tf.Tensor, t: tf.Tensor): tf.Tensor =>
      tf.sum(
        tf.mul(
          new ExpRelaxedOneHotCategorical({ temperature: t, logits: l }).rsample({
            sampleShape: [3],
            seed: 12,
          }),
          weights,
        ),
      );
    const evaluate = (l: number[], t: number): number =>
      tf.tidy(() => rsampleObjective(tf.tensor(l), tf.scalar(t)).dataSync()[0]);
    const logits = tf.tensor(logitValues);
    const temperature = tf.scalar(0.7);
    const [dLogits, dTemperature] = tf.grads(rsampleObjective)([logits, temperature]);
    expectClose(
      take(dLogits),
      centralDifferences((l) => evaluate(l, 0.7), logitValues),
      5e-3,
      3e-3,
    );
    expectClose(
      take(dTemperature),
      centralDifferences(([t]) => evaluate(logitValues, t), [0.7]),
      5e-3,
      3e-3,
    );

    const point = [0.25, 0.15, 0.6].map(Math.log);
    const [dLogitsDensity, dTemperatureDensity] = tf.grads((l: tf.Tensor, t: tf.Tensor) =>
      new ExpRelaxedOneHotCategorical({ temperature: t, logits: l }).logProb(point),
    )([logits, temperature]);
    expectClose(
      take(dLogitsDensity),
      centralDifferences((l) => logConcreteLogDensity(point, alphaOf(l), 0.7), logitValues, 1e-5),
      1e-3,
      1e-3,
    );
    expectClose(
      take(dTemperatureDensity),
      centralDifferences(([t]) => logConcreteLogDensity(point, alphaOf(logitValues), t), [0.7], 1e-5),
      1e-3,
      1e-3,
    );
    logits.dispose();
    temperature.dispose();
    weights.dispose();
  });

  it('rejects bad temperatures and values outside the log-simplex with an ArgumentError', () => {
    expectArgumentError(
      () => new ExpRelaxedOneHotCategorical({ temperature: 0, logits: [0, 1] }),
      'temperature',
    );
    expectArgumentError(
      () =>
        new ExpRelaxedOneHotCategorical({
          temperature: tf.tensor([0.5, Number.NaN]),
          logits: [
            [0, 1],
            [0, 1],
          ],
        }),
      'temperature',
    );
    expectArgumentError(
      () => new ExpRelaxedOneHotCategorical({ temperature: 1, probs: [0.5, 0.6] }),
      'probs',
    );
    const relaxed = new ExpRelaxedOneHotCategorical({ temperature: 1, logits: [0, NEG_INF, 1] });
    expectArgumentError(() => relaxed.logProb([Math.log(0.5), NEG_INF, Math.log(0.6)]), 'value');
    expectArgumentError(() => relaxed.logProb([Math.log(0.5), Math.log(0.1), Math.log(0.4)]), 'value');
    expectArgumentError(() => relaxed.logProb([0, NEG_INF, NEG_INF]), 'value');
    expectArgumentError(() => relaxed.logProb([Math.log(0.5), NEG_INF, Number.NaN]), 'value');
    expectArgumentError(() => relaxed.logProb([Math.log(0.5), Math.log(0.5)]), 'value');
    relaxed.dispose();
  });
});
