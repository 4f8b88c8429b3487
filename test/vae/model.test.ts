import { describe, expect, it } from 'vitest';
import { ArgumentError, CategoricalVae, tf } from '../../src/index.js';

// A model built from given weights (what loaders and the web page do) holds exactly those weights,
// computes what a model given them by assignWeights computes, and refuses weights of the wrong shape.
const SHAPE = { latentVariables: 3, categories: 4, inputSize: 6, hiddenUnits: [5] };

describe('CategoricalVae from weights', () => {
  it('holds the given weights and decodes like a model given them by assignWeights', () => {
    const source = new CategoricalVae(SHAPE, 11);
    const weights = source.parameters().map((parameter) => (parameter.dataSync() as Float32Array).slice());
    // Non-zero biases, so a bias left at its initial 0 would show.
    weights[1] = weights[1].map((_, i) => 0.1 * (i + 1));
    const before = tf.memory().numTensors;
    const built = new CategoricalVae(SHAPE, 0, weights);
    expect(tf.memory().numTensors - before).toBe(weights.length); // the variables, nothing else
    built.parameters().forEach((parameter, i) => {
      expect(Array.from(parameter.dataSync())).toEqual(Array.from(weights[i]));
    });
    const assigned = new CategoricalVae(SHAPE, 99);
    assigned.assignWeights(weights);
    const codes = tf.oneHot(tf.tensor2d([[0, 1, 2]], [1, 3], 'int32'), 4);
    const images = tf.tensor2d([[0, 1, 1, 0, 1, 0]]);
    expect(Array.from(built.decode(codes).dataSync())).toEqual(Array.from(assigned.decode(codes).dataSync()));
    expect(Array.from(built.encode(images).dataSync())).toEqual(
      Array.from(assigned.encode(images).dataSync()),
    );
    tf.dispose([codes, images]);
    for (const model of [source, built, assigned]) model.dispose();
  });

  it('refuses weights of the wrong count or size, naming the argument', () => {
    const weights = new CategoricalVae(SHAPE, 1).parameters().map((p) => p.dataSync() as Float32Array);
    expect(() => new CategoricalVae(SHAPE, 0, weights.slice(1))).toThrow(ArgumentError);
    expect(() => new CategoricalVae(SHAPE, 0, weights.slice(1))).toThrow(/values.*must hold 8 arrays, got 7/);
    const wrong = [...weights];
    wrong[2] = new Float32Array(3);
    expect(() => new CategoricalVae(SHAPE, 0, wrong)).toThrow(/array 2 must hold 60 numbers, got 3/);
  });
});
