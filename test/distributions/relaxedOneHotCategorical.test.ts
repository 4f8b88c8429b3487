import { describe, expect, it } from 'vitest';
import { ExpRelaxedOneHotCategorical, RelaxedOneHotCategorical, tf } from '../../src/index.js';
import { alphaOf, concreteLogDensity } from './concrete.js';
import {
  centralDifferences,
  chiSquare,
  expectArgumentError,
  expectClose,
  expectNoNaN,
  integrate,
  read,
  take,
} from './helpers.js';

const NEG_INF = Number.NEGATIVE_INFINITY;

describe('RelaxedOneHotCategorical', () => {
  it('logProb equals the Concrete density of Eq. 11 (Maddison et al. 2017)', () => {
    const logits = [0.4, -0.3, 1.2];
    const points = [
      [0.2, 0.3, 0.5],
      [0.01, 0.9, 0.09],
      [1 / 3, 1 / 3, 1 / 3],
    ];
    for (const tau of [0.3, 1, 2.5]) {
      const relaxed = new RelaxedOneHotCategorical({ temperature: tau, logits });
      const expected = points.map((y) => concreteLogDensity(y, alphaOf(logits), tau));
      expectClose(take(relaxed.logProb(points)), expected, 1e-4, 1e-5);
      relaxed.dispose();
    }
  });

  it('logProb of its own samples equals Eq. 11 at those samples', () => {
    const probs = [0.1, 0.2, 0.3, 0.4];
    const relaxed = new RelaxedOneHotCategorical({ temperature: 0.7, probs });
    const samples = relaxed.rsample({ sampleShape: [50], seed: 19 });
    const values = read(samples);
    const expected = Array.from({ length: 50 }, (_, i) =>
      concreteLogDensity(values.slice(4 * i, 4 * i + 4), probs, 0.7),
    );
    expectClose(take(relaxed.logProb(samples)), expected, 2e-3, 1e-4);
    samples.dispose();
    relaxed.dispose();
  });

  it('integrates to 1 over the simplex for two categories', () => {
    // ∫₀¹ p(y, 1 − y) dy = 1 by the midpoint rule with 4,000 panels; at τ ≥ 1 the density is bounded,
    // so the rule's error is far below the 2e−3 tolerance.
    const panels = 4000;
    const ys = Array.from({ length: panels }, (_, i) => (i + 0.5) / panels);
    for (const tau of [1, 2]) {
      const relaxed = new RelaxedOneHotCategorical({ temperature: tau, probs: [0.3, 0.7] });
      const densities = take(relaxed.logProb(ys.map((y) => [y, 1 - y]))).map(Math.exp);
      expect(Math.abs(densities.reduce((a, b) => a + b, 0) / panels - 1)).toBeLessThan(2e-3);
      relaxed.dispose();
    }
    expect(
      integrate((y) => Math.exp(concreteLogDensity([y, 1 - y], [0.3, 0.7], 1)), 0, 1, panels),
    ).toBeCloseTo(1, 3);
  });

  it('samples lie in the simplex, with the sample shape prepended', () => {
    const relaxed = new RelaxedOneHotCategorical({ temperature: 0.5, logits: tf.zeros([2, 3]) });
    const samples = relaxed.rsample({ sampleShape: [100], seed: 1 });
    expect(samples.shape).toEqual([100, 2, 3]);
    const values = take(samples);
    for (let row = 0; row < 200; row++) {
      const slice = values.slice(3 * row, 3 * row + 3);
      expect(slice.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(Math.abs(slice.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    }
    relaxed.dispose();
  });

  it('the argmax of a sample is categorical with the given probabilities (chi-square)', () => {
    // argmax softmax((logits + g)/τ) = argmax(logits + g), an exact categorical draw. Chi-square of
    // 20,000 draws against p = (0.1, 0.2, 0.3, 0.4): 3 degrees of freedom, 21.11 at level 1e−4.
    const probs = [0.1, 0.2, 0.3, 0.4];
    const relaxed = new RelaxedOneHotCategorical({ temperature: 2, probs });
    const counts = [0, 0, 0, 0];
    const indices = take(tf.tidy(() => tf.argMax(relaxed.rsample({ sampleShape: [20_000], seed: 5 }), -1)));
    for (const index of indices) counts[index]++;
    expect(chiSquare(counts, probs)).toBeLessThan(21.11);
    relaxed.dispose();
  });

  it('its samples are the exponentials of ExpRelaxedOneHotCategorical samples from the same seed', () => {
    const parameters = { temperature: 0.4, logits: [0.5, -1, 2] };
    const relaxed = new RelaxedOneHotCategorical(parameters);
    const logRelaxed = new ExpRelaxedOneHotCategorical(parameters);
    const y = take(relaxed.rsample({ sampleShape: [10], seed: 77 }));
    const x = take(logRelaxed.rsample({ sampleShape: [10], seed: 77 }));
    expectClose(y, x.map(Math.exp), 1e-6, 1e-5);
    relaxed.dispose();
    logRelaxed.dispose();
  });

  it('masked categories get exactly 0, a finite density over the rest and no NaN gradients', () => {
    const logitsValues = [0.2, NEG_INF, 1, -0.5];
    const logits = tf.tensor(logitsValues);
    const temperature = tf.scalar(0.6);
    const relaxed = new RelaxedOneHotCategorical({ temperature, logits });
    const samples = relaxed.rsample({ sampleShape: [20], seed: 3 });
    const values = read(samples);
    expect(values.filter((_, i) => i % 4 === 1).every((v) => v === 0)).toBe(true);
    const expected = Array.from({ length: 20 }, (_, i) => {
      const row = values.slice(4 * i, 4 * i + 4);
      return concreteLogDensity([row[0], row[2], row[3]], alphaOf([0.2, 1, -0.5]), 0.6);
    });
    expectClose(take(relaxed.logProb(samples)), expected, 2e-3, 1e-4);
    samples.dispose();
    relaxed.dispose();

    const [dLogits, dTemperature] = tf.grads((l: tf.Tensor, t: tf.Tensor) => {
      const distribution = new RelaxedOneHotCategorical({ temperature: t, logits: l });
      const y = distribution.rsample({ sampleShape: [5], seed: 8 });
      return tf.add(tf.sum(distribution.logProb(y)), tf.sum(tf.mul(y, tf.tensor([1, 2, 3, 4]))));
    })([logits, temperature]);
    const logitGradient = take(dLogits);
    expectNoNaN(logitGradient);
    expect(logitGradient[1]).toBe(0);
    expectNoNaN(take(dTemperature));
    logits.dispose();
    temperature.dispose();
  });

  it('rsample gradients w.r.t. logits and a tensor temperature match central finite differences', () => {
    const logitValues = [0.3, -0.4, 0.9];
    const weights = tf.tensor([0.5, -1, 2]);
    const objective = (l: tf.Tensor, t: tf.Tensor): tf.Tensor =>
      tf.sum(
        tf.mul(
          new RelaxedOneHotCategorical({ temperature: t, logits: l }).rsample({ sampleShape: [4], seed: 6 }),
          weights,
        ),
      );
    const evaluate = (l: number[], t: number): number =>
      tf.tidy(() => objective(tf.tensor(l), tf.scalar(t)).dataSync()[0]);
    const logits = tf.tensor(logitValues);
    const temperature = tf.scalar(0.8);
    const [dLogits, dTemperature] = tf.grads(objective)([logits, temperature]);
    expectClose(
      take(dLogits),
      centralDifferences((l) => evaluate(l, 0.8), logitValues),
      3e-3,
      3e-3,
    );
    expectClose(
      take(dTemperature),
      centralDifferences(([t]) => evaluate(logitValues, t), [0.8]),
      3e-3,
      3e-3,
    );
    logits.dispose();
    temperature.dispose();
    weights.dispose();
  });

  it('logProb gradients w.r.t. logits and temperature match finite differences of Eq. 11', () => {
    const logitValues = [0.3, -0.4, 0.9];
    const point = [0.25, 0.15, 0.6];
    const logits = tf.tensor(logitValues);
    const temperature = tf.scalar(0.8);
    const [dLogits, dTemperature] = tf.grads((l: tf.Tensor, t: tf.Tensor) =>
      new RelaxedOneHotCategorical({ temperature: t, logits: l }).logProb(point),
    )([logits, temperature]);
    const byLogits = centralDifferences((l) => concreteLogDensity(point, alphaOf(l), 0.8), logitValues, 1e-5);
    const byTemperature = centralDifferences(
      ([t]) => concreteLogDensity(point, alphaOf(logitValues), t),
      [0.8],
      1e-5,
    );
    expectClose(take(dLogits), byLogits, 1e-3, 1e-3);
    expectClose(take(dTemperature), byTemperature, 1e-3, 1e-3);
    logits.dispose();
    temperature.dispose();
  });

  it('rejects bad temperatures, parameters and values with an ArgumentError naming them', () => {
    for (const temperature of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectArgumentError(() => new RelaxedOneHotCategorical({ temperature, logits: [0, 1] }), 'temperature');
    }
    expectArgumentError(
      () =>
        new RelaxedOneHotCategorical({
          temperature: tf.tensor([1, 0]),
          logits: [
            [0, 1],
            [1, 0],
          ],
        }),
      'temperature',
    );
    expectArgumentError(
      () => new RelaxedOneHotCategorical({ temperature: tf.scalar(1, 'int32'), logits: [0, 1] }),
      'temperature',
    );
    expectArgumentError(
      () =>
        new RelaxedOneHotCategorical({
          temperature: [1, 2, 3],
          logits: [
            [0, 1],
            [1, 0],
          ],
        }),
      'temperature',
    );
    expectArgumentError(
      () => new RelaxedOneHotCategorical({ temperature: 1, logits: [Number.NaN, 1] }),
      'logits',
    );
    expectArgumentError(() => new RelaxedOneHotCategorical({ temperature: 1, probs: [0.2, 0.2] }), 'probs');
    expectArgumentError(() => new RelaxedOneHotCategorical({ temperature: 1 } as never), 'logits');
    const relaxed = new RelaxedOneHotCategorical({ temperature: 1, logits: [0, NEG_INF, 1] });
    expectArgumentError(() => relaxed.logProb([0.5, 0, 0.6]), 'value');
    expectArgumentError(() => relaxed.logProb([0, 0, 1]), 'value');
    expectArgumentError(() => relaxed.logProb([0.5, 0.1, 0.4]), 'value');
    expectArgumentError(() => relaxed.logProb([-0.5, 0, 1.5]), 'value');
    expectArgumentError(() => relaxed.logProb([0.5, 0.5]), 'value');
    relaxed.dispose();
  });
});
