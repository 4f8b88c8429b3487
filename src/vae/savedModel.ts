import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomicSync } from '../viz/writeFileAtomic.js';
import { encodeVae, toLayersModel } from './layersModel.js';
import type { CategoricalVae } from './model.js';
import { type DecodedVae, decodeVae, parseModelJson, SavedModelError, weightsFileOf } from './modelFormat.js';
import type { WeightQuantization } from './quantize.js';

export { toLayersModel } from './layersModel.js';

/** File names of a saved model inside a run folder. */
export const MODEL_FILES = { topology: 'model.json', weights: 'weights.bin' } as const;

/** Options of {@link saveVae} besides the temperature. */
export interface SaveVaeOptions {
  /** Store the weights as float32 (default), float16 (half the size) or uint8 (a quarter). */
  quantization?: WeightQuantization;
}

/**
 * Saves the VAE as `model.json` + `weights.bin` in `folder` (TF.js layers format, layer names as
 * in `toLayersModel`), each file written atomically.
 */
export async function saveVae(
  vae: CategoricalVae,
  folder: string,
  temperature = 1,
  options: SaveVaeOptions = {},
): Promise<void> {
  const { modelJson, weightData } = await encodeVae(vae, MODEL_FILES.weights, {
    temperature,
    quantization: options.quantization,
  });
  writeFileAtomicSync(join(folder, MODEL_FILES.weights), new Uint8Array(weightData));
  writeFileAtomicSync(join(folder, MODEL_FILES.topology), JSON.stringify(modelJson));
}

function readModelJson(topologyPath: string): unknown {
  let text: string;
  try {
    text = readFileSync(topologyPath, 'utf8');
  } catch (error) {
    throw new SavedModelError(topologyPath, `cannot read the model (${(error as Error).message})`);
  }
  return parseModelJson(text, topologyPath);
}

/** Loads a saved run's model (strictly checked, see {@link decodeVae}) with its stored temperature. */
export function readSavedVae(folder: string): DecodedVae {
  const topologyPath = join(folder, MODEL_FILES.topology);
  const modelJson = readModelJson(topologyPath);
  const weightsPath = join(folder, weightsFileOf(modelJson, topologyPath));
  let bytes: Buffer;
  try {
    bytes = readFileSync(weightsPath);
  } catch (error) {
    throw new SavedModelError(weightsPath, `cannot read the weights (${(error as Error).message})`);
  }
  return decodeVae(modelJson, bytes, { model: topologyPath, weights: weightsPath });
}

/**
 * Reads a saved model folder as a TF.js layers model (the layers of {@link toLayersModel}). The
 * files are checked by {@link decodeVae} first: anything but a VAE this library saved, with finite
 * weights, is rejected with a {@link SavedModelError}.
 */
export async function loadLayersModelFromFolder(folder: string): Promise<tfl.LayersModel> {
  const { vae, temperature } = readSavedVae(folder);
  try {
    return toLayersModel(vae, temperature);
  } finally {
    vae.dispose();
  }
}

/**
 * Loads a saved run's model back into a {@link CategoricalVae}, reading its shape from the layers.
 *
 * @throws SavedModelError for missing, foreign, truncated or corrupt files, or non-finite weights.
 */
export async function loadVae(folder: string): Promise<CategoricalVae> {
  return readSavedVae(folder).vae;
}
