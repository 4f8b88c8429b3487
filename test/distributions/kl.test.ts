import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  Categorical,
  Gumbel,
  klDivergence,
  Normal,
  OneHotCategorical,
  registerKL,
  tf,
} from '../../src/index.js';
import {
  centralDifferences,
  expectArgumentError,
  expectClose,
  expectNoNaN,
  integrate,
  logSoftmax,
  take,
} from './helpers.js';

const NEG_INF = Number.NEGATIVE_INFINITY;
const EULER = 0.5772156649015329;

/** Σ p (log p − log q), with 0·log 0 = 0. */
function categoricalKL(pLogits: number[], qLogits: number[]): number {
  const logP = logSoftmax(pLogits);
  const logQ = logSoftmax(qLogits);
  return logP.reduce((sum, lp, i) => (lp === NEG_INF ? sum : sum + Math.exp(lp) * (lp - logQ[i])), 0);
}

function normalLogDensity(x: number, mean: number, std: number): number {
  return -((x - mean) ** 2) / (2 * std * std) - Math.log(std) - 0.5 * Math.log(2 * Math.PI);
}

function gumbelLogDensity(x: number, loc: number, scale: number): number {
  const z = (x - loc) / scale;
  return -z - Math.exp(-z) - Math.log(scale);
}

/** KL(p ‖ q) = ∫ p (log p − log q) by the midpoint rule over z = (x − μp)/βp ∈ [−6, 50]. */
function gumbelKLByIntegration(locP: number, scaleP: number, locQ: number, scaleQ: number): number {
  return integrate(
    (z) => {
      const x = locP + scaleP * z;
      const logP = gumbelLogDensity(x, locP, scaleP);
      return Math.exp(logP) * (logP - gumbelLogDensity(x, locQ, scaleQ)) * scaleP;
    },
    -6,
    50,
    40_000,
  );
}

/** KL(p ‖ q) = ∫ p (log p − log q) by the midpoint rule over ±12 standard deviations of p. */
function normalKLByIntegration(locP: number, scaleP: number, locQ: number, scaleQ: number): number {
  return integrate(
    (x) => {
      const logP = normalLogDensity(x, locP, scaleP);
      return Math.exp(logP) * (logP - normalLogDensity(x, locQ, scaleQ));
    },
    locP - 12 * scaleP,
    locP + 12 * scaleP,
    40_000,
  );
}

