/**
 * Grids of grey-level images (digits, samples, reconstructions) as greyscale PNG files (Node only:
 * returns a `Buffer`).
 */
import { PNG } from 'pngjs';
import { ArgumentError } from '../validate.js';
import { checkFiniteNumber, checkInteger } from './checks.js';

/**
 * Images as grey levels in [0, 1] (0 black, 1 white), each stored row by row: one flat array holding
 * the images one after another (as a data set's `images` are), or one array per image.
 */
export type GreyImages = Float32Array | number[][];

/** Options of {@link imageGridPng}. */
export interface ImageGridOptions {
  /** Rows of images in the grid. */
  rows: number;
  /** Images per row. */
  columns: number;
  /** Pixel rows of each image (default 28). */
  height?: number;
  /** Pixel columns of each image (default 28). */
  width?: number;
  /** Each image pixel becomes a `scale` × `scale` block of PNG pixels (default 2). */
  scale?: number;
  /** PNG pixels between neighbouring images and around the border (default 1). */
  padding?: number;
  /** Grey level in [0, 1] of the padding (default 0.5, told apart from both ink and paper). */
  background?: number;
}

/** Options of {@link pairedGridPng}: `rows` × `columns` counts pairs, not images. */
export interface PairedGridOptions extends ImageGridOptions {
  /**
   * Where each reconstruction goes: `'above'` (default) puts a row of originals above the row of
   * their reconstructions; `'beside'` puts each reconstruction just right of its original.
   */
  layout?: 'above' | 'beside';
}

/** One image: its grey level at a row-major pixel index. */
type GreyLevelAt = (pixel: number) => number;

interface Geometry {
  height: number;
  width: number;
  scale: number;
  padding: number;
  background: number;
}

function geometryOf(options: ImageGridOptions): Geometry {
  const { height = 28, width = 28, scale = 2, padding = 1, background = 0.5 } = options;
  checkInteger(height, 'options.height', 1);
  checkInteger(width, 'options.width', 1);
  checkInteger(scale, 'options.scale', 1);
  checkInteger(padding, 'options.padding', 0);
  checkFiniteNumber(background, 'options.background');
  return { height, width, scale, padding, background };
}

function checkGridShape(options: ImageGridOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError('options', 'must be an object with rows and columns');
  }
  checkInteger(options.rows, 'options.rows', 1);
  checkInteger(options.columns, 'options.columns', 1);
}

/** Checks `images` holds exactly `count` images of `geometry`'s size and returns one reader per image. */
function imageReaders(images: GreyImages, count: number, geometry: Geometry, name: string): GreyLevelAt[] {
  const pixels = geometry.height * geometry.width;
  const size = `${geometry.height} × ${geometry.width} = ${pixels} grey levels`;
  if (images instanceof Float32Array) {
    if (images.length !== count * pixels) {
      throw new ArgumentError(
        name,
        `must hold ${count} images of ${size} (${count * pixels} values), got ${images.length} values`,
      );
    }
    return Array.from({ length: count }, (_, image) => (pixel: number) => images[image * pixels + pixel]);
  }
  if (!Array.isArray(images)) {
    throw new ArgumentError(name, 'must be a Float32Array or an array of images (arrays of numbers)');
  }
  if (images.length !== count) {
    throw new ArgumentError(name, `must hold ${count} images, got ${images.length}`);
  }
  return images.map((image, index) => {
    if (!Array.isArray(image) || image.length !== pixels) {
      const got = Array.isArray(image) ? `${image.length} values` : typeof image;
      throw new ArgumentError(`${name}[${index}]`, `must hold ${size}, got ${got}`);
    }
    return (pixel: number) => image[pixel];
  });
}

/** A grey level in [0, 1] as a byte: clamped, NaN drawn black. */
function toByte(greyLevel: number): number {
  if (Number.isNaN(greyLevel)) return 0;
  return Math.round(Math.min(1, Math.max(0, greyLevel)) * 255);
}

/** Lays `cells` out row-major in a `rows` × `columns` grid and encodes it as a greyscale PNG. */
function renderGrid(cells: GreyLevelAt[], rows: number, columns: number, geometry: Geometry): Buffer {
  const { height, width, scale, padding } = geometry;
  const cellWidth = width * scale + padding;
  const cellHeight = height * scale + padding;
  const png = new PNG({
    width: columns * cellWidth + padding,
    height: rows * cellHeight + padding,
    colorType: 0,
    inputColorType: 0,
  });
  const out = Buffer.alloc(png.width * png.height, toByte(geometry.background));
  cells.forEach((greyLevelAt, index) => {
    const left = padding + (index % columns) * cellWidth;
    const top = padding + Math.floor(index / columns) * cellHeight;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const level = toByte(greyLevelAt(y * width + x));
        for (let dy = 0; dy < scale; dy++) {
          const start = (top + y * scale + dy) * png.width + left + x * scale;
          out.fill(level, start, start + scale);
        }
      }
    }
  });
  png.data = out;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0 });
}

/**
 * Draws `rows × columns` grey-level images in a grid, row-major (image `i` at row
 * `floor(i / columns)`, column `i % columns`), as a greyscale PNG. Grey levels are clamped to
 * [0, 1] and mapped to 0–255; NaN is drawn black.
 *
 * The PNG is `columns · (width · scale + padding) + padding` pixels wide and
 * `rows · (height · scale + padding) + padding` high.
 *
 * @throws {ArgumentError} when the options are not positive integers, or `images` does not hold
 *   exactly `rows × columns` images of `height × width` values.
 */
export function imageGridPng(images: GreyImages, options: ImageGridOptions): Buffer {
  checkGridShape(options);
  const geometry = geometryOf(options);
  const cells = imageReaders(images, options.rows * options.columns, geometry, 'images');
  return renderGrid(cells, options.rows, options.columns, geometry);
}

/**
 * Draws each original next to its reconstruction (for `reconstructions.png`) as a greyscale PNG.
 * `originals` and `reconstructions` each hold `rows × columns` images, pair `i` at grid position
 * `(floor(i / columns), i % columns)`. With `layout: 'above'` (default) the PNG has `2 · rows` rows of
 * `columns` images, each row of originals above the row of their reconstructions; with
 * `layout: 'beside'` it has `rows` rows of `2 · columns` images, each reconstruction just right of
 * its original. Sizes and grey levels as in {@link imageGridPng}.
 *
 * @throws {ArgumentError} for bad options or a wrong image count or size in either argument.
 */
export function pairedGridPng(
  originals: GreyImages,
  reconstructions: GreyImages,
  options: PairedGridOptions,
): Buffer {
  checkGridShape(options);
  const { rows, columns, layout = 'above' } = options;
  if (layout !== 'above' && layout !== 'beside') {
    throw new ArgumentError('options.layout', `must be 'above' or 'beside', got ${String(layout)}`);
  }
  const geometry = geometryOf(options);
  const count = rows * columns;
  const originalCells = imageReaders(originals, count, geometry, 'originals');
  const reconstructionCells = imageReaders(reconstructions, count, geometry, 'reconstructions');
  const cells: GreyLevelAt[] = [];
  if (layout === 'beside') {
    for (let pair = 0; pair < count; pair++) cells.push(originalCells[pair], reconstructionCells[pair]);
    return renderGrid(cells, rows, 2 * columns, geometry);
  }
  for (let row = 0; row < rows; row++) {
    cells.push(...originalCells.slice(row * columns, (row + 1) * columns));
    cells.push(...reconstructionCells.slice(row * columns, (row + 1) * columns));
  }
  return renderGrid(cells, 2 * rows, columns, geometry);
}
