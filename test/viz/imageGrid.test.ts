import { describe, expect, it } from 'vitest';
import { imageGridPng, pairedGridPng } from '../../src/viz/imageGrid.js';
import { decodePng, expectArgumentError, greyAt } from './png.js';

/** `count` black images of `height × width`, flat. */
function blackImages(count: number, height = 28, width = 28): Float32Array {
  return new Float32Array(count * height * width);
}

/** `count` images of `pixels` values, image `i` filled with the grey level `levelOf(i)`. */
function filledImages(count: number, pixels: number, levelOf: (image: number) => number): number[][] {
  return Array.from({ length: count }, (_, image) => new Array<number>(pixels).fill(levelOf(image)));
}

describe('imageGridPng', () => {
  it('is columns·(width·scale+padding)+padding by rows·(height·scale+padding)+padding pixels', () => {
    const png = decodePng(imageGridPng(blackImages(12), { rows: 3, columns: 4 }));
    expect([png.width, png.height]).toEqual([4 * 57 + 1, 3 * 57 + 1]);
    const small = decodePng(
      imageGridPng(blackImages(6, 3, 2), { rows: 2, columns: 3, height: 3, width: 2, scale: 3, padding: 2 }),
    );
    expect([small.width, small.height]).toEqual([3 * (2 * 3 + 2) + 2, 2 * (3 * 3 + 2) + 2]);
  });

  it('puts a white pixel of image 3 at its grid position, scaled to a block, and nothing else', () => {
    // 2 × 4 grid; image 3 is row 0, column 3. Its pixel (row 5, column 7) becomes a 2 × 2 block.
    const images = blackImages(8);
    images[3 * 784 + 5 * 28 + 7] = 1;
    const png = decodePng(imageGridPng(images, { rows: 2, columns: 4 }));
    const left = 1 + 3 * 57 + 7 * 2;
    const top = 1 + 0 * 57 + 5 * 2;
    for (const [x, y] of [
      [left, top],
      [left + 1, top],
      [left, top + 1],
      [left + 1, top + 1],
    ]) {
      expect(greyAt(png, x, y)).toBe(255);
    }
    for (const [x, y] of [
      [left - 1, top],
      [left + 2, top],
      [left, top - 1],
      [left, top + 2],
    ]) {
      expect(greyAt(png, x, y)).toBe(0);
    }
    let white = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 255) white++;
    expect(white).toBe(4);
  });

  it('lays images out row-major on non-square images (row = floor(i / columns))', () => {
    // 3 rows × 2 columns of 3-high, 2-wide images, scale 1, padding 1; image i is filled with i/10.
    const images = filledImages(6, 6, (image) => image / 10);
    const png = decodePng(imageGridPng(images, { rows: 3, columns: 2, height: 3, width: 2, scale: 1 }));
    expect([png.width, png.height]).toEqual([2 * 3 + 1, 3 * 4 + 1]);
    for (let image = 0; image < 6; image++) {
      const left = 1 + (image % 2) * 3;
      const top = 1 + Math.floor(image / 2) * 4;
      // The image's last pixel (row 2, column 1) as well as its first.
      expect(greyAt(png, left, top)).toBe(Math.round((image / 10) * 255));
      expect(greyAt(png, left + 1, top + 2)).toBe(Math.round((image / 10) * 255));
    }
  });

  it('fills the padding with the background grey (0.5 by default)', () => {
    const png = decodePng(imageGridPng(blackImages(4), { rows: 2, columns: 2 }));
    for (const [x, y] of [
      [0, 0],
      [57, 30],
      [30, 57],
      [114, 114],
      [0, 114],
    ]) {
      expect(greyAt(png, x, y)).toBe(128);
    }
    const black = decodePng(imageGridPng(blackImages(4), { rows: 2, columns: 2, background: 0 }));
    expect(greyAt(black, 57, 30)).toBe(0);
    const none = decodePng(imageGridPng(blackImages(4), { rows: 2, columns: 2, padding: 0 }));
    expect([none.width, none.height]).toEqual([112, 112]);
    expect(greyAt(none, 56, 56)).toBe(0);
  });

  it('maps [0, 1] to 0–255, clamps values outside and draws NaN black', () => {
    const levels = [0, 0.2, 0.5, 1, -1, 2, Number.NaN, Number.POSITIVE_INFINITY];
    const expected = [0, 51, 128, 255, 0, 255, 0, 255];
    const png = decodePng(
      imageGridPng([levels], { rows: 1, columns: 1, height: 1, width: 8, scale: 1, padding: 0 }),
    );
    expect(levels.map((_, x) => greyAt(png, x, 0))).toEqual(expected);
  });

  it('gives the same PNG for a flat Float32Array and an array of images', () => {
    const nested = Array.from({ length: 6 }, (_, image) =>
      Array.from({ length: 784 }, (_, pixel) => ((pixel * 7 + image * 13) % 256) / 255),
    );
    const flat = Float32Array.from(nested.flat());
    const options = { rows: 2, columns: 3 };
    expect(imageGridPng(flat, options).equals(imageGridPng(nested, options))).toBe(true);
  });

  it('rejects a wrong image count or size, and bad options, naming the argument', () => {
    const options = { rows: 2, columns: 2 };
    expectArgumentError(() => imageGridPng(blackImages(3), options), 'images', /4 images.*got 2352 values/);
    expectArgumentError(() => imageGridPng(new Float32Array(4 * 784 + 1), options), 'images');
    expectArgumentError(
      () =>
        imageGridPng(
          filledImages(5, 784, () => 0),
          options,
        ),
      'images',
      /4 images, got 5/,
    );
    const wrongSize = filledImages(4, 784, () => 0);
    wrongSize[2] = new Array<number>(783).fill(0);
    expectArgumentError(() => imageGridPng(wrongSize, options), 'images[2]', /784 grey levels, got 783/);
    expectArgumentError(() => imageGridPng('images' as never, options), 'images');
    expectArgumentError(() => imageGridPng(blackImages(4), { rows: 0, columns: 4 }), 'options.rows');
    expectArgumentError(() => imageGridPng(blackImages(4), { rows: 2, columns: 2.5 }), 'options.columns');
    expectArgumentError(() => imageGridPng(blackImages(4), { ...options, scale: 0 }), 'options.scale');
    expectArgumentError(() => imageGridPng(blackImages(4), { ...options, padding: -1 }), 'options.padding');
    expectArgumentError(
      () => imageGridPng(blackImages(4), { ...options, height: Number.NaN }),
      'options.height',
    );
    expectArgumentError(
      () => imageGridPng(blackImages(4), { ...options, background: Number.NaN }),
      'options.background',
    );
    expectArgumentError(() => imageGridPng(blackImages(4), undefined as never), 'options');
  });
});

