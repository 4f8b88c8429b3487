import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import { resolveGenerator, type Seed } from './generator.js';

const TWO_POW_MINUS_23 = 2 ** -23;
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
  const words = resolveGenerator(seed).nextUint32(count);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = ((words[i] >>> 9) + 0.5) * TWO_POW_MINUS_23;
  return out;
}

/** `count` standard Gumbel draws −log(−log u), computed in double precision, always finite. */
export function gumbelArray(count: number, seed?: Seed): Float32Array {
  const words = resolveGenerator(seed).nextUint32(count);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = -Math.log(-Math.log(openUniform64(words[i])));
  return out;
}

/** `count` standard logistic draws log u − log(1 − u), always finite. */
export function logisticArray(count: number, seed?: Seed): Float32Array {
  const words = resolveGenerator(seed).nextUint32(count);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u = openUniform64(words[i]);
    out[i] = Math.log(u) - Math.log1p(-u);
  }
  return out;
}

/** `count` standard normal draws by the Box–Muller transform (two words per pair of draws). */
export function normalArray(count: number, seed?: Seed): Float32Array {
  const words = resolveGenerator(seed).nextUint32(count + (count % 2));
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(openUniform64(words[i])));
    const angle = 2 * Math.PI * openUniform64(words[i + 1]);
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