describe('klDivergence', () => {
  it('Categorical ‖ Categorical is Σ p log(p/q), broadcasting batches', () => {
    const pRows = [
      [0.1, 1, -0.5],
      [2, 0, 0],
    ];
    const qRow = [0.3, 0.3, -1];
    const p = new Categorical({ logits: pRows });
    const q = new Categorical({ logits: qRow });
    expectClose(
      take(klDivergence(p, q)),
      pRows.map((row) => categoricalKL(row, qRow)),
    );
    expectClose(take(klDivergence(p, p)), [0, 0], 1e-6);
    p.dispose();
    q.dispose();
  });

  it('OneHotCategorical ‖ OneHotCategorical equals the categorical KL', () => {
    const p = new OneHotCategorical({ probs: [0.2, 0.5, 0.3] });
    const q = new OneHotCategorical({ logits: [0, 1, 2] });
    expectClose(take(klDivergence(p, q)), [categoricalKL([0.2, 0.5, 0.3].map(Math.log), [0, 1, 2])]);
    p.dispose();
    q.dispose();
  });

  it('masks: p = 0 contributes 0, q = 0 where p > 0 gives +Infinity, never NaN', () => {
    const pLogits = tf.tensor([0.5, NEG_INF, 1, NEG_INF]);
    const qLogits = tf.tensor([0, 0.3, -1, NEG_INF]);
    const p = new Categorical({ logits: pLogits });
    const q = new Categorical({ logits: qLogits });
    expectClose(take(klDivergence(p, q)), [categoricalKL([0.5, NEG_INF, 1, NEG_INF], [0, 0.3, -1, NEG_INF])]);
    expect(take(klDivergence(q, p))).toEqual([Number.POSITIVE_INFINITY]);
    // Gradients where the divergence is finite: no NaN, zero at masked logits, and the unmasked
    // entries match central differences of the formula above.
    const [dP, dQ] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      klDivergence(new Categorical({ logits: a }), new Categorical({ logits: b })),
    )([pLogits, qLogits]);
    const pGradient = take(dP);
    const qGradient = take(dQ);
    expectNoNaN(pGradient);
    expectNoNaN(qGradient);
    const byP = centralDifferences(
      ([a, b]) => categoricalKL([a, NEG_INF, b, NEG_INF], [0, 0.3, -1, NEG_INF]),
      [0.5, 1],
      1e-5,
    );
    const byQ = centralDifferences(
      ([a, b, c]) => categoricalKL([0.5, NEG_INF, 1, NEG_INF], [a, b, c, NEG_INF]),
      [0, 0.3, -1],
      1e-5,
    );
    expectClose(pGradient, [byP[0], 0, byP[1], 0], 1e-4, 1e-4);
    expectClose(qGradient, [...byQ, 0], 1e-4, 1e-4);
    p.dispose();
    q.dispose();
    pLogits.dispose();
    qLogits.dispose();
  });

  it('Normal ‖ Normal matches the closed form and numerical integration', () => {
    const cases = [
      [0, 1, 0.5, 2],
      [1.5, 0.3, -1, 0.8],
      [0.2, 1.1, 0.2, 1.1],
    ];
    for (const [locP, scaleP, locQ, scaleQ] of cases) {
      const closedForm =
        Math.log(scaleQ / scaleP) + (scaleP ** 2 + (locP - locQ) ** 2) / (2 * scaleQ ** 2) - 0.5;
      const p = new Normal({ loc: locP, scale: scaleP });
      const q = new Normal({ loc: locQ, scale: scaleQ });
      const kl = take(klDivergence(p, q));
      expectClose(kl, [closedForm], 1e-5, 1e-5);
      expectClose(kl, [normalKLByIntegration(locP, scaleP, locQ, scaleQ)], 1e-4, 1e-4);
      p.dispose();
      q.dispose();
    }
  });

  it('Gumbel ‖ Gumbel matches the closed form (known Γ values) and numerical integration', () => {
    // Closed form with r = βp/βq: −log r + (μp − μq)/βq + rγ + Γ(1 + r)·e^((μq − μp)/βq) − (1 + γ).
    const closedForm = (
      locP: number,
      scaleP: number,
      locQ: number,
      scaleQ: number,
      gammaOnePlusR: number,
    ) => {
      const r = scaleP / scaleQ;
      return (
        -Math.log(r) +
        (locP - locQ) / scaleQ +
        r * EULER +
        gammaOnePlusR * Math.exp((locQ - locP) / scaleQ) -
        1 -
        EULER
      );
    };
    const withKnownGamma: [number, number, number, number, number][] = [
      [0, 1, 0.5, 2, Math.sqrt(Math.PI) / 2], // r = ½: Γ(3/2) = √π/2
      [1, 2, -0.5, 1, 2], // r = 2: Γ(3) = 2
      [0.3, 1.5, 0.3, 1.5, 1], // r = 1: Γ(2) = 1, KL = 0
      [-0.2, 3, 0.4, 1, 6], // r = 3: Γ(4) = 6
    ];
    for (const [locP, scaleP, locQ, scaleQ, gamma] of withKnownGamma) {
      const p = new Gumbel({ loc: locP, scale: scaleP });
      const q = new Gumbel({ loc: locQ, scale: scaleQ });
      const kl = take(klDivergence(p, q));
      expectClose(kl, [closedForm(locP, scaleP, locQ, scaleQ, gamma)], 1e-5, 1e-5);
      expectClose(kl, [gumbelKLByIntegration(locP, scaleP, locQ, scaleQ)], 1e-4, 1e-4);
      p.dispose();
      q.dispose();
    }
    const p = new Gumbel({ loc: -1, scale: 0.7 });
    const q = new Gumbel({ loc: 0.4, scale: 0.9 });
    expectClose(take(klDivergence(p, q)), [gumbelKLByIntegration(-1, 0.7, 0.4, 0.9)], 1e-4, 1e-4);
    p.dispose();
    q.dispose();
  });

  it('Normal and Gumbel KL gradients match finite differences of the integrals', () => {
    const start = [0.3, 0.8, -0.4, 1.3];
    const parameters = start.map((v) => tf.scalar(v));
    const normalGradient = tf
      .grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
        klDivergence(new Normal({ loc: a, scale: b }), new Normal({ loc: c, scale: d })),
      )(parameters)
      .map((g) => take(g)[0]);
    const normalExpected = centralDifferences(
      ([a, b, c, d]) => normalKLByIntegration(a, b, c, d),
      start,
      1e-4,
    );
    expectClose(normalGradient, normalExpected, 1e-3, 1e-3);
    const gumbelGradient = tf
      .grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
        klDivergence(new Gumbel({ loc: a, scale: b }), new Gumbel({ loc: c, scale: d })),
      )(parameters)
      .map((g) => take(g)[0]);
    const gumbelExpected = centralDifferences(
      ([a, b, c, d]) => gumbelKLByIntegration(a, b, c, d),
      start,
      1e-4,
    );
    expectClose(gumbelGradient, gumbelExpected, 1e-3, 1e-3);
    for (const parameter of parameters) parameter.dispose();
  });

  it('throws an error naming both classes for an unregistered pair', () => {
    const normal = new Normal({ loc: 0, scale: 1 });
    const gumbel = new Gumbel({ loc: 0, scale: 1 });
    expect(() => klDivergence(normal, gumbel)).toThrow(ArgumentError);
    expect(() => klDivergence(normal, gumbel)).toThrow(/Normal.*Gumbel/);
    normal.dispose();
    gumbel.dispose();
  });

  it('rejects categoricals of different sizes and batches that do not broadcast', () => {
    const three = new Categorical({ logits: [0, 0, 0] });
    const two = new Categorical({ logits: [0, 0] });
    expectArgumentError(() => klDivergence(three, two), 'q');
    two.dispose();
    const normalPair = new Normal({ loc: [0, 1], scale: 1 });
    const normalTriple = new Normal({ loc: [0, 1, 2], scale: 1 });
    expectArgumentError(() => klDivergence(normalPair, normalTriple), 'q');
    three.dispose();
    normalPair.dispose();
    normalTriple.dispose();
  });

  it('dispatches to subclasses and accepts new registrations', () => {
    class WideNormal extends Normal {}
    const p = new WideNormal({ loc: 0, scale: 2 });
    const q = new Normal({ loc: 0, scale: 1 });
    expectClose(take(klDivergence(p, q)), [Math.log(1 / 2) + 4 / 2 - 0.5]);
    registerKL(WideNormal, Normal, () => tf.scalar(42));
    expect(take(klDivergence(p, q))).toEqual([42]);
    p.dispose();
    q.dispose();
  });
});
