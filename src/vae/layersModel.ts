import * as tfl from '@tensorflow/tfjs-layers';
import { GumbelSigmoid } from '../layers/gumbelSigmoidLayer.js';
import { GumbelSoftmax } from '../layers/gumbelSoftmaxLayer.js';
import { tf } from '../tf.js';
import { CategoricalVae, latentKindOf, type VaeShape } from './model.js';
import { decodeVae, parseModelJson, SavedModelError, weightsFileOf } from './modelFormat.js';
import { checkQuantization, quantizeWeights, type WeightQuantization } from './quantize.js';

/** Options of {@link encodeVae} and `saveVae`. */
export interface EncodeVaeOptions {
  /** Temperature stored in the `gumbel_softmax` layer (default 1). */
  temperature?: number;
  /** How to store the weights (default 'float32'). */
  quantization?: WeightQuantization;
}

/** The two files of a saved model: the `model.json` object and the bytes of its weights file. */
export interface EncodedVae {
  /** The contents of `model.json`, naming `weightsPath` as its one weights file. */
  modelJson: {
    format: 'layers-model';
    generatedBy: string;
    convertedBy: null;
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  weightData: ArrayBuffer;
}

/**
 * The whole autoencoder as one TF.js layers model, loadable by `tf.loadLayersModel`:
 * `encoder_hidden_1`, `encoder_hidden_2` (dense, ReLU), `encoder_logits` (dense, N·K),
 * `latent_logits` (reshape to [N, K]), `gumbel_softmax` ({@link GumbelSoftmax}: a relaxed sample when
 * training, the one-hot argmax when predicting), `latent_code` (flatten), `decoder_hidden_1`,
 * `decoder_hidden_2` (dense, ReLU), `decoder_logits` (dense, 784 Bernoulli logits; apply a sigmoid
 * for pixel probabilities). Dense kernels are [inputs, units] as in Keras, so another framework
 * loads them by these names (PyTorch's `nn.Linear.weight` is the transpose). A VAE with Bernoulli
 * latents has `encoder_logits` of N bit logits followed by `gumbel_sigmoid` ({@link GumbelSigmoid}:
 * a relaxed Bernoulli sample when training, 1[ℓ > 0] when predicting) in place of the three latent
 * layers, which is how its saved files record the latent kind.
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
  const latentLayers =
    latentKindOf(vae.shape) === 'bernoulli'
      ? [new GumbelSigmoid({ name: 'gumbel_sigmoid', temperature })]
      : [
          tfl.layers.reshape({ name: 'latent_logits', targetShape: [latentVariables, categories] }),
          new GumbelSoftmax({ name: 'gumbel_softmax', temperature }),
          tfl.layers.flatten({ name: 'latent_code' }),
        ];
  const model = tfl.sequential({
    layers: [
      ...vae.layers.slice(0, half).map((_, i) => denseLayer(i, i === 0 ? [inputSize] : undefined)),
      ...latentLayers,
      ...vae.layers.slice(half).map((_, i) => denseLayer(half + i)),
    ],
  });
  model.setWeights(vae.parameters());
  return model;
}

/**
 * The TF.js layers-format files of a VAE, in memory (no file system: this runs in a browser too).
 * With `quantization` the weights are stored as float16 or uint8 and the manifest says so;
 * `tf.loadLayersModel` decodes them back to float32.
 */
export async function encodeVae(
  vae: CategoricalVae,
  weightsPath: string,
  options: EncodeVaeOptions = {},
): Promise<EncodedVae> {
  const quantization = options.quantization ?? 'float32';
  checkQuantization(quantization);
  const model = toLayersModel(vae, options.temperature ?? 1);
  let encoded: EncodedVae | undefined;
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = quantizeWeights(
          {
            weightData: artifacts.weightData as ArrayBuffer,
            weightSpecs: artifacts.weightSpecs as tf.io.WeightsManifestEntry[],
          },
          quantization,
        );
        encoded = {
          modelJson: {
            format: 'layers-model',
            generatedBy: 'gumbel-softmax',
            convertedBy: null,
            modelTopology: artifacts.modelTopology as object,
            weightsManifest: [{ paths: [weightsPath], weights: weights.weightSpecs }],
          },
          weightData: weights.weightData,
        };
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
  } finally {
    model.dispose();
  }
  return encoded as EncodedVae;
}

/**
 * Copies a loaded layers model (as written by {@link encodeVae}) into a {@link CategoricalVae}. The
 * weights are read asynchronously, so a GPU backend does not stall the page reading them back.
 */
export async function vaeFromLayersModel(model: tfl.LayersModel): Promise<CategoricalVae> {
  const bernoulli = model.layers.some((layer) => layer.name === 'gumbel_sigmoid');
  const [latentVariables, categories] = bernoulli
    ? [(model.getLayer('encoder_logits').getConfig() as { units: number }).units, 2]
    : (model.getLayer('latent_logits').getConfig() as { targetShape: number[] }).targetShape;
  const dense = model.layers.filter((layer) => layer.name.startsWith('encoder_hidden_'));
  const shape: VaeShape = {
    latentVariables,
    categories,
    inputSize: model.inputs[0].shape[1] as number,
    hiddenUnits: dense.map((layer) => (layer.getConfig() as { units: number }).units),
    ...(bernoulli ? { latent: 'bernoulli' as const } : {}),
  };
  const weights = await Promise.all(
    model.getWeights().map((weight) => weight.data() as Promise<Float32Array>),
  );
  const vae = new CategoricalVae(shape, 0);
  vae.assignWeights(weights);
  return vae;
}

async function fetchBytes(url: URL, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new SavedModelError(url.href, `cannot fetch the ${what} (${(error as Error).message})`);
  }
  if (!response.ok) throw new SavedModelError(url.href, `cannot fetch the ${what} (HTTP ${response.status})`);
  return response;
}

/**
 * Loads a saved VAE over HTTP(S) (in a browser: a URL relative to the page works too), e.g. the
 * `model.json` that `gumbel train` writes, served beside its weights file. The files are checked
 * as strictly as on disk ({@link decodeVae}).
 *
 * @throws SavedModelError when a file cannot be fetched or is not a VAE this library saved.
 */
export async function loadVaeFromUrl(url: string): Promise<CategoricalVae> {
  const modelUrl = new URL(url, typeof location === 'undefined' ? undefined : location.href);
  const modelJson = parseModelJson(await (await fetchBytes(modelUrl, 'model')).text(), modelUrl.href);
  const weightsUrl = new URL(weightsFileOf(modelJson, modelUrl.href), modelUrl);
  const weights = new Uint8Array(await (await fetchBytes(weightsUrl, 'weights')).arrayBuffer());
  return decodeVae(modelJson, weights, { model: modelUrl.href, weights: weightsUrl.href }).vae;
}
