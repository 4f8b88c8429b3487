/**
 * The float32 log behind the Gumbel noise against Math.log (double precision, far finer than a
 * float32 step): its error in units of the float32 spacing at the exact result, over the whole range
 * the noise feeds it — the uniforms' grid (u near 0 and near 1 included) and the second log's inputs
 * −log u in [2⁻²⁴, 16.7]. Measured maximum: 0.85 ulp; the bound checked is 1 ulp.
 */
import { describe, expect, it } from 'vitest';
import { gumbelFromWord, logFloat32, uniformFromWord } from '../../src/random/float32Log.js';

/** The float32 spacing at |value| (value a normal float32 magnitude or a double near one). */
function float32Spacing(value: number): number {
  const exponent = Math.floor(Math.log2(Math.abs(value)));
  return 2 ** (exponent - 23);
}

function ulpError(x: number): number {
  const exact = Math.log(x);
  if (exact === 0) return logFloat32(x) === 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(logFloat32(x) - exact) / float32Spacing(exact);
}

/** Largest ulp error of logFloat32 over `inputs`. */
function largestError(inputs: Iterable<number>): number {
  let largest = 0;
  for (const x of inputs) largest = Math.max(largest, ulpError(x));
  return largest;
}

function* uniformGrid(from: number, to: number, stride: number): Generator<number> {
  for (let k = from; k < to; k += stride) yield uniformFromWord(k * 512);
}

/** Every `stride`-th float32 from bit pattern `fromBits` up to `toBits`. */
function* float32Range(fromBits: number, toBits: number, stride: number): Generator<number> {
  const bits = new Uint32Array(1);
  const value = new Float32Array(bits.buffer);
  for (let b = fromBits; b < toBits; b += stride) {
    bits[0] = b;
    yield value[0];
  }
}

describe('float32 log of the Gumbel noise', () => {
  it('is within 1 ulp of log u on the uniforms’ grid, ends included', () => {
    const grid = 2 ** 23;
    expect(largestError(uniformGrid(0, 4096, 1))).toBeLessThanOrEqual(1);
    expect(largestError(uniformGrid(grid - 4096, grid, 1))).toBeLessThanOrEqual(1);
    expect(largestError(uniformGrid(0, grid, 7))).toBeLessThanOrEqual(1);
  });

  it('is within 1 ulp of log x for x in [2^-24, 17], the range of −log u', () => {
    // 0x33800000 is 2^-24, 0x41880000 is 17.
    expect(largestError(float32Range(0x33800000, 0x41880000, 101))).toBeLessThanOrEqual(1);
    // [0.5, 2), and every float in [0.996, 1.008], where the log is near 0 and its relative error
    // hardest to keep
    expect(largestError(float32Range(0x3f000000, 0x40000000, 7))).toBeLessThanOrEqual(1);
    expect(largestError(float32Range(0x3f7f0000, 0x3f810000, 1))).toBeLessThanOrEqual(1);
  });

  it('gives finite Gumbel draws at the extreme words, within 1e-6 of the exact transform', () => {
    for (const word of [0, 511, 512, 0x7fffffff, 0xfffffe00, 0xffffffff]) {
      const u = (Math.floor(word / 512) + 0.5) * 2 ** -23;
      const g = gumbelFromWord(word);
      expect(Number.isFinite(g)).toBe(true);
      expect(Math.abs(g - -Math.log(-Math.log(u)))).toBeLessThan(1e-6);
    }
    expect(gumbelFromWord(0)).toBeCloseTo(-Math.log(24 * Math.LN2), 6);
    expect(gumbelFromWord(0xffffffff)).toBeCloseTo(-Math.log(-Math.log1p(-(2 ** -24))), 5);
  });
});
