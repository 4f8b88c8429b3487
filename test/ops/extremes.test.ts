import { describe, expect, it } from 'vitest';
import { gumbelSoftmax, RandomGenerator, tf } from '../../src/index.js';

describe('numerical extremes', () => {
  // 10^7 relaxed draws (10 chunks of 10^5 rows × 10 categories) at τ = 1e-3 with logits of ±1e4,
  // soft and hard, values and gradients: none may be NaN or ±Infinity.
  it('10^7 draws at τ = 1e-3 and logits ±1e4 are all finite, with finite gradients', () => {
    const generator = new RandomGenerator(99);
    const pattern = Array.from({ length: 10 }, (_, c) => (c % 2 === 0 ? 1e4 : -1e4) * (c < 5 ? 1 : -1));
    const logits = tf.tile(tf.tensor2d([pattern]), [100_000, 1]);
    const weights = tf.randomNormal([100_000, 10], 0, 1, 'float32', 5);
    let nonFinite = 0;
    let notSummingToOne = 0;
    for (let chunk = 0; chunk < 10; chunk++) {
      const hard = chunk % 2 === 1;
      const { value, grad } = tf.valueAndGrad((l: tf.Tensor) =>
        tf.sum(tf.mul(gumbelSoftmax(l, { temperature: 1e-3, hard, seed: generator }), weights)),
      )(logits);
      const sample = gumbelSoftmax(logits, {
        temperature: 1e-3,
        hard,
        seed: generator,
        validateArgs: chunk === 0,
      });
      const sums = tf.sum(sample, -1).dataSync();
      for (const s of sums) if (Math.abs(s - 1) > 1e-5) notSummingToOne++;
      for (const array of [sample.dataSync(), grad.dataSync(), value.dataSync()]) {
        for (const v of array) if (!Number.isFinite(v)) nonFinite++;
      }
      tf.dispose([value, grad, sample]);
    }
    expect(nonFinite).toBe(0);
    expect(notSummingToOne).toBe(0);
    tf.dispose([logits, weights]);
  });

  it('τ = 1e-3 with logits near float32 extremes stays finite', () => {
    const logits = tf.tensor2d([[3e30, -3e30, 0]]);
    const values = gumbelSoftmax(logits, { temperature: 1e-3, seed: 1 });
    expect([...values.dataSync()]).toEqual([1, 0, 0]);
    tf.dispose([logits, values]);
  });
});
