import { positionWords, ScratchKernels } from '../kernels/module.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import { gumbelFromWord, uniformFromWord } from './float32Log.js';
import { type RandomGenerator, resolveGenerator, type Seed } from './generator.js';

const TWO_POW_MINUS_32 = 2 ** -32;

function checkShape(shape: number[]): number {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ArgumentError(
      'shape',
      `must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  return shape.reduce((a, b) => a * b, 1);
}

/** Words per call into the kernels module: bounds its memory at 4 MB; a multiple of 4 (whole blocks). */
const CHUNK = 1 << 20;

/**
 * Fills `out` from the next words of `generator` with the kernels module's `fill` (words or Gumbel
 * draws, chunk by chunk); returns false, drawing nothing, where WebAssembly is unavailable.
 */
function fillFromKernels(
  out: Uint32Array | Float32Array,
  generator: RandomGenerator,
  fill: 'fillWords' | 'fillGumbel',
): boolean {
  const kernels = ScratchKernels.get();
  if (!kernels) return false;
  const stream = generator.reserveWords(out.length);
  for (let start = 0; start < out.length; start += CHUNK) {
    const count = Math.min(CHUNK, out.length - start);
    const [offset] = kernels.reserve([count * 4]);
    const [low, high] = positionWords(stream.position + start / 4);
    kernels.exports[fill](offset, count, stream.key0, stream.key1, low, high);
    const view =
      out instanceof Float32Array
        ? kernels.floats(offset, count)
        : new Uint32Array(kernels.memory.buffer, offset, count);
    out.set(view, start);
  }
  return true;
}

/** The next `count` words of the seed's stream (computed in WebAssembly where available). */
function words(count: number, seed?: Seed): Uint32Array {
  const generator = resolveGenerator(seed);
  const out = new Uint32Array(count);
  if (!fillFromKernels(out, generator, 'fillWords')) generator.fillUint32(out);
  return out;
}

/**
 * A uniform in (0, 1) from a 32-bit word, as a double: (k + ½)·2⁻³², never 0 or 1, so logs of it
 * and of 1 − it are finite. Used inside the noise transforms, which round to float32 only at the end.
 */
function openUniform64(word: number): number {
  return (word + 0.5) * TWO_POW_MINUS_32;
}

/**
 * `count` float32 uniforms strictly inside (0, 1): (k + ½)·2⁻²³ from the top 23 bits of a word.
 * Every value is exactly representable in float32 (the largest is 1 − 2⁻²⁴), so none rounds to 0
 * or 1 — 24 bits plus a half step would need 25 bits of mantissa and round up to 1.0.
 */
export function uniformArray(count: number, seed?: Seed): Float32Array {
  const bits = words(count, seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = uniformFromWord(bits[i]);
  return out;
}

/**
 * `count` standard Gumbel draws −log(−log u) in float32, always finite (u from {@link uniformArray}'s
 * 23-bit grid, both logs by a float32 polynomial within 2 ulp). Runs in the WebAssembly kernels module
 * (Philox and both logs four lanes at a time) where available, else in JS with the same float32
 * operations ({@link gumbelFromWord}): the same seed gives the same bits either way.
 */
export function gumbelArray(count: number, seed?: Seed): Float32Array {
  const generator = resolveGenerator(seed);
  const out = new Float32Array(count);
  if (fillFromKernels(out, generator, 'fillGumbel')) return out;
  return gumbelArrayInJs(count, generator);
}

/** {@link gumbelArray} computed in JS: the fallback, and the reference the kernels are tested against. */
export function gumbelArrayInJs(count: number, seed?: Seed): Float32Array {
  const bits = resolveGenerator(seed).nextUint32(count);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = gumbelFromWord(bits[i]);
  return out;
}

/** `count` standard logistic draws log u − log(1 − u), always finite. */
export function logisticArray(count: number, seed?: Seed): Float32Array {
  const bits = words(count, seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u = openUniform64(bits[i]);
    out[i] = Math.log(u) - Math.log1p(-u);
  }
  return out;
}

/** `count` standard normal draws by the Box–Muller transform (two words per pair of draws). */
export function normalArray(count: number, seed?: Seed): Float32Array {
  const bits = words(count + (count % 2), seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(openUniform64(bits[i])));
    const angle = 2 * Math.PI * openUniform64(bits[i + 1]);
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/** Float32 uniforms strictly inside (0, 1) as a tensor of `shape`. */
export function uniformNoise(shape: number[], seed?: Seed): Tensor {
  return tf.tensor(uniformArray(checkShape(shape), seed), shape, 'float32');
}

/** Standard Gumbel noise as a tensor of `shape`. */
export function gumbelNoise(shape: number[], seed?: Seed): Tensor {
  return tf.tensor(gumbelArray(checkShape(shape), seed), shape, 'float32');
}

/** Standard logistic noise as a tensor of `shape`. */
export function logisticNoise(shape: number[], seed?: Seed): Tensor {
  return tf.tensor(logisticArray(checkShape(shape), seed), shape, 'float32');
}

/** Standard normal noise as a tensor of `shape`. */
export function normalNoise(shape: number[], seed?: Seed): Tensor {
  return tf.tensor(normalArray(checkShape(shape), seed), shape, 'float32');
}
