/** Chooses a data set by the name a user types, such as the CLI's `--dataset` (Node only). */
import type { DatasetSplits } from './dataset.js';
import { FASHION_MNIST_FOLDER, type IdxFolderOptions, loadFashionMnist, loadIdxFolder } from './idxFolder.js';
import { loadMnistSplits } from './mnist.js';

/** The data sets known by name; anything else is taken as a folder of IDX files. */
export const DATASET_NAMES = ['mnist', 'fashion-mnist'] as const;

/** A data set known by name. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/**
 * Loads a data set by name or folder:
 * - `'mnist'`: the 10,000 embedded digits, split 8,000 / 1,000 / 1,000 (`loadMnistSplits`);
 * - `'fashion-mnist'`: Fashion-MNIST from `/usr/share/datasets/fashion-mnist`, split
 *   55,000 / 5,000 / 10,000 by default (`apt-get install dataset-fashion-mnist` installs it);
 * - anything else: a folder holding the four standard IDX files (`loadIdxFolder`).
 *
 * @param options - for folders only: the size of the validation split.
 */
export function loadDataset(nameOrFolder: string, options: IdxFolderOptions = {}): DatasetSplits {
  if (nameOrFolder === 'mnist') return loadMnistSplits();
  if (nameOrFolder === 'fashion-mnist') return loadFashionMnist(FASHION_MNIST_FOLDER, options);
  return loadIdxFolder(nameOrFolder, options);
}
