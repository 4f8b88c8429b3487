import { layerPlan, type VaeShape } from '../model.js';

/** A contiguous range [start, start + count). */
export interface Range {
  start: number;
  count: number;
}

/** Words of the noise stream in one Philox block: a generator can skip whole blocks only. */
const WORDS_PER_BLOCK = 4;

function greatestCommonDivisor(a: number, b: number): number {
  return b === 0 ? a : greatestCommonDivisor(b, a % b);
}

/**
 * The rows each worker takes of a batch of `rows` images: contiguous, in worker order, nearly equal,
 * every range starting at a multiple of the smallest row count whose noise (`noisePerRow` draws a
 * row, one stream word each) fills whole Philox blocks, so a worker's noise is the one-thread
 * batch's noise for those rows (one row for the default 20×10 latents). Trailing workers get
 * 0 rows when the batch is too small to give them any.
 */
export function splitRows(rows: number, workers: number, noisePerRow: number): Range[] {
  const align = WORDS_PER_BLOCK / greatestCommonDivisor(noisePerRow, WORDS_PER_BLOCK);
  const units = Math.ceil(rows / align);
  const base = Math.floor(units / workers);
  const extra = units % workers;
  const ranges: Range[] = [];
  let start = 0;
  for (let worker = 0; worker < workers; worker++) {
    const count = Math.min((base + (worker < extra ? 1 : 0)) * align, rows - start);
    ranges.push({ start, count });
    start += count;
  }
  return ranges;
}

/** Noise draws per image: one Gumbel draw per category of every latent variable. */
export function noisePerRow(shape: VaeShape): number {
  return shape.latentVariables * shape.categories;
}

/** The sizes of the model's parameters in `CategoricalVae.parameters()` order (kernel, bias, …). */
export function parameterSizes(shape: VaeShape): number[] {
  return layerPlan(shape).flatMap(({ inputs, units }) => [inputs * units, units]);
}

/**
 * Which worker updates each parameter (Adam and its moments): contiguous runs of parameters in
 * order, cut where the running total of sizes crosses each worker's equal share, so every worker
 * updates about as many numbers (the default model: the encoder's on one worker, the decoder's on
 * the other).
 */
export function parameterOwners(sizes: number[], workers: number): number[] {
  const total = sizes.reduce((sum, size) => sum + size, 0);
  let before = 0;
  return sizes.map((size) => {
    const owner = Math.min(workers - 1, Math.floor(((before + size / 2) / total) * workers));
    before += size;
    return owner;
  });
}
