import { describe, expect, it } from 'vitest';
import { OneHotCategorical, tf } from '../../src/index.js';
import { chiSquare, expectArgumentError, expectClose, logSoftmax, take } from './helpers.js';

describe('OneHotCategorical', () => {
  it('samples float one-hot rows with the categorical frequencies (chi-square)', () => {
    // Chi-square of n = 10,000 one-hot draws against p = (0.5, 0.3, 0.2): 2 degrees of freedom,
    // critical value 18.42 at level 1e−4.
    const probs = [0.5, 0.3, 0.2];
    const oneHot = new OneHotCategorical({ probs });
    const draws = oneHot.sample({ sampleShape: [10_000], seed: 13 });
    expect(draws.dtype).toBe('float32');
    expect(draws.shape).toEqual([10_000, 3]);
    const values = take(draws);
    const counts = [0, 0, 0];
    for (let row = 0; row < 10_000; row++) {
      const slice = values.slice(row * 3, row * 3 + 3);
      expect(slice.every((v) => v === 0 || v === 1)).toBe(true);
      expect(slice.reduce((a, b) => a + b, 0)).toBe(1);
      counts[slice.indexOf(1)]++;
    }
    expect(chiSquare(counts, probs)).toBeLessThan(18.42);
    oneHot.dispose();
  });

  it('logProb, entropy, mean, mode and variance match their closed forms', () => {
    const logits = [0.2, -0.4, 1.1];
    const normalized = logSoftmax(logits);
    const p = normalized.map(Math.exp);
    const oneHot = new OneHotCategorical({ logits });
    expect(oneHot.eventShape).toEqual([3]);
    expectClose(
      take(
        oneHot.logProb([
          [0, 0, 1],
          [1, 0, 0],
        ]),
      ),
      [normalized[2], normalized[0]],
    );
    expectClose(take(oneHot.entropy()), [-p.reduce((s, q, i) => s + q * normalized[i], 0)]);
    expectClose(take(oneHot.mean), p);
    expect(take(oneHot.mode)).toEqual([0, 0, 1]);
    expectClose(
      take(oneHot.variance),
      p.map((q) => q * (1 - q)),
    );
    expect(oneHot.hasRsample).toBe(false);
    expect('rsample' in oneHot).toBe(false);
    oneHot.dispose();
  });

  it('rejects values that are not one-hot or have the wrong number of categories', () => {
    const oneHot = new OneHotCategorical({ logits: [0, 0, 0] });
    expectArgumentError(() => oneHot.logProb([0.5, 0.5, 0]), 'value');
    expectArgumentError(() => oneHot.logProb([1, 1, 0]), 'value');
    expectArgumentError(() => oneHot.logProb([0, 0, 0]), 'value');
    expectArgumentError(() => oneHot.logProb([1, 0]), 'value');
    oneHot.dispose();
    expectArgumentError(() => new OneHotCategorical({ probs: [0.7, 0.7] }), 'probs');
  });

  it('masked categories are never drawn', () => {
    const oneHot = new OneHotCategorical({ logits: tf.tensor([0, Number.NEGATIVE_INFINITY]) });
    const values = take(oneHot.sample({ sampleShape: [500], seed: 4 }));
    expect(values.filter((_, i) => i % 2 === 1).every((v) => v === 0)).toBe(true);
    oneHot.dispose();
  });
});
