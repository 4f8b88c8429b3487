import { describe, it } from 'vitest';
import { softplus, tf } from '../../src/index.js';
import { expectAllocates, expectClose, take } from '../distributions/helpers.js';

describe('softplus', () => {
  it('equals log(1 + eˣ) and stays finite where eˣ overflows float32', () => {
    const xs = [-50, -5, -1, 0, 1, 5, 50, 200, 1e4];
    // For x > 30, log(1 + eˣ) = x + log1p(e^−x) = x to float32 precision; computed here without overflow.
    const expected = xs.map((x) => (x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))));
    const input = tf.tensor(xs);
    expectClose(take(softplus(input)), expected, 1e-7, 1e-6);
    input.dispose();
  });

  it('has gradient sigmoid(x), finite for large |x|', () => {
    const xs = [-100, -2, 0, 2, 100, 1e4];
    const input = tf.tensor(xs);
    const gradient = take(tf.grad((x: tf.Tensor) => tf.sum(softplus(x)))(input));
    expectClose(
      gradient,
      xs.map((x) => 1 / (1 + Math.exp(-x))),
      1e-6,
      1e-6,
    );
    input.dispose();
  });

  it('returns exactly one new tensor', () => {
    const input = tf.tensor([1, 2]);
    expectAllocates(() => softplus(input));
    input.dispose();
  });
});
