import { createHash } from 'node:crypto';
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
 * in `toLayersModel`), each file written atomically, the weights first. `model.json` records the
 * weights' SHA-256 (`userDefinedMetadata.weightsSha256`), so a reader never pairs it with the
 * weights of another save.
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
  const weights = new Uint8Array(weightData);
  writeFileAtomicSync(join(folder, MODEL_FILES.weights), weights);
  const userDefinedMetadata = { weightsSha256: sha256(weights) };
  writeFileAtomicSync(
    join(folder, MODEL_FILES.topology),
    JSON.stringify({ ...modelJson, userDefinedMetadata }),
  );
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The weights' SHA-256 that `saveVae` records in model.json, if there is one. */
function recordedChecksum(modelJson: unknown): string | undefined {
  const metadata = (modelJson as { userDefinedMetadata?: { weightsSha256?: unknown } } | null)
    ?.userDefinedMetadata;
  return typeof metadata?.weightsSha256 === 'string' ? metadata.weightsSha256 : undefined;
}

/** How often a reader looks again when model.json and the weights come from two different saves. */
const MISMATCH_RETRIES = 20;

interface SavedFiles {
  modelJson: unknown;
  bytes: Buffer;
  topologyPath: string;
  weightsPath: string;
}

/**
 * Loads a saved run's model (strictly checked, see {@link decodeVae}) with its stored temperature,
 * model.json and weights from one save: while another process saves (weights first, then
 * model.json), the checksum recorded in model.json does not match the weights yet, so it looks
 * again. Files that never match get decodeVae's own error, or else a checksum error.
 */
export function readSavedVae(folder: string): DecodedVae {
  for (let attempt = 0; ; attempt++) {
    const files = readSavedFilesOnce(folder);
    const decode = () =>
      decodeVae(files.modelJson, files.bytes, { model: files.topologyPath, weights: files.weightsPath });
    const expected = recordedChecksum(files.modelJson);
    if (expected === undefined || expected === sha256(files.bytes)) return decode();
    if (attempt === MISMATCH_RETRIES) {
      decode().vae.dispose(); // throws the more specific error where there is one (truncated, NaN…)
      throw new SavedModelError(
        files.weightsPath,
        "its contents do not match model.json's checksum (the files come from different saves, or were altered)",
      );
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
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

function readSavedFilesOnce(folder: string): SavedFiles {
  const topologyPath = join(folder, MODEL_FILES.topology);
  const modelJson = readModelJson(topologyPath);
  const weightsPath = join(folder, weightsFileOf(modelJson, topologyPath));
  let bytes: Buffer;
  try {
    bytes = readFileSync(weightsPath);
  } catch (error) {
    throw new SavedModelError(weightsPath, `cannot read the weights (${(error as Error).message})`);
  }
  return { modelJson, bytes, topologyPath, weightsPath };
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
