import { describe, expect, it } from 'vitest';
import { KSubset, tf } from '../../src/index.js';
import { expectOnlyReturnedTensors } from '../helpers/leaks.js';
import { chiSquareTest } from '../helpers/stats.js';
import { centralDifferences, expectClose, expectNoNaN, take } from './helpers.js';

/** All k-subsets of {0, …, n − 1} in lexicographic order. */
function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...subsets(n - 1, k), ...subsets(n - 1, k - 1).map((s) => [...s, n - 1])];
}

/** The k-subset law by enumeration in double precision: probabilities of `subsets(n, k)`, log Z. */
function enumerate(theta: number[], k: number): { probabilities: number[]; logZ: number; sets: number[][] } {
  const sets = subsets(theta.length, k);
  const scores = sets.map((s) => s.reduce((sum, i) => sum + theta[i], 0));
  const max = Math.max(...scores);
  const total = scores.reduce((sum, score) => sum + Math.exp(score - max), 0);
  return {
    sets,
    logZ: max + Math.log(total),
    probabilities: scores.map((score) => Math.exp(score - max) / total),
  };
}

/** P(i ∈ S) by enumeration. */
function enumeratedMarginals(theta: number[], k: number): number[] {
  const { sets, probabilities } = enumerate(theta, k);
  const marginals = theta.map(() => 0);
  sets.forEach((s, c) => {
    for (const i of s) marginals[i] += probabilities[c];
  });
  return marginals;
}

/**
 * log e_k(exp θ) written independently of the library: e_j(1..i) = Σ_{m ≤ i} x_m·e_{j−1}(1..m−1)
 * (a cumulative sum over the last item taken), in log space with a running log-sum-exp.
 */
function logNormalizerByCumulativeSums(theta: number[], k: number): number {
  const n = theta.length;
  let previous = new Array<number>(n + 1).fill(0); // log e_0(1..i) = 0
  for (let j = 1; j <= k; j++) {
    const current = new Array<number>(n + 1).fill(Number.NEGATIVE_INFINITY);
    let running = Number.NEGATIVE_INFINITY;
    for (let m = 1; m <= n; m++) {
      const term = theta[m - 1] + previous[m - 1];
      const high = Math.max(running, term);
      running =
        high === Number.NEGATIVE_INFINITY
          ? high
          : high + Math.log(Math.exp(running - high) + Math.exp(term - high));
      current[m] = running;
    }
    previous = current;
  }
  return previous[n];
}

const kHotOf = (set: number[], n: number) => Array.from({ length: n }, (_, i) => (set.includes(i) ? 1 : 0));

