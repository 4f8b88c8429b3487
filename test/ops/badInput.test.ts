import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  gumbelMax,
  gumbelSoftmax,
  gumbelSoftmaxSample,
  gumbelTopK,
  reparameterizeNormal,
  tf,
} from '../../src/index.js';

const good = [[1, 2, 3]];

describe('bad input gets an ArgumentError naming the argument and the allowed range', () => {
  it('temperature ≤ 0, NaN or infinite (number or tensor)', () => {
    for (const temperature of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => gumbelSoftmax(good, { temperature })).toThrow(ArgumentError);
      expect(() => gumbelSoftmax(good, { temperature })).toThrow(/temperature must be a finite number > 0/);
    }
    const tensor = tf.tensor2d([[0.5], [-0.1]]);
    expect(() => gumbelSoftmax([good[0], good[0]], { temperature: tensor })).toThrow(
      /temperature must be finite and > 0 everywhere, got -0.1/,
    );
    tensor.dispose();
    const intTemperature = tf.tensor1d([1], 'int32');
    expect(() => gumbelSoftmax(good, { temperature: intTemperature })).toThrow(
      /temperature must be a float32 tensor/,
    );
    intTemperature.dispose();
  });

  it('a temperature that would enlarge the logits', () => {
    const temperature = tf.ones([2, 3]);
    expect(() => gumbelSoftmax(good, { temperature })).toThrow(
      /temperature must broadcast against samples of shape \[1,3\] without enlarging them, got shape \[2,3\]/,
    );
    temperature.dispose();
  });

  it('NaN or +Infinity logits, and fully masked slices', () => {
    for (const op of [
      (l: number[][]) => gumbelSoftmax(l),
      (l: number[][]) => gumbelMax(l),
      (l: number[][]) => gumbelTopK(l, 1),
      (l: number[][]) => gumbelSoftmaxSample(l).soft,
    ]) {
      expect(() => op([[1, Number.NaN, 0]])).toThrow(
        /logits must not contain NaN or \+Infinity .* got NaN at flat index 1/,
      );
      expect(() => op([[1, Number.POSITIVE_INFINITY]])).toThrow(/got Infinity at flat index 1/);
      expect(() => op([[Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]])).toThrow(
        /logits has a slice where every category is masked/,
      );
    }
  });

  it('axis out of range', () => {
    expect(() => gumbelSoftmax(good, { axis: 2 })).toThrow(
      /axis must be an integer in \[-2, 1\] for a rank-2 tensor, got 2/,
    );
    expect(() => gumbelMax(good, { axis: -3 })).toThrow(/axis must be an integer in \[-2, 1\]/);
    expect(() => gumbelTopK(good, 1, { axis: 0.5 })).toThrow(/axis must be an integer/);
  });

  it('non-float logits and scalars', () => {
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(() => gumbelSoftmax(ints)).toThrow(/logits must be a float32 tensor, got dtype int32/);
    ints.dispose();
    expect(() => gumbelSoftmax(3)).toThrow(/logits must have rank >= 1/);
    expect(() => gumbelMax('abc' as unknown as number[])).toThrow(/logits must be numeric/);
  });

  it('bad mean or std for reparameterizeNormal', () => {
    expect(() => reparameterizeNormal([0, 1], [1, -1])).toThrow(/std must be >= 0 everywhere/);
    expect(() => reparameterizeNormal([0, Number.NaN], [1, 1])).toThrow(
      /mean must be finite, got NaN at flat index 1/,
    );
    expect(() => reparameterizeNormal([0], [Number.POSITIVE_INFINITY])).toThrow(/std must be finite/);
  });

  it('leaves no tensors behind when it throws', () => {
    const before = tf.memory().numTensors;
    expect(() => gumbelSoftmax([[1, Number.NaN]])).toThrow();
    expect(() => gumbelTopK([[1, 2]], 3)).toThrow();
    expect(() => reparameterizeNormal([0], [-1])).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
