import { describe, expect, it } from 'vitest';
import {
  batchesPerEpoch,
  batchIndices,
  imageBatchTensor,
  type Minibatch,
  minibatches,
  positionOfStep,
} from '../../src/data/batches.js';
import { dynamicBinarize } from '../../src/data/binarize.js';
import { tf } from '../../src/tf.js';

const PIXELS = 4;
const COUNT = 103;

/** Image i is [i, i + 0.25, i + 0.5, i + 0.75], so a row names its example. */
const images = Float32Array.from(
  { length: COUNT * PIXELS },
  (_, k) => Math.floor(k / PIXELS) + (k % PIXELS) / 4,
);

interface TakenBatch {
  epoch: number;
  batch: number;
  indices: number[];
  rows: number[][];
}

/** Takes `limit` batches, copying them out and disposing every tensor. */
function take(batches: Generator<Minibatch>, limit: number): TakenBatch[] {
  const taken: TakenBatch[] = [];
  for (const { epoch, batch, indices, images: tensor } of batches) {
    taken.push({ epoch, batch, indices: Array.from(indices), rows: tensor.arraySync() });
    tensor.dispose();
    if (taken.length === limit) break;
  }
  return taken;
}

const options = { batchSize: 10, seed: 42, pixelsPerImage: PIXELS };

describe('minibatches', () => {
  it('visits every example exactly once per epoch, in a new order each epoch', () => {
    const taken = take(minibatches(images, { ...options, endEpoch: 3 }), Number.POSITIVE_INFINITY);
    expect(taken.length).toBe(3 * 11);
    const orders: number[][] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      const batches = taken.filter((batch) => batch.epoch === epoch);
      expect(batches.map((batch) => batch.batch)).toEqual(Array.from({ length: 11 }, (_, i) => i));
      expect(batches.map((batch) => batch.indices.length)).toEqual([...Array(10).fill(10), 3]);
      const order = batches.flatMap((batch) => batch.indices);
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: COUNT }, (_, i) => i));
      orders.push(order);
    }
    expect(orders[1]).not.toEqual(orders[0]);
    expect(orders[2]).not.toEqual(orders[1]);
  });

  it('yields [batch, pixels] tensors holding the rows of its indices', () => {
    const [first] = take(minibatches(images, options), 1);
    expect(first.rows.length).toBe(10);
    first.rows.forEach((row, r) => {
      const index = first.indices[r];
      expect(row).toEqual([index, index + 0.25, index + 0.5, index + 0.75]);
    });
  });

  it('resumes: starting at (epoch, batch) yields exactly the batches an uninterrupted run yields from there', () => {
    const whole = take(minibatches(images, { ...options, endEpoch: 3 }), Number.POSITIVE_INFINITY);
    const step = 11 + 4;
    const start = positionOfStep(step, batchesPerEpoch(COUNT, options.batchSize));
    expect(start).toEqual({ epoch: 1, batch: 4 });
    const resumed = take(minibatches(images, { ...options, start, endEpoch: 3 }), Number.POSITIVE_INFINITY);
    expect(resumed).toEqual(whole.slice(step));
    expect(batchIndices(COUNT, options, { epoch: 2, batch: 10 })).toEqual(
      Uint32Array.from(whole[32].indices),
    );
  });

  it('drops the last, smaller batch when asked', () => {
    const taken = take(minibatches(images, { ...options, dropRemainder: true, endEpoch: 1 }), 100);
    expect(taken.map((batch) => batch.indices.length)).toEqual(Array(10).fill(10));
    expect(new Set(taken.flatMap((batch) => batch.indices)).size).toBe(100);
  });

  it('takes each epoch’s images from a function (dynamic binarization), resumably', () => {
    const greyLevels = images.map((value) => (value % 1) + 0.1);
    const source = (epoch: number) => dynamicBinarize(greyLevels, 6, epoch);
    const [batch] = take(minibatches(source, { ...options, start: { epoch: 2, batch: 3 } }), 1);
    const expected = source(2);
    batch.rows.forEach((row, r) => {
      const from = batch.indices[r] * PIXELS;
      expect(row).toEqual(Array.from(expected.subarray(from, from + PIXELS)));
    });
  });

  it('leaks no tensors: only the batches taken exist until the caller disposes them', () => {
    const before = tf.memory().numTensors;
    const iterator = minibatches(images, options);
    expect(tf.memory().numTensors).toBe(before);
    const held: tf.Tensor[] = [];
    for (let i = 0; i < 5; i++) held.push((iterator.next().value as Minibatch).images);
    expect(tf.memory().numTensors).toBe(before + 5);
    iterator.return(undefined);
    tf.dispose(held);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options', () => {
    expect(() => minibatches(images, { ...options, batchSize: 0 }).next()).toThrow(
      'batchSize must be an integer >= 1',
    );
    expect(() => minibatches(images, { ...options, batchSize: 200, dropRemainder: true }).next()).toThrow(
      'leaves no batch in an epoch of 103 examples',
    );
    expect(() => minibatches(images, { ...options, start: { epoch: 0, batch: 11 } }).next()).toThrow(
      'start.batch must be below 11',
    );
    expect(() => minibatches(images.subarray(1), options).next()).toThrow('images must hold');
    const shrinking = (epoch: number) => images.subarray(0, (COUNT - epoch) * PIXELS);
    expect(() => take(minibatches(shrinking, options), 100)).toThrow('must hold 103 images of 4 pixels');
  });
});

describe('batch helpers', () => {
  it('counts batches per epoch and maps steps to positions', () => {
    expect(batchesPerEpoch(8000, 100)).toBe(80);
    expect(batchesPerEpoch(103, 10)).toBe(11);
    expect(batchesPerEpoch(103, 10, true)).toBe(10);
    expect(positionOfStep(0, 80)).toEqual({ epoch: 0, batch: 0 });
    expect(positionOfStep(161, 80)).toEqual({ epoch: 2, batch: 1 });
  });

  it('builds a batch tensor from rows, creating exactly one tensor', () => {
    const before = tf.memory().numTensors;
    const tensor = imageBatchTensor(images, [2, 0], PIXELS);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(tensor.shape).toEqual([2, PIXELS]);
    expect(tensor.dtype).toBe('float32');
    expect(tensor.arraySync()).toEqual([
      [2, 2.25, 2.5, 2.75],
      [0, 0.25, 0.5, 0.75],
    ]);
    tensor.dispose();
  });
});
