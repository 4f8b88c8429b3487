import { ArgumentError } from '../validate.js';
import { philoxBlock } from './philox.js';

/** Counter word 2 separates the two uses of a key: drawing numbers and deriving child keys. */
const DRAW_DOMAIN = 0;
const SPLIT_DOMAIN = 1;
const FOLD_DOMAIN = 2;
const TWO_POW_32 = 0x1_0000_0000;

/**
 * A seedable, splittable stream of random 32-bit words built on Philox-4x32-10.
 *
 * The stream is a key plus a position: word blocks are `philox(key, position)`, so two generators
 * with the same seed produce the same numbers in the same order, in Node and in the browser, on
 * every TF.js backend (the noise is computed here, not by the backend). {@link RandomGenerator.split}
 * derives independent child streams, as JAX's `random.split` does.
 */
export class RandomGenerator {
  private key0: number;
  private key1: number;
  private position = 0;
  private splits = 0;
  private readonly scratch = new Uint32Array(4);
  private readonly counter = new Uint32Array(4);

  /**
   * @param seed - an integer in [0, 2^53 − 1]; it becomes the 64-bit Philox key.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new ArgumentError('seed', `must be an integer in [0, 2^53 - 1], got ${seed}`);
    }
    this.key0 = (seed % TWO_POW_32) >>> 0;
    this.key1 = Math.floor(seed / TWO_POW_32) >>> 0;
  }

  /** Builds a generator directly from a 64-bit key given as two 32-bit words. */
  static fromKey(key0: number, key1: number): RandomGenerator {
    const generator = new RandomGenerator(0);
    generator.key0 = key0 >>> 0;
    generator.key1 = key1 >>> 0;
    return generator;
  }

  /**
   * Claims the next `count` words of the stream without computing them and advances past them, as
   * {@link RandomGenerator.fillUint32} would: word i of the claim is word i % 4 of the Philox block
   * with counter [position + ⌊i/4⌋, 0, 0]. Lets a kernel compute the words where they are needed.
   */
  reserveWords(count: number): PhiloxStream {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new ArgumentError('count', `must be an integer >= 0, got ${count}`);
    }
    const stream = { key0: this.key0, key1: this.key1, position: this.position };
    this.position += Math.ceil(count / 4);
    return stream;
  }

  /** Fills `out` with the next `out.length` random words and advances the stream. */
  fillUint32(out: Uint32Array): Uint32Array {
    const wholeBlocks = Math.floor(out.length / 4);
    for (let block = 0; block < wholeBlocks; block++) {
      this.setCounter(this.position++, DRAW_DOMAIN);
      philoxBlock(this.counter, this.key0, this.key1, out, block * 4);
    }
    const rest = out.length - wholeBlocks * 4;
    if (rest > 0) {
      this.setCounter(this.position++, DRAW_DOMAIN);
      philoxBlock(this.counter, this.key0, this.key1, this.scratch, 0);
      for (let i = 0; i < rest; i++) out[wholeBlocks * 4 + i] = this.scratch[i];
    }
    return out;
  }

  /** Returns the next `count` random words. */
  nextUint32(count: number): Uint32Array {
    return this.fillUint32(new Uint32Array(count));
  }

  /**
   * Derives `count` independent child generators (default 2). Each call yields new children; the
   * parent's own stream of numbers is not disturbed.
   */
  split(count = 2): RandomGenerator[] {
    if (!Number.isInteger(count) || count < 1) {
      throw new ArgumentError('count', `must be an integer >= 1, got ${count}`);
    }
    const children: RandomGenerator[] = [];
    for (let i = 0; i < count; i++) {
      this.setCounter(this.splits++, SPLIT_DOMAIN);
      philoxBlock(this.counter, this.key0, this.key1, this.scratch, 0);
      children.push(RandomGenerator.fromKey(this.scratch[0], this.scratch[1]));
    }
    return children;
  }

  /**
   * A child generator determined by this generator's key and `data` alone (JAX's `fold_in`): the
   * stream for training step `t` is `generator.foldIn(t)`, rebuilt in O(1) when a run resumes.
   * Does not advance this generator.
   */
  foldIn(data: number): RandomGenerator {
    if (!Number.isSafeInteger(data) || data < 0) {
      throw new ArgumentError('data', `must be an integer in [0, 2^53 - 1], got ${data}`);
    }
    const counter = [(data % TWO_POW_32) >>> 0, Math.floor(data / TWO_POW_32) >>> 0, FOLD_DOMAIN, 0];
    const key = new Uint32Array(4);
    philoxBlock(counter, this.key0, this.key1, key, 0);
    return RandomGenerator.fromKey(key[0], key[1]);
  }

  private setCounter(index: number, domain: number): void {
    this.counter[0] = (index % TWO_POW_32) >>> 0;
    this.counter[1] = Math.floor(index / TWO_POW_32) >>> 0;
    this.counter[2] = domain;
    this.counter[3] = 0;
  }
}

/** A claimed stretch of a generator's stream: Philox key words and the first block's counter. */
export interface PhiloxStream {
  key0: number;
  key1: number;
  /** Counter of the first block (the low 64 bits of the Philox counter; the domain word is 0). */
  position: number;
}

/** What every sampling function accepts as `seed`: an integer seed or a generator to draw from. */
export type Seed = number | RandomGenerator;

let defaultGenerator: RandomGenerator | undefined;

function entropySeed(): number {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return (words[1] & 0x1fffff) * TWO_POW_32 + words[0];
}

/**
 * Resets the generator used when a sampling function gets no `seed`, making a whole program
 * reproducible. Without this call it is seeded from `crypto.getRandomValues`.
 */
export function setGlobalSeed(seed: number): void {
  defaultGenerator = new RandomGenerator(seed);
}

/**
 * Turns a `seed` option into a generator: a number gives a fresh generator (same seed, same
 * numbers), a generator is used and advanced, and `undefined` draws from the global generator,
 * so unseeded calls differ from call to call.
 */
export function resolveGenerator(seed?: Seed): RandomGenerator {
  if (seed instanceof RandomGenerator) return seed;
  if (seed === undefined) {
    defaultGenerator ??= new RandomGenerator(entropySeed());
    return defaultGenerator;
  }
  if (typeof seed !== 'number') {
    throw new ArgumentError('seed', `must be an integer or a RandomGenerator, got ${typeof seed}`);
  }
  return new RandomGenerator(seed);
}
