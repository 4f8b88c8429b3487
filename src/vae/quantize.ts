import type { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';

/**
 * How the weights of a saved model are stored: 'float32' as trained (4 bytes a number), 'float16'
 * (2 bytes, ≈ 3 significant digits) or 'uint8' (1 byte: 256 evenly spaced levels between each
 * tensor's minimum and maximum, with 0 exactly representable).
 */
export type WeightQuantization = 'float32' | 'float16' | 'uint8';

const QUANTIZATIONS: readonly WeightQuantization[] = ['float32', 'float16', 'uint8'];

/** Weights and their manifest entries, as `tf.io.ModelArtifacts` holds them. */
export interface EncodedWeights {
  weightData: ArrayBuffer;
  weightSpecs: tf.io.WeightsManifestEntry[];
}

/** Checks a quantization name, naming the allowed ones. */
export function checkQuantization(quantization: string): asserts quantization is WeightQuantization {
  if (!QUANTIZATIONS.includes(quantization as WeightQuantization)) {
    throw new ArgumentError(
      'quantization',
      `must be one of ${QUANTIZATIONS.join(', ')}, got ${quantization}`,
    );
  }
}

const float32Scratch = new Float32Array(1);
const bitsScratch = new Uint32Array(float32Scratch.buffer);

/** IEEE half-precision bits of a number, rounded to nearest even; overflow gives ±Infinity. */
export function float16Bits(value: number): number {
  float32Scratch[0] = value;
  const bits = bitsScratch[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0); // Infinity or NaN
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign; // below half the smallest subnormal: ±0
    const full = mantissa | 0x800000; // the implicit leading 1
    const shift = 14 - halfExponent;
    return sign | roundShift(full, shift);
  }
  // Rounding may carry into the exponent, which is exactly the right result (up to Infinity).
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13));
}

/** The number whose IEEE half-precision bits are `bits` (the inverse of {@link float16Bits}). */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return mantissa !== 0 ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** value >> shift, rounded to nearest, ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const remainder = value - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return remainder > half || (remainder === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** The affine uint8 code of one tensor: 255 steps from its minimum to its maximum, 0 on the grid. */
function uint8Range(values: Float32Array): { min: number; scale: number } {
  let low = 0;
  let high = 0;
  for (const value of values) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  if (high === low) return { min: low, scale: 1 };
  const scale = (high - low) / 255;
  return { min: -Math.round(-low / scale) * scale, scale };
}

/**
 * Re-encodes float32 weights with `quantization`, adding the `quantization` field of the TF.js
 * weights manifest, which `tf.loadLayersModel` decodes back to float32 when it loads the model.
 */
export function quantizeWeights(weights: EncodedWeights, quantization: WeightQuantization): EncodedWeights {
  checkQuantization(quantization);
  if (quantization === 'float32') return weights;
  const chunks: Uint8Array[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of weights.weightSpecs) {
    if (spec.dtype !== 'float32' || spec.quantization !== undefined) {
      throw new ArgumentError('weights', `${spec.name}: only unquantized float32 weights can be quantized`);
    }
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(weights.weightData, offset, size);
    offset += 4 * size;
    if (quantization === 'float16') {
      chunks.push(new Uint8Array(Uint16Array.from(values, float16Bits).buffer));
      weightSpecs.push({ ...spec, quantization: { dtype: 'float16' } });
    } else {
      const { min, scale } = uint8Range(values);
      const codes = Uint8Array.from(values, (value) =>
        Math.min(255, Math.max(0, Math.round((value - min) / scale))),
      );
      chunks.push(codes);
      weightSpecs.push({ ...spec, quantization: { dtype: 'uint8', min, scale } });
    }
  }
  const weightData = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let position = 0;
  for (const chunk of chunks) {
    weightData.set(chunk, position);
    position += chunk.length;
  }
  return { weightData: weightData.buffer, weightSpecs };
}

/** Bytes the weights of `specs` take in the weights file, quantized or not. */
export function weightBytes(specs: tf.io.WeightsManifestEntry[]): number {
  const bytesPerValue = { float32: 4, int32: 4, bool: 1, float16: 2, uint16: 2, uint8: 1 } as const;
  return specs.reduce((sum, spec) => {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const size = spec.shape.reduce((a, b) => a * b, 1);
    return sum + size * (bytesPerValue[dtype as keyof typeof bytesPerValue] ?? 4);
  }, 0);
}
