/**
 * Data sets stored as a folder of the four standard IDX files, as MNIST and Fashion-MNIST are
 * distributed (Node only).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError } from '../validate.js';
import type { Dataset, DatasetSplits } from './dataset.js';
import { sliceExamples } from './dataset.js';
import { type IdxArray, readIdxFile } from './idx.js';

/** The standard file names (each may also end in `.gz`). */
export const IDX_FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST (60,000 + 10,000, gzipped). */
export const FASHION_MNIST_FOLDER = '/usr/share/datasets/fashion-mnist';

/** The validation split taken from the end of the training file when none is asked for. */
export const DEFAULT_VALIDATION_COUNT = 5000;

const IMAGE_HEIGHT = 28;
const IMAGE_WIDTH = 28;
const CLASSES = 10;

/** Options of {@link loadIdxFolder}. */
export interface IdxFolderOptions {
  /**
   * How many examples at the end of the training file form the validation split (default 5,000,
   * leaving 55,000 of MNIST's or Fashion-MNIST's 60,000 to train on). Must leave at least one.
   */
  validationCount?: number;
  /** What to tell the user when a file is missing (default: where to get MNIST-format files). */
  installHint?: string;
}

const GENERIC_HINT =
  'expected the four files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and ' +
  't10k-labels-idx1-ubyte (each optionally .gz); for Fashion-MNIST run `apt-get install dataset-fashion-mnist`';

/** The path of `name` or `name.gz` in `folder` (the uncompressed file first), or an error saying how to get it. */
function findIdxFile(folder: string, name: string, hint: string): string {
  for (const candidate of [join(folder, name), join(folder, `${name}.gz`)]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${join(folder, name)}[.gz] not found; ${hint}`);
}

function imagesOf(file: IdxArray, path: string): Float32Array {
  const [, height, width] = file.shape;
  if (file.dtype !== 'uint8' || file.shape.length !== 3 || height !== IMAGE_HEIGHT || width !== IMAGE_WIDTH) {
    throw new Error(
      `${path}: expected uint8 images of shape [count, ${IMAGE_HEIGHT}, ${IMAGE_WIDTH}], got ${file.dtype} [${file.shape.join(', ')}]`,
    );
  }
  const greyLevels = new Float32Array(file.data.length);
  for (let i = 0; i < greyLevels.length; i++) greyLevels[i] = file.data[i] / 255;
  return greyLevels;
}

function labelsOf(file: IdxArray, path: string): Uint8Array {
  if (file.dtype !== 'uint8' || file.shape.length !== 1) {
    throw new Error(
      `${path}: expected uint8 labels of shape [count], got ${file.dtype} [${file.shape.join(', ')}]`,
    );
  }
  const labels = file.data as Uint8Array;
  const outOfRange = labels.findIndex((label) => label >= CLASSES);
  if (outOfRange >= 0) {
    throw new Error(
      `${path}: label ${outOfRange} is ${labels[outOfRange]}, expected a class in 0–${CLASSES - 1}`,
    );
  }
  return labels;
}

/**
 * Reads one images file and its labels file as a data set of grey levels (byte / 255).
 *
 * @throws Error naming the file: missing, malformed (see `decodeIdx`), not uint8 28×28
 *   images or uint8 labels, a label above 9, or image and label counts that differ.
 */
export function loadIdxPair(imagesPath: string, labelsPath: string): Dataset {
  const images = imagesOf(readIdxFile(imagesPath), imagesPath);
  const labels = labelsOf(readIdxFile(labelsPath), labelsPath);
  const count = images.length / (IMAGE_HEIGHT * IMAGE_WIDTH);
  if (labels.length !== count) {
    throw new Error(`${imagesPath} holds ${count} images but ${labelsPath} holds ${labels.length} labels`);
  }
  return { images, labels, count, height: IMAGE_HEIGHT, width: IMAGE_WIDTH };
}

/**
 * Loads a folder holding the four standard IDX files, gzipped or not.
 *
 * The split is deterministic: `test` is the whole t10k file; `validation` is the last
 * `validationCount` (default 5,000) examples of the training file and `train` the ones before
 * them, both in file order (for the 60,000-example files: 55,000 train, 5,000 validation).
 *
 * @throws Error naming the path and how to get the files when the folder or a file is missing.
 */
export function loadIdxFolder(folder: string, options: IdxFolderOptions = {}): DatasetSplits {
  const hint = options.installHint ?? GENERIC_HINT;
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new Error(`data folder ${folder} not found; ${hint}`);
  }
  const path = (name: string) => findIdxFile(folder, name, hint);
  const trainImagesPath = path(IDX_FILE_NAMES.trainImages);
  const trainLabelsPath = path(IDX_FILE_NAMES.trainLabels);
  const testImagesPath = path(IDX_FILE_NAMES.testImages);
  const testLabelsPath = path(IDX_FILE_NAMES.testLabels);
  const training = loadIdxPair(trainImagesPath, trainLabelsPath);
  const validationCount = options.validationCount ?? DEFAULT_VALIDATION_COUNT;
  if (!Number.isInteger(validationCount) || validationCount < 0 || validationCount >= training.count) {
    throw new ArgumentError(
      'validationCount',
      `must be an integer in [0, ${training.count - 1}] (${trainImagesPath} holds ${training.count} images), got ${validationCount}`,
    );
  }
  const trainEnd = training.count - validationCount;
  return {
    train: sliceExamples(training, 0, trainEnd),
    validation: sliceExamples(training, trainEnd, training.count),
    test: loadIdxPair(testImagesPath, testLabelsPath),
  };
}

/** Loads Fashion-MNIST from `folder` (default where Debian's `dataset-fashion-mnist` puts it). */
export function loadFashionMnist(
  folder = FASHION_MNIST_FOLDER,
  options: IdxFolderOptions = {},
): DatasetSplits {
  return loadIdxFolder(folder, {
    installHint: 'install Fashion-MNIST with `apt-get install dataset-fashion-mnist` (Debian)',
    ...options,
  });
}