describe('pairedGridPng', () => {
  // Three pairs in a 1 × 3 grid of 2 × 2 images, scale 1, padding 1: original i is filled with
  // (i + 1) / 16, its reconstruction with (i + 1) / 16 + 0.25 (exact in float32 too).
  const originals = filledImages(6, 4, (image) => (image + 1) / 16);
  const reconstructions = filledImages(6, 4, (image) => (image + 1) / 16 + 0.25);
  const geometry = { height: 2, width: 2, scale: 1 };
  const byte = (level: number) => Math.round(level * 255);

  it("'above' (default): each row of originals above the row of their reconstructions", () => {
    const png = decodePng(pairedGridPng(originals, reconstructions, { rows: 2, columns: 3, ...geometry }));
    expect([png.width, png.height]).toEqual([3 * 3 + 1, 4 * 3 + 1]);
    for (let pair = 0; pair < 6; pair++) {
      const left = 1 + (pair % 3) * 3;
      const originalTop = 1 + 2 * Math.floor(pair / 3) * 3;
      expect(greyAt(png, left + 1, originalTop + 1)).toBe(byte((pair + 1) / 16));
      expect(greyAt(png, left + 1, originalTop + 3 + 1)).toBe(byte((pair + 1) / 16 + 0.25));
    }
  });

  it("'beside': each reconstruction just right of its original", () => {
    const png = decodePng(
      pairedGridPng(originals, reconstructions, { rows: 2, columns: 3, layout: 'beside', ...geometry }),
    );
    expect([png.width, png.height]).toEqual([6 * 3 + 1, 2 * 3 + 1]);
    for (let pair = 0; pair < 6; pair++) {
      const originalLeft = 1 + 2 * (pair % 3) * 3;
      const top = 1 + Math.floor(pair / 3) * 3;
      expect(greyAt(png, originalLeft, top)).toBe(byte((pair + 1) / 16));
      expect(greyAt(png, originalLeft + 3, top)).toBe(byte((pair + 1) / 16 + 0.25));
    }
  });

  it('accepts flat Float32Arrays too', () => {
    const options = { rows: 2, columns: 3, ...geometry };
    const flat = pairedGridPng(
      Float32Array.from(originals.flat()),
      Float32Array.from(reconstructions.flat()),
      options,
    );
    expect(flat.equals(pairedGridPng(originals, reconstructions, options))).toBe(true);
  });

  it('rejects mismatched counts and an unknown layout, naming the argument', () => {
    const options = { rows: 2, columns: 3, ...geometry };
    expectArgumentError(
      () => pairedGridPng(originals, reconstructions.slice(0, 5), options),
      'reconstructions',
      /6 images, got 5/,
    );
    expectArgumentError(() => pairedGridPng(new Float32Array(23), reconstructions, options), 'originals');
    expectArgumentError(
      () => pairedGridPng(originals, reconstructions, { ...options, layout: 'below' as never }),
      'options.layout',
    );
  });
});
