import { describe, expect, it } from 'vitest';
import { LogitRelaxedBernoulli, RelaxedBernoulli, tf } from '../../src/index.js';
import { centralDifferences, expectArgumentError, expectClose, read, take } from './helpers.js';

/** Density of x = (logits + L)/τ, L ~ Logistic(0, 1): τ α e^(−τx) / (1 + α e^(−τx))², α = e^logits. */
function logitDensity(x: number, logit: number, tau: number): number {
  const alpha = Math.exp(logit);
  return (tau * alpha * Math.exp(-tau * x)) / (1 + alpha * Math.exp(-tau * x)) ** 2;
}

/**
 * The binary Concrete density (Maddison et al. 2017, Sec. 3.3):
 * p(y) = τ α y^(−τ−1) (1 − y)^(−τ−1) / (α y^(−τ) + (1 − y)^(−τ))², α = p/(1 − p).
 */
function binaryConcreteDensity(y: number, logit: number, tau: number): number {
  const alpha = Math.exp(logit);
  return (tau * alpha * y ** (-tau - 1) * (1 - y) ** (-tau - 1)) / (alpha * y ** -tau + (1 - y) ** -tau) ** 2;
}

describe('LogitRelaxedBernoulli', () => {
  it('logProb matches the logistic density, and stays finite far in the tails', () => {
    const relaxed = new LogitRelaxedBernoulli({ temperature: 0.5, logits: [0.3, -1.2] });
    const xs = [
      [-2, 0.5],
      [4, -3],
    ];
    const expected = xs.flatMap(([a, b]) => [
      Math.log(logitDensity(a, 0.3, 0.5)),
      Math.log(logitDensity(b, -1.2, 0.5)),
    ]);
    expectClose(take(relaxed.logProb(xs)), expected, 1e-5, 1e-5);
    // Far tails: log density ≈ log τ − |τx − logit|, where a naive log(1 + e^d) overflows float32.
    const tails = take(relaxed.logProb([[1e4, -1e4]]));
    expectClose(
      tails,
      [Math.log(0.5) - Math.abs(0.5 * 1e4 - 0.3), Math.log(0.5) - Math.abs(-0.5 * 1e4 + 1.2)],
      1e-2,
      1e-6,
    );
    relaxed.dispose();
  });

  it('x > 0 with probability p (binomial test)', () => {
    // P(logits + L > 0) = sigmoid(logits) = p. With n = 20,000 and p = 0.3 the count's standard
    // deviation is √(n p (1 − p)) ≈ 65; the tolerance of 5 of them has level below 1e−6.
    const n = 20_000;
    const relaxed = new LogitRelaxedBernoulli({ temperature: 0.2, probs: 0.3 });
    const positives = take(relaxed.sample({ sampleShape: [n], seed: 29 })).filter((x) => x > 0).length;
    expect(Math.abs(positives - n * 0.3)).toBeLessThan(5 * Math.sqrt(n * 0.3 * 0.7));
    relaxed.dispose();
  });

  it('rsample and logProb gradients match central finite differences', () => {
    const logits = tf.tensor([0.4, -0.7]);
    const temperature = tf.scalar(0.6);
    const objective = (l: tf.Tensor, t: tf.Tensor): tf.Tensor =>
      tf.sum(new LogitRelaxedBernoulli({ temperature: t, logits: l }).rsample({ sampleShape: [3], seed: 5 }));
    const evaluate = (l: number[], t: number): number =>
      tf.tidy(() => objective(tf.tensor(l), tf.scalar(t)).dataSync()[0]);
    const [dLogits, dTemperature] = tf.grads(objective)([logits, temperature]);
    expectClose(
      take(dLogits),
      centralDifferences((l) => evaluate(l, 0.6), [0.4, -0.7]),
      3e-3,
      3e-3,
    );
    expectClose(
      take(dTemperature),
      centralDifferences(([t]) => evaluate([0.4, -0.7], t), [0.6]),
      3e-3,
      3e-3,
    );

    const x = [1.5, -0.8];
    const [dLogitsDensity, dTemperatureDensity] = tf.grads((l: tf.Tensor, t: tf.Tensor) =>
      tf.sum(new LogitRelaxedBernoulli({ temperature: t, logits: l }).logProb(x)),
    )([logits, temperature]);
    const total = (l: number[], t: number): number =>
      Math.log(logitDensity(x[0], l[0], t)) + Math.log(logitDensity(x[1], l[1], t));
    expectClose(
      take(dLogitsDensity),
      centralDifferences((l) => total(l, 0.6), [0.4, -0.7], 1e-5),
      1e-4,
      1e-4,
    );
    expectClose(
      take(dTemperatureDensity),
      centralDifferences(([t]) => total([0.4, -0.7], t), [0.6], 1e-5),
      1e-4,
      1e-4,
    );
    logits.dispose();
    temperature.dispose();
  });

  it('rejects bad parameters and values with an ArgumentError naming them', () => {
    expectArgumentError(() => new LogitRelaxedBernoulli({ temperature: -1, logits: 0 }), 'temperature');
    expectArgumentError(
      () => new LogitRelaxedBernoulli({ temperature: 1, logits: Number.POSITIVE_INFINITY }),
      'logits',
    );
    expectArgumentError(() => new LogitRelaxedBernoulli({ temperature: 1, logits: Number.NaN }), 'logits');
    for (const p of [0, 1, 1.5, -0.1]) {
      expectArgumentError(() => new LogitRelaxedBernoulli({ temperature: 1, probs: p }), 'probs');
    }
    expectArgumentError(
      () => new LogitRelaxedBernoulli({ temperature: 1, logits: 0, probs: 0.5 } as never),
      'logits',
    );
    expectArgumentError(
      () => new LogitRelaxedBernoulli({ temperature: [1, 2, 3], logits: [0, 1] }),
      'temperature',
    );
    const relaxed = new LogitRelaxedBernoulli({ temperature: 1, logits: 0 });
    expectArgumentError(() => relaxed.logProb(Number.NaN), 'value');
    relaxed.dispose();
  });
});

