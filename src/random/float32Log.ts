/**
 * The Gumbel noise's arithmetic in float32, operation for operation as the WebAssembly kernel's
 * `$logf4x4` and `$gumbel4x4` (src/kernels/gumbelKernels.wat) compute it: every step is one float32
 * operation, here a double operation rounded by `Math.fround` (for +, −, × that is the same float32
 * result), so the JS fallback draws bit-identical noise.
 */

const round = Math.fround;
const bitsView = new Int32Array(1);
const floatView = new Float32Array(bitsView.buffer);

/** √½ in float32: mantissas below it are doubled so that the log's argument stays near 1. */
const SQRT_HALF = round(Math.SQRT1_2);
/** ln 2 as a float32 with short mantissa plus the rest (Cephes' split), for e·ln 2 without rounding loss. */
const LN2_HIGH = round(0.693359375);
const LN2_LOW = round(-2.1219444e-4);
/** Cephes' logf polynomial: log(1 + f) = f − f²/2 + f³·P(f), P(f) = Σ c_i f^i, f in [√½ − 1, √2 − 1). */
const [C0, C1, C2, C3, C4, C5, C6, C7, C8] = [
  3.3333331174e-1, -2.4999993993e-1, 2.0000714765e-1, -1.6668057665e-1, 1.4249322787e-1, -1.2420140846e-1,
  1.167699874e-1, -1.151461031e-1, 7.0376836292e-2,
].map(round);
const TWO_POW_MINUS_23 = 2 ** -23;
const TWO_POW_MINUS_24 = 2 ** -24;

/**
 * Natural log of a positive normal float32 `x` in float32 arithmetic (Cephes' logf; within 2 ulp of
 * the exact log, measured in test/random/float32Log.test.ts). Not for 0, subnormals, ∞ or NaN: the
 * noise never passes them.
 */
export function logFloat32(x: number): number {
  floatView[0] = x;
  const bits = bitsView[0];
  let exponent = (bits >>> 23) - 126;
  bitsView[0] = (bits & 0x007fffff) | 0x3f000000;
  const mantissa = floatView[0];
  let f = round(mantissa - 1);
  if (mantissa < SQRT_HALF) {
    f = round(f + mantissa);
    exponent -= 1;
  }
  const z = round(f * f);
  // P(f) by Estrin's scheme, in the kernel's order: pairs, pairs of pairs, then the f⁸ term.
  const z2 = round(z * z);
  const low = round(round(C0 + round(f * C1)) + round(z * round(C2 + round(f * C3))));
  const high = round(round(C4 + round(f * C5)) + round(z * round(C6 + round(f * C7))));
  let y = round(round(low + round(z2 * high)) + round(round(z2 * z2) * C8));
  y = round(round(y * f) * z);
  y = round(y + round(exponent * LN2_LOW));
  y = round(y - round(z * 0.5));
  return round(round(f + y) + round(exponent * LN2_HIGH));
}

/**
 * The float32 uniform of a 32-bit word: (⌊word/2⁹⌋ + ½)·2⁻²³, exact in float32 and strictly inside
 * (0, 1) (from 2⁻²⁴ to 1 − 2⁻²⁴), so both logs of the Gumbel transform are finite.
 */
export function uniformFromWord(word: number): number {
  return (word >>> 9) * TWO_POW_MINUS_23 + TWO_POW_MINUS_24;
}

/** The standard Gumbel draw −log(−log u) of a 32-bit word, in float32 (finite: from −2.81 to 16.64). */
export function gumbelFromWord(word: number): number {
  return -logFloat32(-logFloat32(uniformFromWord(word)));
}
