import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { GumbelSoftmax } from '../layers/gumbelSoftmaxLayer.js';
import { tf } from '../tf.js';
import { writeFileAtomicSync } from '../viz/writeFileAtomic.js';
import { CategoricalVae, type VaeShape } from './model.js';

/** File names of a saved model inside a run folder. */
export const MODEL_FILES = { topology: 'model.json', weights: 'weights.bin' } as const;

/**
 * The whole autoencoder as one TF.js layers model, loadable by `tf.loadLayersModel`:
 * `encoder_hidden_1`, `encoder_hidden_2` (dense, ReLU), `encoder_logits` (dense, N·K),
 * `latent_logits` (reshape to [N, K]), `gumbel_softmax` ({@link GumbelSoftmax}: a relaxed sample when
 * training, the one-hot argmax when predicting), `latent_code` (flatten), `decoder_hidden_1`,
 * `decoder_hidden_2` (dense, ReLU), `decoder_logits` (dense, 784 Bernoulli logits; apply a sigmoid
 * for pixel probabilities). Dense kernels are [inputs, units] as in Keras, so another framework
 * loads them by these names (PyTorch's `nn.Linear.weight` is the transpose).
 */
export function toLayersModel(vae: CategoricalVae, temperature = 1): tfl.LayersModel {
  const { latentVariables, categories, inputSize } = vae.shape;
  const denseLayer = (index: number, inputShape?: number[]) => {
    const layer = vae.layers[index];
    return tfl.layers.dense({
      name: layer.name,
      units: layer.kernel.shape[1] as number,
      activation: layer.activation,
      ...(inputShape ? { inputShape } : {}),
    });
  };
  const half = vae.layers.length / 2;
  const model = tfl.sequential({
    layers: [
      ...vae.layers.slice(0, half).map((_, i) => denseLayer(i, i === 0 ? [inputSize] : undefined)),
      tfl.layers.reshape({ name: 'latent_logits', targetShape: [latentVariables, categories] }),
      new GumbelSoftmax({ name: 'gumbel_softmax', temperature }),
      tfl.layers.flatten({ name: 'latent_code' }),
      ...vae.layers.slice(half).map((_, i) => denseLayer(half + i)),
    ],
  });
  model.setWeights(vae.parameters());
  return model;
}

/** Saves the VAE as `model.json` + `weights.bin` in `folder`, each file written atomically. */
export async function saveVae(vae: CategoricalVae, folder: string, temperature = 1): Promise<void> {
  const model = toLayersModel(vae, temperature);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData as ArrayBuffer;
      writeFileAtomicSync(join(folder, MODEL_FILES.weights), new Uint8Array(weightData));
      const manifest = {
        format: 'layers-model',
        generatedBy: 'gumbel-softmax',
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [MODEL_FILES.weights], weights: artifacts.weightSpecs }],
      };
      writeFileAtomicSync(join(folder, MODEL_FILES.topology), JSON.stringify(manifest));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
}

/** Reads a saved model folder with `tf.loadLayersModel` (Node has no file:// loader without tfjs-node). */
export async function loadLayersModelFromFolder(folder: string): Promise<tfl.LayersModel> {
  const topologyPath = join(folder, MODEL_FILES.topology);
  let manifest: {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  try {
    manifest = JSON.parse(readFileSync(topologyPath, 'utf8'));
  } catch (error) {
    throw new Error(`${topologyPath}: cannot read the model (${(error as Error).message})`);
  }
  const group = manifest.weightsManifest?.[0];
  if (!manifest.modelTopology || !group) throw new Error(`${topologyPath}: not a TF.js layers model`);
  const weightsPath = join(folder, group.paths[0]);
  let weightBytes: Buffer;
  try {
    weightBytes = readFileSync(weightsPath);
  } catch (error) {
    throw new Error(`${weightsPath}: cannot read the weights (${(error as Error).message})`);
  }
  const expectedBytes = group.weights.reduce(
    (sum, spec) => sum + 4 * spec.shape.reduce((a, b) => a * b, 1),
    0,
  );
  if (weightBytes.length !== expectedBytes) {
    throw new Error(
      `${weightsPath}: expected ${expectedBytes} bytes of weights, found ${weightBytes.length}`,
    );
  }
  const weightData = weightBytes.buffer.slice(
    weightBytes.byteOffset,
    weightBytes.byteOffset + weightBytes.length,
  );
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: group.weights, weightData }),
  );
}

/** Loads a saved run's model back into a {@link CategoricalVae}, reading its shape from the layers. */
export async function loadVae(folder: string): Promise<CategoricalVae> {
  const model = await loadLayersModelFromFolder(folder);
  try {
    const reshape = model.getLayer('latent_logits').getConfig() as { targetShape: number[] };
    const dense = model.layers.filter((layer) => layer.name.startsWith('encoder_hidden_'));
    const shape: VaeShape = {
      latentVariables: reshape.targetShape[0],
      categories: reshape.targetShape[1],
      inputSize: model.inputs[0].shape[1] as number,
      hiddenUnits: dense.map((layer) => (layer.getConfig() as { units: number }).units),
    };
    const vae = new CategoricalVae(shape, 0);
    vae.assignWeights(model.getWeights().map((weight) => weight.dataSync() as Float32Array));
    return vae;
  } finally {
    model.dispose();
  }
}
