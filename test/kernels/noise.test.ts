/**
 * The WebAssembly noise kernels against the JS reference: the same Philox words and the same
 * float32 Gumbel draws, bit for bit, for odd lengths, across chunk boundaries and across the
 * carry of the 64-bit block counter; and the shipped binary is the compiled current .wat source.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_PATH, generatedKernelModule } from '../../scripts/buildKernels.js';
import { RandomGenerator } from '../../src/random/generator.js';
import { gumbelArray, gumbelArrayInJs, uniformArray } from '../../src/random/noise.js';

function firstDifference(a: Float32Array | Uint32Array, b: Float32Array | Uint32Array): number {
  expect(a.length).toBe(b.length);
  return a.findIndex((value, i) => !Object.is(value, b[i]));
}

describe('WebAssembly noise kernels', () => {
  it('draw the same Gumbel noise as the JS reference, bit for bit', () => {
    for (const count of [0, 1, 3, 4, 5, 17, 64, 65, 1_000_003, (1 << 20) + 7]) {
      expect(firstDifference(gumbelArray(count, 5), gumbelArrayInJs(count, 5))).toBe(-1);
    }
  });

  it('continue the stream across calls and across the 2^32 block-counter carry', () => {
    const kernels = new RandomGenerator(9);
    const reference = new RandomGenerator(9);
    kernels.reserveWords(4 * (2 ** 32 - 3));
    reference.reserveWords(4 * (2 ** 32 - 3));
    for (const count of [6, 7, 40]) {
      expect(firstDifference(gumbelArray(count, kernels), gumbelArrayInJs(count, reference))).toBe(-1);
    }
  });

  it('give the generator’s own words (uniforms from fillWords equal those from fillUint32)', () => {
    const words = new RandomGenerator(4).nextUint32(1001);
    const expected = Float32Array.from(words, (w) => ((w >>> 9) + 0.5) * 2 ** -23);
    expect(firstDifference(uniformArray(1001, 4), expected)).toBe(-1);
  });

  it('ship the binary compiled from the current gumbelKernels.wat (run npm run build:kernels)', async () => {
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(await generatedKernelModule());
  });
});
