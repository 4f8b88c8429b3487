import { tf } from '../tf.js';
import { ArgumentError } from '../validate.js';
import { epochPermutation } from './shuffle.js';

/** Where an epoch iteration stands: batch `batch` (from 0) of epoch `epoch` (from 0) is next. */
export interface MinibatchPosition {
  epoch: number;
  batch: number;
}

/** Options of {@link minibatches} and {@link batchIndices}. */
export interface MinibatchOptions {
  /** Examples per batch. */
  batchSize: number;
  /** Fixes the order of every epoch (`epochPermutation(count, seed, epoch)`). */
  seed: number;
  /** Skip each epoch's last, smaller batch (default false: every example is visited each epoch). */
  dropRemainder?: boolean;
}

/** The images of each epoch: one fixed array, or a function giving epoch `e`'s (dynamic binarization). */
export type ImageSource = Float32Array | ((epoch: number) => Float32Array);

/** Options of {@link minibatches}. */
export interface MinibatchIterationOptions extends MinibatchOptions {
  /** Pixels per image (default 784 = 28 × 28). */
  pixelsPerImage?: number;
  /** Where to start (default epoch 0, batch 0); from a checkpoint, use {@link positionOfStep}. */
  start?: MinibatchPosition;
  /** Stop before this epoch (default: never stop; the caller breaks out). */
  endEpoch?: number;
}

/** One minibatch: its position, the example indices it holds and their images as a tensor. */
export interface Minibatch extends MinibatchPosition {
  /** Indices into the data set, in batch order. */
  indices: Uint32Array;
  /** `[indices.length, pixelsPerImage]` float32; the caller disposes it. */
  images: tf.Tensor2D;
}

function checkCount(value: number, name: string, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new ArgumentError(name, `must be an integer >= ${minimum}, got ${value}`);
  }
}

/** The number of batches in one epoch of `count` examples. */
export function batchesPerEpoch(count: number, batchSize: number, dropRemainder = false): number {
  checkCount(count, 'count', 0);
  checkCount(batchSize, 'batchSize', 1);
  return dropRemainder ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/** The position after `step` batches have been taken from the start: how to resume from a step count. */
export function positionOfStep(step: number, perEpoch: number): MinibatchPosition {
  checkCount(step, 'step', 0);
  checkCount(perEpoch, 'perEpoch', 1);
  return { epoch: Math.floor(step / perEpoch), batch: step % perEpoch };
}

/** The example indices of the batch at `position`, a pure function of `(count, options, position)`. */
export function batchIndices(
  count: number,
  options: MinibatchOptions,
  position: MinibatchPosition,
): Uint32Array {
  const perEpoch = batchesPerEpoch(count, options.batchSize, options.dropRemainder);
  checkCount(position.batch, 'position.batch', 0);
  if (position.batch >= perEpoch) {
    throw new ArgumentError(
      'position.batch',
      `must be below ${perEpoch} (batches per epoch), got ${position.batch}`,
    );
  }
  const order = epochPermutation(count, options.seed, position.epoch);
  const start = position.batch * options.batchSize;
  return order.slice(start, Math.min(start + options.batchSize, count));
}

/** Gathers the images at `indices` into a new `[indices.length, pixelsPerImage]` float32 tensor. */
export function imageBatchTensor(
  images: Float32Array,
  indices: ArrayLike<number>,
  pixelsPerImage: number,
): tf.Tensor2D {
  const values = new Float32Array(indices.length * pixelsPerImage);
  for (let row = 0; row < indices.length; row++) {
    const from = indices[row] * pixelsPerImage;
    values.set(images.subarray(from, from + pixelsPerImage), row * pixelsPerImage);
  }
  return tf.tensor2d(values, [indices.length, pixelsPerImage], 'float32');
}

function imagesOfEpoch(
  source: ImageSource,
  epoch: number,
  pixelsPerImage: number,
  count?: number,
): Float32Array {
  const images = typeof source === 'function' ? source(epoch) : source;
  if (
    images.length % pixelsPerImage !== 0 ||
    (count !== undefined && images.length !== count * pixelsPerImage)
  ) {
    throw new ArgumentError(
      'images',
      `must hold ${count ?? 'a whole number of'} images of ${pixelsPerImage} pixels, got ${images.length} values in epoch ${epoch}`,
    );
  }
  return images;
}

/**
 * Shuffled minibatches, epoch after epoch. Epoch `e` visits the examples in the order
 * `epochPermutation(count, seed, e)`, cut into consecutive batches of `batchSize` (the last one
 * smaller unless `dropRemainder`), so every example appears exactly once per epoch. Each batch is
 * a pure function of `(seed, epoch, batch)`: starting at `start` yields exactly the batches an
 * uninterrupted run would have yielded from there. Tensors are made only when a batch is taken.
 */
export function* minibatches(source: ImageSource, options: MinibatchIterationOptions): Generator<Minibatch> {
  const pixelsPerImage = options.pixelsPerImage ?? 784;
  checkCount(pixelsPerImage, 'pixelsPerImage', 1);
  const start = options.start ?? { epoch: 0, batch: 0 };
  checkCount(start.epoch, 'start.epoch', 0);
  const first = imagesOfEpoch(source, start.epoch, pixelsPerImage);
  const count = first.length / pixelsPerImage;
  const perEpoch = batchesPerEpoch(count, options.batchSize, options.dropRemainder);
  if (perEpoch === 0) {
    throw new ArgumentError('batchSize', `leaves no batch in an epoch of ${count} examples`);
  }
  checkCount(start.batch, 'start.batch', 0);
  if (start.batch >= perEpoch) {
    throw new ArgumentError(
      'start.batch',
      `must be below ${perEpoch} (batches per epoch), got ${start.batch}`,
    );
  }
  for (let epoch = start.epoch; options.endEpoch === undefined || epoch < options.endEpoch; epoch++) {
    const images = epoch === start.epoch ? first : imagesOfEpoch(source, epoch, pixelsPerImage, count);
    const order = epochPermutation(count, options.seed, epoch);
    for (let batch = epoch === start.epoch ? start.batch : 0; batch < perEpoch; batch++) {
      const from = batch * options.batchSize;
      const indices = order.slice(from, Math.min(from + options.batchSize, count));
      yield { epoch, batch, indices, images: imageBatchTensor(images, indices, pixelsPerImage) };
    }
  }
}
