import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileSystemHandler } from '../io/fileSystem.js';
import { writeFileAtomicSync } from '../viz/writeFileAtomic.js';
import { encodeVae, vaeFromLayersModel } from './layersModel.js';
import type { CategoricalVae } from './model.js';
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

/**
 * Reads a saved model folder with `tf.loadLayersModel` (Node has no file:// loader without
 * tfjs-node): {@link fileSystemHandler}'s load.
 */
export async function loadLayersModelFromFolder(folder: string): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(fileSystemHandler(folder));
}

/** Loads a saved run's model back into a {@link CategoricalVae}, reading its shape from the layers. */
export async function loadVae(folder: string): Promise<CategoricalVae> {
  const model = await loadLayersModelFromFolder(folder);
  try {
    return await vaeFromLayersModel(model);
  } finally {
    model.dispose();
  }
}
