import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { GumbelSigmoid } from '../../src/layers/gumbelSigmoidLayer.js';

describe('GumbelSigmoid layer', () => {
  it('gives the most likely bits at inference, and relaxed or 0/1 samples while training', () => {
    const logits = tf.tensor2d([[1.5, -0.5, 0.2]]);
    const layer = new GumbelSigmoid({ temperature: 0.5 });
    const inference = layer.apply(logits) as tf.Tensor;
    expect(inference.arraySync()).toEqual([[1, 0, 1]]);
    const soft = layer.call(logits, { training: true });
    const values = Array.from(soft.dataSync());
    expect(values.every((v) => v > 0 && v < 1)).toBe(true);
    tf.dispose([logits, inference, soft]);
  });

  it('its straight-through bits are Bernoulli(σ(ℓ)): mean of 8,000 draws within 4 standard errors', () => {
    const logit = 0.8;
    const draws = 8000;
    const layer = new GumbelSigmoid({ temperature: 0.3, hard: true });
    const bits = tf.tidy(() =>
      Array.from(layer.call(tf.fill([draws], logit), { training: true }).dataSync()),
    );
    expect(bits.every((b) => b === 0 || b === 1)).toBe(true);
    const p = 1 / (1 + Math.exp(-logit));
    const mean = bits.reduce((a, b) => a + b, 0) / draws;
    expect(Math.abs(mean - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / draws));
  });

  it('serializes its temperature and refuses τ ≤ 0 by name', () => {
    const layer = new GumbelSigmoid({ temperature: 0.7, hard: true, name: 'bits' });
    expect(layer.getConfig()).toMatchObject({ temperature: 0.7, hard: true, name: 'bits' });
    const restored = tf.serialization.SerializationMap.getMap().classNameMap.GumbelSigmoid;
    expect(restored).toBeDefined();
    expect(() => new GumbelSigmoid({ temperature: 0 })).toThrow(/temperature/);
    expect(() => {
      layer.temperature = -1;
    }).toThrow(/temperature/);
  });
});
