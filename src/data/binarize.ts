import { resolveGenerator, type Seed } from '../random/generator.js';
import { ArgumentError } from '../validate.js';
import type { Dataset, DatasetSplits } from './dataset.js';
import { DataStream, epochGenerator } from './shuffle.js';

/** Words drawn at a time; a multiple of 4, so chunking never changes the stream. */
const WORD_CHUNK = 4096;
const TWO_POW_MINUS_23 = 2 ** -23;

/**
 * Draws each pixel from Bernoulli(grey level): 1 with probability equal to the grey level, else 0.
 * Pixel i uses the generator's i-th word w as u = (⌊w / 2⁹⌋ + ½)·2⁻²³ in (0, 1) and becomes
 * 1 when u < grey level, so grey 0 always gives 0 and grey 1 always gives 1. The same seed gives
 * the same binary images.
 *
 * @param greyLevels - values in [0, 1].
 * @returns a new array of 0s and 1s, the same length.
 */
export function bernoulliBinarize(greyLevels: Float32Array, seed?: Seed): Float32Array {
  const generator = resolveGenerator(seed);
  const binary = new Float32Array(greyLevels.length);
  const words = new Uint32Array(WORD_CHUNK);
  for (let start = 0; start < greyLevels.length; start += WORD_CHUNK) {
    generator.fillUint32(words);
    const end = Math.min(start + WORD_CHUNK, greyLevels.length);
    for (let i = start; i < end; i++) {
      const grey = greyLevels[i];
      if (!(grey >= 0 && grey <= 1)) {
        throw new ArgumentError('greyLevels', `must lie in [0, 1], got ${grey} at index ${i}`);
      }
      binary[i] = ((words[i - start] >>> 9) + 0.5) * TWO_POW_MINUS_23 < grey ? 1 : 0;
    }
  }
  return binary;
}

/**
 * Static binarization: the data set with every image replaced by one fixed Bernoulli draw
 * ({@link bernoulliBinarize}), so training sees the same binary images in every epoch.
 */
export function staticBinarize(dataset: Dataset, seed: Seed): Dataset {
  return { ...dataset, images: bernoulliBinarize(dataset.images, seed) };
}

/**
 * Static binarization of all three splits, each from its own child of `RandomGenerator(seed)`
 * (children 0, 1, 2 for train, validation, test), so no two splits share random draws.
 */
export function staticBinarizeSplits(splits: DatasetSplits, seed: number): DatasetSplits {
  const [train, validation, test] = resolveGenerator(seed).split(3);
  return {
    train: staticBinarize(splits.train, train),
    validation: staticBinarize(splits.validation, validation),
    test: staticBinarize(splits.test, test),
  };
}

/**
 * Dynamic binarization: a fresh Bernoulli draw of the grey levels for each epoch, fixed by
 * `(seed, epoch)` alone (the generator is `epochGenerator(seed, DataStream.dynamicBinarization,
 * epoch)`), so a resumed run redraws exactly the images it would have seen.
 */
export function dynamicBinarize(greyLevels: Float32Array, seed: number, epoch: number): Float32Array {
  return bernoulliBinarize(greyLevels, epochGenerator(seed, DataStream.dynamicBinarization, epoch));
}