describe('KSubset', () => {
  const rows = [
    [0.3, -1.2, 2.0, 0.7, -0.4, 1.1],
    [1.5, Number.NEGATIVE_INFINITY, -0.5, 0.2, 0.9, Number.NEGATIVE_INFINITY],
  ];

  it('has the log-normalizer, marginals and entropy of the enumerated law (n = 6, k = 1..4)', () => {
    for (const k of [1, 2, 3, 4]) {
      const law = new KSubset({ logits: rows, k });
      const expected = rows.map((theta) => enumerate(theta, k));
      expectClose(
        take(law.logNormalizer()),
        expected.map((e) => e.logZ),
        1e-5,
        1e-6,
      );
      const marginals = take(law.marginals());
      expectClose(
        marginals,
        rows.flatMap((theta) => enumeratedMarginals(theta, k)),
        1e-6,
        1e-5,
      );
      for (const r of [0, 1]) {
        const sum = marginals.slice(r * 6, r * 6 + 6).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(k, 5);
      }
      const entropies = expected.map(
        (e) => -e.probabilities.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0),
      );
      expectClose(take(law.entropy()), entropies, 1e-5, 1e-5);
      law.dispose();
    }
  });

  it('logProb: Σ_{i∈S} θ_i − log Z for every subset, −Infinity with a masked item', () => {
    const law = new KSubset({ logits: rows, k: 3 });
    const sets = subsets(6, 3);
    const values = tf.tensor3d(sets.map((s) => [kHotOf(s, 6), kHotOf(s, 6)]));
    const logProbs = take(law.logProb(values)); // [20, 2]
    const expected = rows.map((theta) => enumerate(theta, 3));
    sets.forEach((_, c) => {
      for (const r of [0, 1]) {
        const p = expected[r].probabilities[c];
        if (p === 0) expect(logProbs[c * 2 + r]).toBe(Number.NEGATIVE_INFINITY);
        else expect(logProbs[c * 2 + r]).toBeCloseTo(Math.log(p), 5);
      }
    });
    values.dispose();
    law.dispose();
  });

  it('samples the exact law: chi-square over all 20 subsets (n = 6, k = 3), with stated power', () => {
    // 20,000 draws, seed fixed. Under the right law the p-value is uniform (a false alarm 1 time in
    // 1000 at this threshold). Power: the law with θ₀ raised by 0.15 has noncentrality
    // λ = N Σ (p' − p)²/p > 60 at 19 degrees of freedom, rejected at 1e-3 with probability > 0.99.
    const theta = rows[0];
    const draws = 20_000;
    const law = new KSubset({ logits: theta, k: 3 });
    const samples = law.sample({ sampleShape: [draws], seed: 11 });
    expect(samples.shape).toEqual([draws, 6]);
    const values = take(samples);
    const { sets, probabilities } = enumerate(theta, 3);
    const counts = new Array(sets.length).fill(0);
    for (let d = 0; d < draws; d++) {
      const row = values.slice(d * 6, d * 6 + 6);
      expect(row.reduce((a, b) => a + b, 0)).toBe(3);
      const key = row.flatMap((v, i) => (v === 1 ? [i] : [])).join();
      counts[sets.findIndex((s) => s.join() === key)]++;
    }
    expect(chiSquareTest(counts, probabilities).pValue).toBeGreaterThan(1e-3);
    const perturbed = enumerate(
      theta.map((t, i) => (i === 0 ? t + 0.15 : t)),
      3,
    ).probabilities;
    const noncentrality =
      draws * perturbed.reduce((s, q, c) => s + (q - probabilities[c]) ** 2 / probabilities[c], 0);
    expect(noncentrality).toBeGreaterThan(60);
    expect(chiSquareTest(counts, perturbed).pValue).toBeLessThan(1e-3);
    law.dispose();
  });

  it('never samples a masked item, and batches: shape [...sampleShape, ...batchShape, n]', () => {
    const law = new KSubset({ logits: rows, k: 4 });
    const samples = law.sample({ sampleShape: [500, 2], seed: 3 });
    expect(samples.shape).toEqual([500, 2, 2, 6]);
    const values = take(samples);
    for (let start = 0; start < values.length; start += 12) {
      expect(values.slice(start, start + 6).reduce((a, b) => a + b, 0)).toBe(4);
      expect(values.slice(start + 6, start + 12)).toEqual([1, 0, 1, 1, 1, 0]); // the only 4 unmasked
    }
    law.dispose();
  });

  it('is stable at n = 2000, k = 100 with logits of magnitude 50 (matches a float64 recursion written here)', () => {
    const n = 2000;
    const k = 100;
    const theta = Array.from({ length: n }, (_, i) => 50 * Math.sin(i * 12.9898 + 1.3));
    const law = new KSubset({ logits: [theta, theta.map((t) => t / 50)], k });
    const logZ = take(law.logNormalizer());
    const expected = [
      logNormalizerByCumulativeSums(theta, k),
      logNormalizerByCumulativeSums(
        theta.map((t) => t / 50),
        k,
      ),
    ];
    const float32Theta = Array.from(new Float32Array(theta));
    expectClose(logZ, [logNormalizerByCumulativeSums(float32Theta, k), expected[1]], 1e-3, 1e-6);
    expect(Math.abs(expected[0] - logZ[0]) / expected[0]).toBeLessThan(1e-6);
    const marginals = take(law.marginals());
    expectNoNaN(marginals);
    expect(marginals.every((m) => m >= 0 && m <= 1 + 1e-6)).toBe(true);
    expect(marginals.slice(0, n).reduce((a, b) => a + b, 0)).toBeCloseTo(k, 2);
    expect(marginals.slice(n).reduce((a, b) => a + b, 0)).toBeCloseTo(k, 2);
    law.dispose();
  });

  it('differentiates: ∇ log Z = marginals, ∇ logProb and ∇(marginals · v) match central differences', () => {
    const theta = rows[0];
    const k = 3;
    const logits = tf.tensor1d(theta);
    const viaGrad = take(tf.grad((x: tf.Tensor) => new KSubset({ logits: x, k }).logNormalizer())(logits));
    expectClose(viaGrad, enumeratedMarginals(theta, k), 1e-6, 1e-5);
    // logProb of S = {0, 2, 5}: ∇ = 1_S − μ.
    const set = [0, 2, 5];
    const viaLogProb = take(
      tf.grad((x: tf.Tensor) => new KSubset({ logits: x, k }).logProb(kHotOf(set, 6)))(logits),
    );
    const logProbOf = (t: number[]) => set.reduce((s, i) => s + t[i], 0) - enumerate(t, k).logZ;
    expectClose(viaLogProb, centralDifferences(logProbOf, theta, 1e-4), 1e-5, 1e-4);
    // The marginals' backward pass: ∇_θ Σ_i v_i μ_i(θ) = Cov(z)·v.
    const v = [0.5, -1, 2, 0.25, -0.75, 1.5];
    const viaMarginals = take(
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(new KSubset({ logits: x, k }).marginals(), tf.tensor1d(v))))(
        logits,
      ),
    );
    const weighted = (t: number[]) => enumeratedMarginals(t, k).reduce((s, m, i) => s + m * v[i], 0);
    expectClose(viaMarginals, centralDifferences(weighted, theta, 1e-4), 1e-5, 1e-4);
    // The entropy's gradient, through both ops.
    const viaEntropy = take(tf.grad((x: tf.Tensor) => new KSubset({ logits: x, k }).entropy())(logits));
    const entropyOf = (t: number[]) =>
      -enumerate(t, k).probabilities.reduce((s, p) => s + p * Math.log(p), 0);
    expectClose(viaEntropy, centralDifferences(entropyOf, theta, 1e-4), 1e-5, 1e-4);
    logits.dispose();
  });

  it('gives masked items marginal 0 and finite gradients', () => {
    const logits = tf.tensor1d(rows[1]);
    const marginals = take(new KSubset({ logits, k: 2 }).marginals());
    expect(marginals[1]).toBe(0);
    expect(marginals[5]).toBe(0);
    const v = tf.tensor1d([1, 2, 3, 4, 5, 6]);
    const gradient = take(
      tf.grad((x: tf.Tensor) => {
        const law = new KSubset({ logits: x, k: 2 });
        return tf.add(
          tf.sum(tf.mul(law.marginals(), v)),
          tf.add(law.entropy(), law.logProb([1, 0, 0, 1, 0, 0])),
        );
      })(logits),
    );
    expectNoNaN(gradient);
    expect(gradient.every(Number.isFinite)).toBe(true);
    expect(gradient[1]).toBe(0);
    expect(gradient[5]).toBe(0);
    tf.dispose([logits, v]);
  });

  it('rejects bad k, logits and values with an ArgumentError naming them', () => {
    expect(() => new KSubset({ logits: [1, 2, 3], k: 4 })).toThrow(
      /k must be an integer in \[1, 3 \(the number of categories\)\], got 4/,
    );
    expect(() => new KSubset({ logits: rows, k: 5 })).toThrow(
      /k must be an integer in \[1, 4 \(the fewest unmasked/,
    );
    expect(() => new KSubset({ logits: [1, 2, 3], k: 0 })).toThrow(/k must be an integer/);
    expect(() => new KSubset({ logits: [1, 2, 3], k: 1.5 })).toThrow(/k must be an integer/);
    expect(() => new KSubset({ logits: [1, Number.NaN, 3], k: 1 })).toThrow(/logits must not contain NaN/);
    expect(() => new KSubset({ logits: 3, k: 1 })).toThrow(/logits must have rank >= 1/);
    const law = new KSubset({ logits: [1, 2, 3, 4], k: 2 });
    expect(() => law.logProb([1, 1, 1, 0])).toThrow(/value must have exactly k = 2 ones per row/);
    expect(() => law.logProb([1, 0.5, 0.5, 0])).toThrow(/value must hold only 0s and 1s/);
    expect(() => law.logProb([1, 1, 0])).toThrow(/value must have 4 categories on its last axis/);
    law.dispose();
  });

  it('leaks no tensor', () => {
    const numTensors = tf.memory().numTensors;
    const law = new KSubset({ logits: rows, k: 2 });
    expectOnlyReturnedTensors(() => [
      law.logNormalizer(),
      law.marginals(),
      law.entropy(),
      law.sample({ sampleShape: [3], seed: 1 }),
      law.logProb([1, 0, 0, 1, 0, 0]),
      law.mean,
    ]);
    const logits = tf.tensor1d(rows[0]);
    expectOnlyReturnedTensors(() =>
      tf.grad((x: tf.Tensor) => new KSubset({ logits: x, k: 3 }).entropy())(logits),
    );
    logits.dispose();
    law.dispose();
    expect(tf.memory().numTensors).toBe(numTensors);
  });
});
