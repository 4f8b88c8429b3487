import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../src/runs/checkpointFormat.js';
import { CategoricalVae } from '../../src/vae/model.js';
import { loadLayersModelFromFolder, loadVae, saveVae } from '../../src/vae/savedModel.js';

const folder = mkdtempSync(join(tmpdir(), 'gumbel-model-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('saved VAE model', () => {
  const shape = { latentVariables: 3, categories: 4, inputSize: 784, hiddenUnits: [16, 8] };

  it('saves in TF.js layers format with documented layer names and loads back the same weights', async () => {
    const vae = new CategoricalVae(shape, 5);
    await saveVae(vae, folder);
    const model = await loadLayersModelFromFolder(folder);
    expect(model.layers.map((layer) => layer.name)).toEqual([
      'encoder_hidden_1',
      'encoder_hidden_2',
      'encoder_logits',
      'latent_logits',
      'gumbel_softmax',
      'latent_code',
      'decoder_hidden_1',
      'decoder_hidden_2',
      'decoder_logits',
    ]);
    // Inference through the layers model (one-hot argmax code) equals our own encode → argmax → decode.
    const images = tf.randomUniform([2, 784], 0, 1, 'float32', 3);
    const viaLayers = model.predict(images) as tf.Tensor;
    const direct = tf.tidy(() => vae.decode(tf.oneHot(tf.argMax(vae.encode(images), 2), 4)));
    const a = viaLayers.dataSync();
    const b = direct.dataSync();
    for (let i = 0; i < a.length; i += 97) expect(a[i]).toBeCloseTo(b[i], 4);
    const reloaded = await loadVae(folder);
    expect(reloaded.shape).toEqual(shape);
    const weightsOf = (model: CategoricalVae) => model.parameters().map((p) => Array.from(p.dataSync()));
    expect(weightsOf(reloaded)).toEqual(weightsOf(vae));
    tf.dispose([images, viaLayers, direct]);
    model.dispose();
    vae.dispose();
    reloaded.dispose();
  });

  it('reports a missing or truncated model clearly', async () => {
    await expect(loadVae(join(folder, 'nowhere'))).rejects.toThrow(/model.json: cannot read the model/);
    const weights = readFileSync(join(folder, 'weights.bin'));
    writeFileSync(join(folder, 'weights.bin'), weights.subarray(0, 100));
    await expect(loadVae(folder)).rejects.toThrow(/weights.bin: expected \d+ bytes of weights, found 100/);
  });
});

describe('checkpoint format', () => {
  const contents = {
    state: { step: 3, note: 'x' },
    arrays: [
      { name: 'a', shape: [2], values: new Float32Array([1, 2]) },
      { name: 'b', shape: [1, 3], values: new Float32Array([3, 4, 5]) },
    ],
  };

  it('round-trips state and arrays', () => {
    const decoded = decodeCheckpoint<typeof contents.state>(encodeCheckpoint(contents));
    expect(decoded.state).toEqual(contents.state);
    expect(decoded.arrays.map((a) => [a.name, a.shape, Array.from(a.values)])).toEqual([
      ['a', [2], [1, 2]],
      ['b', [1, 3], [3, 4, 5]],
    ]);
  });

  it('rejects foreign, truncated and corrupt files with a message naming the file', () => {
    const bytes = encodeCheckpoint(contents);
    expect(() => decodeCheckpoint(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 'x.bin')).toThrow(
      /x.bin: is not a gumbel-softmax checkpoint/,
    );
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 4), 'x.bin')).toThrow(
      /x.bin: is truncated or padded/,
    );
    expect(() => decodeCheckpoint(bytes.subarray(0, 20), 'x.bin')).toThrow(
      /x.bin: is truncated \(header cut short\)/,
    );
    const corrupt = bytes.slice();
    corrupt[9] = 0x7b; // '{' inside the JSON header
    corrupt[10] = 0x7b;
    expect(() => decodeCheckpoint(corrupt, 'x.bin')).toThrow(CheckpointError);
  });
});
