import { RandomGenerator, resolveGenerator, type Seed } from '../random/generator.js';
import { ArgumentError } from '../validate.js';

const TWO_POW_32 = 0x1_0000_0000;
/** Words drawn from the generator at a time; a multiple of 4, so chunking never changes the stream. */
const WORD_CHUNK = 1024;

/** Independent uses of one seed in the data layer, so the same seed never correlates two of them. */
export const DataStream = {
  /** The order of examples in each epoch ({@link epochPermutation}). */
  shuffle: 0,
  /** The Bernoulli draws of dynamic binarization. */
  dynamicBinarization: 1,
} as const;

/** A {@link DataStream} value. */
export type DataStreamId = (typeof DataStream)[keyof typeof DataStream];

/** Unbiased integers in [0, bound) from a generator's 32-bit words, by rejection of the top remainder. */
class IndexDrawer {
  private readonly generator: RandomGenerator;
  private readonly words = new Uint32Array(WORD_CHUNK);
  private next = WORD_CHUNK;

  constructor(generator: RandomGenerator) {
    this.generator = generator;
  }

  below(bound: number): number {
    const limit = TWO_POW_32 - (TWO_POW_32 % bound);
    for (;;) {
      if (this.next === WORD_CHUNK) {
        this.generator.fillUint32(this.words);
        this.next = 0;
      }
      const word = this.words[this.next++];
      if (word < limit) return word % bound;
    }
  }
}

/**
 * A uniformly random permutation of 0 … count − 1 by the Fisher–Yates shuffle: for i from
 * count − 1 down to 1, swap entry i with entry j, j uniform in [0, i] (drawn without modulo bias
 * from the generator's words, taken 1,024 at a time). The same seed gives the same permutation.
 */
export function seededPermutation(count: number, seed?: Seed): Uint32Array {
  if (!Number.isInteger(count) || count < 0 || count > TWO_POW_32) {
    throw new ArgumentError('count', `must be an integer in [0, 2^32], got ${count}`);
  }
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const drawer = new IndexDrawer(resolveGenerator(seed));
  for (let i = count - 1; i > 0; i--) {
    const j = drawer.below(i + 1);
    const held = order[i];
    order[i] = order[j];
    order[j] = held;
  }
  return order;
}

function checkIndex(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ArgumentError(name, `must be an integer >= 0, got ${value}`);
  }
}

/**
 * The generator for one epoch of one data stream, a pure function of `(seed, stream, epoch)`:
 * child `stream` of `RandomGenerator(seed)`, then that child's child `epoch`. Any epoch can be
 * rebuilt without replaying the ones before it, which is what makes training resumable.
 */
export function epochGenerator(seed: number, stream: DataStreamId, epoch: number): RandomGenerator {
  checkIndex(epoch, 'epoch');
  const streamRoot = new RandomGenerator(seed).split(stream + 1)[stream];
  return streamRoot.split(epoch + 1)[epoch];
}

/** The order in which epoch `epoch` visits `count` examples: a permutation fixed by `(seed, epoch)`. */
export function epochPermutation(count: number, seed: number, epoch: number): Uint32Array {
  return seededPermutation(count, epochGenerator(seed, DataStream.shuffle, epoch));
}
