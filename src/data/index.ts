/**
 * The data layer of the categorical VAE: IDX files, the embedded MNIST digits, Fashion-MNIST,
 * binarization and minibatches. Node only (it reads files), so the core `index.ts` does not
 * re-export it; `binarize`, `batches`, `dataset` and `shuffle` themselves import no Node module.
 * @packageDocumentation
 */

export type {
  ImageSource,
  Minibatch,
  MinibatchIterationOptions,
  MinibatchOptions,
  MinibatchPosition,
} from './batches.js';
export { batchesPerEpoch, batchIndices, imageBatchTensor, minibatches, positionOfStep } from './batches.js';
export { bernoulliBinarize, dynamicBinarize, staticBinarize, staticBinarizeSplits } from './binarize.js';
export type { Dataset, DatasetSplits } from './dataset.js';
export { checkDataset, pixelsPerImage, selectExamples, sliceExamples } from './dataset.js';
export type { IdxArray, IdxData, IdxDtype } from './idx.js';
export { decodeIdx, encodeIdx, IdxFormatError, isGzip, readIdxFile } from './idx.js';
export type { IdxFolderOptions } from './idxFolder.js';
export {
  DEFAULT_VALIDATION_COUNT,
  FASHION_MNIST_FOLDER,
  IDX_FILE_NAMES,
  loadFashionMnist,
  loadIdxFolder,
  loadIdxPair,
} from './idxFolder.js';
export type { DatasetName } from './load.js';
export { DATASET_NAMES, loadDataset } from './load.js';
export { loadMnistDigits, loadMnistSplits, MNIST_SPLIT_SEED, MNIST_SPLIT_SIZES } from './mnist.js';
export type { DataStreamId } from './shuffle.js';
export { DataStream, epochGenerator, epochPermutation, seededPermutation } from './shuffle.js';
