import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { GumbelSoftmax } from '../../src/layers/gumbelSoftmaxLayer.js';

function roundTrip(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  return model
    .save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    )
    .then(() => tfl.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts)));
}

describe('GumbelSoftmax layer', () => {
  const logits = tf.tensor2d([
    [1, 3, 0.5],
    [2, -1, 0],
  ]);

  it('is the one-hot argmax at inference and a relaxed sample while training', () => {
    const layer = new GumbelSoftmax({ temperature: 0.5 });
    const inference = layer.apply(logits) as tf.Tensor;
    expect(inference.arraySync()).toEqual([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const training = layer.apply(logits, { training: true }) as tf.Tensor;
    const rows = training.arraySync() as number[][];
    for (const row of rows) {
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(row.some((v) => v > 0 && v < 1)).toBe(true); // soft, not one-hot
    }
    tf.dispose([inference, training]);
  });

  it('hard training samples are exactly one-hot', () => {
    const layer = new GumbelSoftmax({ hard: true });
    const sample = layer.apply(tf.tile(logits, [50, 1]), { training: true }) as tf.Tensor;
    for (const row of sample.arraySync() as number[][]) expect(row.sort()).toEqual([0, 0, 1]);
    sample.dispose();
  });

  it('lets the temperature change between steps, and rejects a bad one', () => {
    const layer = new GumbelSoftmax({ temperature: 2 });
    layer.temperature = 0.25;
    expect(layer.temperature).toBe(0.25);
    expect(layer.getConfig().temperature).toBe(0.25);
    expect(() => {
      layer.temperature = 0;
    }).toThrow(/temperature must be a finite number > 0, got 0/);
    expect(() => new GumbelSoftmax({ temperature: -1 })).toThrow(/temperature must be a finite number > 0/);
  });

  it('round-trips through model save/load with its configuration', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [4], units: 6, name: 'to_logits' }),
        tfl.layers.reshape({ targetShape: [2, 3] }),
        new GumbelSoftmax({ name: 'choice', temperature: 0.3, hard: true }),
      ],
    });
    const loaded = await roundTrip(model);
    const layer = loaded.getLayer('choice') as GumbelSoftmax;
    expect(layer).toBeInstanceOf(GumbelSoftmax);
    expect(layer.temperature).toBe(0.3);
    expect(layer.hard).toBe(true);
    const input = tf.tensor2d([[0.1, -2, 3, 0.5]]);
    const original = model.predict(input) as tf.Tensor;
    const reloaded = loaded.predict(input) as tf.Tensor;
    expect(reloaded.arraySync()).toEqual(original.arraySync());
    tf.dispose([input, original, reloaded]);
    model.dispose();
    loaded.dispose();
  });
});
