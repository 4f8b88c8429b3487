import { describe, expect, it } from 'vitest';
import { byteOf, readMnistPackageDigit } from '../../scripts/packMnistDigits.js';
import { loadMnistDigits, PIXELS } from '../../src/data/mnist.js';

describe('the shipped copy of the embedded digits (data/*.gz)', () => {
  it('holds exactly the `mnist` package’s 10,000 digits: same grey levels, same order, same labels', () => {
    const digits = loadMnistDigits();
    expect(digits.count).toBe(10_000);
    let next = 0;
    for (let digit = 0; digit < 10; digit++) {
      const fromJson = Float32Array.from(readMnistPackageDigit(digit));
      const count = fromJson.length / PIXELS;
      const shipped = digits.images.subarray(next * PIXELS, (next + count) * PIXELS);
      // Bit-for-bit what the old loader made of the JSON (Float32Array.from of the parsed numbers).
      const differing = Buffer.compare(
        Buffer.from(shipped.buffer, shipped.byteOffset, shipped.byteLength),
        Buffer.from(fromJson.buffer),
      );
      expect(differing, `digit ${digit}`).toBe(0);
      expect(digits.labels.subarray(next, next + count).every((label) => label === digit)).toBe(true);
      next += count;
    }
    expect(next).toBe(10_000);
  });

  it('the packing is exact: each grey level k/255 rounded to 3 decimals gives back its k', () => {
    for (let byte = 0; byte <= 255; byte++) expect(byteOf(Math.round((byte * 1000) / 255) / 1000)).toBe(byte);
    expect(() => byteOf(0.5)).toThrow(/not k\/255 rounded/); // 127.5: halfway, no such byte
    expect(() => byteOf(1.2)).toThrow(/not k\/255 rounded/);
  });
});
