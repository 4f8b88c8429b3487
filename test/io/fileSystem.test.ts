import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { GumbelSoftmax, tf } from '../../src/index.js';
import { fileSystemHandler, registerFileSystemRouter } from '../../src/io/fileSystem.js';

const scratch = mkdtempSync(join(tmpdir(), 'gumbel-io-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A small classifier with a discrete bottleneck: dense → logits (3 × 4) → GumbelSoftmax → dense. */
function bottleneckModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [6] });
  const logits = tfl.layers
    .reshape({ targetShape: [3, 4] })
    .apply(tfl.layers.dense({ units: 12 }).apply(input));
  const code = new GumbelSoftmax({ temperature: 0.7, hard: true }).apply(logits) as tfl.SymbolicTensor;
  const flat = tfl.layers.flatten().apply(code);
  const output = tfl.layers.dense({ units: 2, activation: 'softmax' }).apply(flat) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

function weightsOf(model: tfl.LayersModel): number[][] {
  return model.getWeights().map((weight) => Array.from(weight.dataSync()));
}

describe('fileSystemHandler', () => {
  it('saves a model holding the GumbelSoftmax layer and loads it back: same layers, weights, predictions', async () => {
    const model = bottleneckModel();
    const inputs = tf.randomUniform([5, 6], -1, 1, 'float32', 11);
    const targets = tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1], 'int32'), 2);
    await model.fit(inputs, targets, { epochs: 2, verbose: 0 }); // trained, with an optimizer state
    const folder = join(scratch, 'bottleneck', 'nested'); // created on save
    const result = await model.save(fileSystemHandler(folder));
    expect(readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin']); // no temporary files left
    const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(JSON.stringify(json.modelTopology)).toContain('"class_name":"GumbelSoftmax"');
    expect(readFileSync(join(folder, 'weights.bin')).length).toBe(result.modelArtifactsInfo.weightDataBytes);
    // 6·12+12 + 12·2+2 float32 weights.
    expect(result.modelArtifactsInfo.weightDataBytes).toBe((6 * 12 + 12 + 12 * 2 + 2) * 4);

    const loaded = await tfl.loadLayersModel(fileSystemHandler(folder));
    expect(loaded.layers.map((layer) => layer.getClassName())).toEqual(
      model.layers.map((l) => l.getClassName()),
    );
    const layer = loaded.layers.find((candidate) => candidate instanceof GumbelSoftmax) as GumbelSoftmax;
    expect([layer.temperature, layer.hard]).toEqual([0.7, true]);
    expect(weightsOf(loaded)).toEqual(weightsOf(model));
    const before = model.predict(inputs) as tf.Tensor;
    const after = loaded.predict(inputs) as tf.Tensor;
    expect(Array.from(after.dataSync())).toEqual(Array.from(before.dataSync())); // inference is deterministic
    tf.dispose([inputs, targets, before, after]);
    model.dispose();
    loaded.dispose();
  });

  it('model.save("file://…") and tf.loadLayersModel("file://…/model.json") once the router is registered', async () => {
    registerFileSystemRouter();
    registerFileSystemRouter(); // twice: still one handler
    expect(tf.io.getSaveHandlers('file://x')).toHaveLength(1);
    const model = bottleneckModel();
    const folder = join(scratch, 'routed');
    await model.save(`file://${folder}`);
    const loaded = await tfl.loadLayersModel(`file://${folder}/model.json`);
    expect(weightsOf(loaded)).toEqual(weightsOf(model));
    model.dispose();
    loaded.dispose();
  });

  it('errors name the file: missing, not a model, truncated weights, unwritable folder', async () => {
    const missing = join(scratch, 'nowhere');
    await expect(tfl.loadLayersModel(fileSystemHandler(missing))).rejects.toThrow(
      `${join(missing, 'model.json')}: cannot read the model`,
    );
    const notModel = join(scratch, 'not-a-model');
    await bottleneckModel().save(fileSystemHandler(notModel));
    const weights = readFileSync(join(notModel, 'weights.bin'));
    writeFileSync(join(notModel, 'weights.bin'), weights.subarray(0, 100));
    await expect(tfl.loadLayersModel(fileSystemHandler(notModel))).rejects.toThrow(
      `${join(notModel, 'weights.bin')}: expected ${weights.length} bytes of weights, found 100`,
    );
    writeFileSync(join(notModel, 'model.json'), '{"format": "something else"}');
    await expect(tfl.loadLayersModel(fileSystemHandler(notModel))).rejects.toThrow(
      `${join(notModel, 'model.json')}: not a TF.js layers model`,
    );
    writeFileSync(join(notModel, 'model.json'), '{"modelTopology": ');
    await expect(tfl.loadLayersModel(fileSystemHandler(notModel))).rejects.toThrow(
      `${join(notModel, 'model.json')}: cannot read the model`,
    );
    // Unwritable targets (made so even for root): a folder under a file, weights.bin a folder.
    const underFile = join(notModel, 'weights.bin', 'model');
    await expect(bottleneckModel().save(fileSystemHandler(underFile))).rejects.toThrow(
      `${underFile}: cannot save the model`,
    );
    const blocked = join(scratch, 'blocked');
    await bottleneckModel().save(fileSystemHandler(blocked));
    const before = readFileSync(join(blocked, 'model.json'));
    rmSync(join(blocked, 'weights.bin'));
    mkdirSync(join(blocked, 'weights.bin'));
    await expect(bottleneckModel().save(fileSystemHandler(blocked))).rejects.toThrow(
      `${join(blocked, 'weights.bin')}: cannot save the model`,
    );
    expect(readFileSync(join(blocked, 'model.json'))).toEqual(before); // the old topology is untouched
    expect(readdirSync(blocked).sort()).toEqual(['model.json', 'weights.bin']); // no temporary file left
    expect(existsSync(join(scratch, 'file:'))).toBe(false);
  });

  it('rejects a folder that is not a non-empty string', () => {
    expect(() => fileSystemHandler('')).toThrow(/folder.*non-empty string/);
    expect(() => fileSystemHandler(undefined as unknown as string)).toThrow(/folder.*non-empty string/);
  });
});