describe('RelaxedBernoulli', () => {
  it('logProb matches the binary Concrete density', () => {
    const relaxed = new RelaxedBernoulli({ temperature: 0.7, probs: [0.2, 0.6] });
    const ys = [
      [0.1, 0.5],
      [0.95, 0.02],
    ];
    const logits = [Math.log(0.2 / 0.8), Math.log(0.6 / 0.4)];
    const expected = ys.flatMap(([a, b]) => [
      Math.log(binaryConcreteDensity(a, logits[0], 0.7)),
      Math.log(binaryConcreteDensity(b, logits[1], 0.7)),
    ]);
    expectClose(take(relaxed.logProb(ys)), expected, 1e-4, 1e-5);
    relaxed.dispose();
  });

  it('integrates to 1 over (0, 1)', () => {
    // Midpoint rule with 4,000 panels; at τ ≥ 1 the density is bounded, so the error is far below 2e−3.
    const panels = 4000;
    const ys = Array.from({ length: panels }, (_, i) => (i + 0.5) / panels);
    for (const tau of [1, 2]) {
      const relaxed = new RelaxedBernoulli({ temperature: tau, logits: 0.8 });
      const total = take(relaxed.logProb(ys)).reduce((sum, l) => sum + Math.exp(l), 0) / panels;
      expect(Math.abs(total - 1)).toBeLessThan(2e-3);
      relaxed.dispose();
    }
  });

  it('samples lie in (0, 1) and exceed ½ with probability p (binomial test)', () => {
    // y > ½ ⇔ logits + L > 0, probability p = 0.65; n = 20,000, tolerance 5 standard deviations.
    const n = 20_000;
    const relaxed = new RelaxedBernoulli({ temperature: 0.5, probs: 0.65 });
    const draws = take(relaxed.rsample({ sampleShape: [n], seed: 37 }));
    expect(draws.every((y) => y > 0 && y < 1)).toBe(true);
    const above = draws.filter((y) => y > 0.5).length;
    expect(Math.abs(above - n * 0.65)).toBeLessThan(5 * Math.sqrt(n * 0.65 * 0.35));
    relaxed.dispose();
  });

  it('keeps samples strictly inside (0, 1) at τ = 0.01, so logProb of its own samples is finite', () => {
    // At τ = 0.01 almost every sigmoid rounds to 0 or 1 in float32; the clip keeps them in the support.
    const relaxed = new RelaxedBernoulli({ temperature: 0.01, probs: [0.3, 0.8] });
    const samples = relaxed.rsample({ sampleShape: [500], seed: 41 });
    expect(read(samples).every((y) => y > 0 && y < 1)).toBe(true);
    expect(take(relaxed.logProb(samples)).every(Number.isFinite)).toBe(true);
    samples.dispose();
    relaxed.dispose();
  });

  it('is the sigmoid of LogitRelaxedBernoulli from the same seed', () => {
    const parameters = { temperature: 0.3, logits: [0.2, -0.4] };
    const logit = new LogitRelaxedBernoulli(parameters);
    const relaxed = new RelaxedBernoulli(parameters);
    const x = take(logit.rsample({ sampleShape: [5], seed: 3 }));
    expectClose(
      take(relaxed.rsample({ sampleShape: [5], seed: 3 })),
      x.map((v) => 1 / (1 + Math.exp(-v))),
      1e-6,
      1e-5,
    );
    logit.dispose();
    relaxed.dispose();
  });

  it('rsample and logProb gradients match central finite differences', () => {
    const logits = tf.tensor([0.4, -0.7]);
    const temperature = tf.scalar(0.9);
    const objective = (l: tf.Tensor, t: tf.Tensor): tf.Tensor =>
      tf.sum(new RelaxedBernoulli({ temperature: t, logits: l }).rsample({ sampleShape: [3], seed: 15 }));
    const evaluate = (l: number[], t: number): number =>
      tf.tidy(() => objective(tf.tensor(l), tf.scalar(t)).dataSync()[0]);
    const [dLogits, dTemperature] = tf.grads(objective)([logits, temperature]);
    expectClose(
      take(dLogits),
      centralDifferences((l) => evaluate(l, 0.9), [0.4, -0.7]),
      2e-3,
      3e-3,
    );
    expectClose(
      take(dTemperature),
      centralDifferences(([t]) => evaluate([0.4, -0.7], t), [0.9]),
      2e-3,
      3e-3,
    );

    const ys = [0.3, 0.85];
    const [dLogitsDensity, dTemperatureDensity] = tf.grads((l: tf.Tensor, t: tf.Tensor) =>
      tf.sum(new RelaxedBernoulli({ temperature: t, logits: l }).logProb(ys)),
    )([logits, temperature]);
    const total = (l: number[], t: number): number =>
      Math.log(binaryConcreteDensity(ys[0], l[0], t)) + Math.log(binaryConcreteDensity(ys[1], l[1], t));
    expectClose(
      take(dLogitsDensity),
      centralDifferences((l) => total(l, 0.9), [0.4, -0.7], 1e-5),
      1e-4,
      1e-4,
    );
    expectClose(
      take(dTemperatureDensity),
      centralDifferences(([t]) => total([0.4, -0.7], t), [0.9], 1e-5),
      1e-4,
      1e-4,
    );
    logits.dispose();
    temperature.dispose();
  });

  it('rejects values outside the open interval (0, 1) with an ArgumentError naming value', () => {
    const relaxed = new RelaxedBernoulli({ temperature: 1, logits: [0, 0] });
    for (const y of [0, 1, 1.5, -0.2, Number.NaN])
      expectArgumentError(() => relaxed.logProb([0.5, y]), 'value');
    expectArgumentError(() => relaxed.logProb([0.1, 0.2, 0.3]), 'value');
    relaxed.dispose();
    expectArgumentError(() => new RelaxedBernoulli({ temperature: Number.NaN, probs: 0.5 }), 'temperature');
    expectArgumentError(
      () => new RelaxedBernoulli({ temperature: 1, probs: tf.tensor([1], undefined, 'int32') }),
      'probs',
    );
  });

  it('exposes logits and probs of the parameter it was given', () => {
    const relaxed = new RelaxedBernoulli({ temperature: 1, probs: [0.2, 0.9] });
    expectClose(take(relaxed.logits), [Math.log(0.2 / 0.8), Math.log(0.9 / 0.1)], 1e-5, 1e-5);
    expectClose(take(relaxed.probs), [0.2, 0.9]);
    relaxed.dispose();
    const fromLogits = new LogitRelaxedBernoulli({ temperature: 1, logits: [0, 2] });
    expectClose(take(fromLogits.probs), [0.5, 1 / (1 + Math.exp(-2))]);
    expect(read(fromLogits.logits as tf.Tensor).length).toBe(2);
    fromLogits.dispose();
  });
});
