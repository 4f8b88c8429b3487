import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../tf.js';
import { writeFileAtomicSync } from '../viz/writeFileAtomic.js';
import { encodeVae, vaeFromLayersModel } from './layersModel.js';
import type { CategoricalVae } from './model.js';
import { type WeightQuantization, weightBytes } from './quantize.js';

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

/** How often a reader retries when model.json and the weights come from two different saves. */
const MISMATCH_RETRIES = 20;

/** model.json and the weights file of one save, read so that they belong together. */
async function readSavedFiles(
  folder: string,
): Promise<{ manifest: SavedManifest; bytes: Buffer; weightsPath: string }> {
  for (let attempt = 0; ; attempt++) {
    const files = readSavedFilesOnce(folder);
    const expected = files.manifest.userDefinedMetadata?.weightsSha256;
    if (expected === undefined || expected === sha256(files.bytes)) return files;
    if (attempt === MISMATCH_RETRIES) {
      throw new Error(
        `${files.weightsPath}: its contents do not match model.json's checksum (the files come from different saves, or were altered)`,
      );
    }
    // Another process is saving the model right now: its model.json will follow its weights.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface SavedManifest {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  userDefinedMetadata?: { weightsSha256?: string };
}

/**
 * Reads a saved model folder with `tf.loadLayersModel` (Node has no file:// loader without
 * tfjs-node). While another process saves into the folder, it waits for the save to finish rather
 * than pair one save's model.json with another's weights.
 */
export async function loadLayersModelFromFolder(folder: string): Promise<tfl.LayersModel> {
  const { manifest, bytes } = await readSavedFiles(folder);
  const group = manifest.weightsManifest[0];
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: group.weights, weightData }),
  );
}

function readSavedFilesOnce(folder: string): { manifest: SavedManifest; bytes: Buffer; weightsPath: string } {
  const topologyPath = join(folder, MODEL_FILES.topology);
  let manifest: SavedManifest;
  try {
    manifest = JSON.parse(readFileSync(topologyPath, 'utf8'));
  } catch (error) {
    throw new Error(`${topologyPath}: cannot read the model (${(error as Error).message})`);
  }
  const group = manifest.weightsManifest?.[0];
  if (!manifest.modelTopology || !group) throw new Error(`${topologyPath}: not a TF.js layers model`);
  const weightsPath = join(folder, group.paths[0]);
  let bytes: Buffer;
  try {
    bytes = readFileSync(weightsPath);
  } catch (error) {
    throw new Error(`${weightsPath}: cannot read the weights (${(error as Error).message})`);
  }
  const expectedBytes = weightBytes(group.weights);
  if (bytes.length !== expectedBytes) {
    throw new Error(`${weightsPath}: expected ${expectedBytes} bytes of weights, found ${bytes.length}`);
  }
  return { manifest, bytes, weightsPath };
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
