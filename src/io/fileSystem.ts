/**
 * Saving and loading any TF.js layers model to a folder on disk (Node only): what
 * `model.save('file://…')` does with tfjs-node, for users who cannot install it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../tf.js';
import { weightBytes } from '../vae/quantize.js';
import { ArgumentError } from '../validate.js';
import { writeFileAtomicSync } from '../viz/writeFileAtomic.js';

/** The two files of a saved layers model, as tfjs-node names them. */
export const MODEL_FOLDER_FILES = { topology: 'model.json', weights: 'weights.bin' } as const;

/** The scheme {@link registerFileSystemRouter} answers: `model.save('file://runs/model')`. */
export const FILE_SCHEME = 'file://';

function readOrThrow(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the ${what} (${(error as Error).message})`);
  }
}

function asArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}

/** Reads `model.json` (and the weight files it names) from `folder` into model artifacts. */
function loadArtifacts(folder: string): Promise<tf.io.ModelArtifacts> {
  const topologyPath = join(folder, MODEL_FOLDER_FILES.topology);
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(readOrThrow(topologyPath, 'model').toString('utf8'));
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(
      message.startsWith(topologyPath) ? message : `${topologyPath}: cannot read the model (${message})`,
    );
  }
  if (!modelJson?.modelTopology || !Array.isArray(modelJson.weightsManifest)) {
    throw new Error(`${topologyPath}: not a TF.js layers model (no modelTopology or weightsManifest)`);
  }
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const parts = manifest.flatMap((group) =>
      group.paths.map((name) => readOrThrow(join(folder, name), 'weights')),
    );
    const weightData = tf.io.concatenateArrayBuffers(parts.map(asArrayBuffer));
    const expectedBytes = weightBytes(specs);
    if (weightData.byteLength !== expectedBytes) {
      const where = join(folder, manifest[0]?.paths[0] ?? MODEL_FOLDER_FILES.weights);
      throw new Error(`${where}: expected ${expectedBytes} bytes of weights, found ${weightData.byteLength}`);
    }
    return [specs, weightData];
  });
}

/** Writes `weights.bin`, then `model.json`, each atomically, into `folder` (created if missing). */
function saveArtifacts(folder: string, artifacts: tf.io.ModelArtifacts): tf.io.SaveResult {
  const topology = artifacts.modelTopology;
  if (!topology || topology instanceof ArrayBuffer) {
    throw new Error(`${folder}: can only save a layers model (its topology as JSON)`);
  }
  const weightData = artifacts.weightData ?? new ArrayBuffer(0);
  const weightBuffer = Array.isArray(weightData) ? tf.io.concatenateArrayBuffers(weightData) : weightData;
  const modelJson: tf.io.ModelJSON = {
    modelTopology: topology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [MODEL_FOLDER_FILES.weights], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.signature ? { signature: artifacts.signature } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    ...(artifacts.modelInitializer ? { modelInitializer: artifacts.modelInitializer } : {}),
  };
  const weightsPath = join(folder, MODEL_FOLDER_FILES.weights);
  const topologyPath = join(folder, MODEL_FOLDER_FILES.topology);
  let path = folder;
  try {
    mkdirSync(folder, { recursive: true });
    path = weightsPath;
    writeFileAtomicSync(weightsPath, new Uint8Array(weightBuffer));
    path = topologyPath;
    writeFileAtomicSync(topologyPath, JSON.stringify(modelJson));
  } catch (error) {
    throw new Error(`${path}: cannot save the model (${(error as Error).message})`);
  }
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
      weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
      weightDataBytes: weightBuffer.byteLength,
    },
  };
}

/**
 * A TF.js IO handler that saves a layers model to, and loads it from, a folder on disk:
 * `model.json` (topology, weight manifest, training config) and `weights.bin` (every weight, one
 * file), the layout of tfjs-node's `file://`. Each file is written atomically (a crash or a full
 * disk leaves the old file, never half of the new one); `weights.bin` is written first, so a
 * `model.json` never names weights that are not there. Errors name the file. Works for any layers
 * model, including ones holding this library's `GumbelSoftmax` layer.
 *
 * ```ts
 * await model.save(fileSystemHandler('runs/classifier'));
 * const loaded = await tf.loadLayersModel(fileSystemHandler('runs/classifier'));
 * ```
 *
 * @param folder the model's folder (created on save if missing).
 * @throws {ArgumentError} for a folder that is not a non-empty string.
 */
export function fileSystemHandler(folder: string): tf.io.IOHandler {
  if (typeof folder !== 'string' || folder === '') {
    throw new ArgumentError('folder', `must be a non-empty string, got ${JSON.stringify(folder)}`);
  }
  const path = folder.startsWith(FILE_SCHEME) ? folder.slice(FILE_SCHEME.length) : folder;
  return {
    save: async (artifacts) => saveArtifacts(path, artifacts),
    load: () => loadArtifacts(path),
  };
}

/**
 * Lets `model.save('file://folder')` and `tf.loadLayersModel('file://folder/model.json')` (or
 * `'file://folder'`) use {@link fileSystemHandler}. Does nothing when a `file://` handler is
 * already registered (tfjs-node registers its own). Safe to call more than once.
 */
export function registerFileSystemRouter(): void {
  if (tf.io.getSaveHandlers(`${FILE_SCHEME}probe`).length > 0) return;
  // A router answers null for a URL that is not its own (TF.js's own routers do the same).
  const route = (url: string | string[]): tf.io.IOHandler => {
    if (typeof url !== 'string' || !url.startsWith(FILE_SCHEME)) return null as unknown as tf.io.IOHandler;
    const path = url.slice(FILE_SCHEME.length);
    const suffix = `/${MODEL_FOLDER_FILES.topology}`;
    return fileSystemHandler(path.endsWith(suffix) ? path.slice(0, -suffix.length) : path);
  };
  tf.io.registerSaveRouter(route);
  tf.io.registerLoadRouter(route);
}
