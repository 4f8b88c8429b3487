import { ArgumentError } from '../validate.js';

/**
 * A set of labelled grey-level images held in memory. Image `i` is
 * `images.subarray(i * height * width, (i + 1) * height * width)`, rows top to bottom, grey
 * levels in [0, 1] (0 is background), or 0/1 once binarized.
 */
export interface Dataset {
  /** `count × height × width` grey levels in [0, 1], image after image, row-major. */
  images: Float32Array;
  /** The class of each image, 0–9 for MNIST and Fashion-MNIST. */
  labels: Uint8Array;
  /** The number of images. */
  count: number;
  /** Image height in pixels (28 for MNIST). */
  height: number;
  /** Image width in pixels (28 for MNIST). */
  width: number;
}

/** The three disjoint parts of a data set: fit on `train`, select models on `validation`, report `test`. */
export interface DatasetSplits {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

/** The number of pixels in one image of the data set (784 for MNIST). */
export function pixelsPerImage(dataset: Dataset): number {
  return dataset.height * dataset.width;
}

/**
 * Checks the arrays of a data set agree with its `count`, `height` and `width`.
 *
 * @throws ArgumentError naming `name` and the mismatch.
 */
export function checkDataset(dataset: Dataset, name = 'dataset'): void {
  const { count, height, width } = dataset;
  for (const [field, value] of Object.entries({ count, height, width })) {
    if (!Number.isInteger(value) || value < 0) {
      throw new ArgumentError(`${name}.${field}`, `must be an integer >= 0, got ${value}`);
    }
  }
  if (dataset.images.length !== count * height * width) {
    throw new ArgumentError(
      `${name}.images`,
      `must hold count × height × width = ${count * height * width} values, got ${dataset.images.length}`,
    );
  }
  if (dataset.labels.length !== count) {
    throw new ArgumentError(
      `${name}.labels`,
      `must hold count = ${count} labels, got ${dataset.labels.length}`,
    );
  }
}

/** A new data set holding copies of the images and labels at `indices`, in that order. */
export function selectExamples(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const pixels = pixelsPerImage(dataset);
  const images = new Float32Array(indices.length * pixels);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= dataset.count) {
      throw new ArgumentError('indices', `must be integers in [0, ${dataset.count - 1}], got ${index}`);
    }
    images.set(dataset.images.subarray(index * pixels, (index + 1) * pixels), i * pixels);
    labels[i] = dataset.labels[index];
  }
  return { images, labels, count: indices.length, height: dataset.height, width: dataset.width };
}

/** A new data set of the examples in `[start, end)`, in order (copies, like {@link selectExamples}). */
export function sliceExamples(dataset: Dataset, start: number, end: number): Dataset {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > dataset.count || start > end) {
    throw new ArgumentError(
      'range',
      `must satisfy 0 <= start <= end <= ${dataset.count}, got [${start}, ${end})`,
    );
  }
  const pixels = pixelsPerImage(dataset);
  return {
    images: dataset.images.slice(start * pixels, end * pixels),
    labels: dataset.labels.slice(start, end),
    count: end - start,
    height: dataset.height,
    width: dataset.width,
  };
}
