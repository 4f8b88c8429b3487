import { PNG } from 'pngjs';
import { expect } from 'vitest';
import { ArgumentError } from '../../src/validate.js';

/** A decoded PNG: its size and RGBA bytes (pngjs expands every colour type to RGBA). */
export interface DecodedPng {
  width: number;
  height: number;
  data: Buffer;
}

/** Decodes a PNG buffer, checking the 8-byte PNG signature first. */
export function decodePng(buffer: Buffer): DecodedPng {
  expect(Array.from(buffer.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  return PNG.sync.read(buffer);
}

/** The `[red, green, blue, alpha]` bytes of the pixel at column `x`, row `y`. */
export function rgbaAt(png: DecodedPng, x: number, y: number): number[] {
  const start = (y * png.width + x) * 4;
  return Array.from(png.data.subarray(start, start + 4));
}

/** The grey byte at `(x, y)` of a greyscale picture, checking red = green = blue and opaque. */
export function greyAt(png: DecodedPng, x: number, y: number): number {
  const [red, green, blue, alpha] = rgbaAt(png, x, y);
  expect([green, blue, alpha]).toEqual([red, red, 255]);
  return red;
}

/** Expects `action` to throw an {@link ArgumentError} for `argument` whose message matches `message`. */
export function expectArgumentError(action: () => unknown, argument: string, message?: RegExp): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ArgumentError);
  expect((thrown as ArgumentError).argument).toBe(argument);
  if (message) expect((thrown as ArgumentError).message).toMatch(message);
}
