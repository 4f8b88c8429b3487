import { layerPlan, type VaeShape } from '../model.js';

/** A contiguous part of a batch: rows [start, start + count). */
export interface RowRange {
  start: number;
  count: number;
}

/**
 * Cuts `total` rows into `parts` contiguous, nearly equal ranges in order (the first `total % parts`
 * get one row more); with fewer rows than parts the last ranges are empty.
 */
export function splitRows(total: number, parts: number): RowRange[] {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  const ranges: RowRange[] = [];
  let start = 0;
  for (let part = 0; part < parts; part++) {
    const count = base + (part < extra ? 1 : 0);
    ranges.push({ start, count });
    start += count;
  }
  return ranges;
}

/**
 * Deals tensors of the given sizes out to `parts` owners so that each owner's total is nearly equal:
 * largest first, each to the owner with the least so far (ties to the lowest index). Returns each
 * owner's tensor indices in ascending order; an owner may get none.
 */
export function shardBySize(sizes: number[], parts: number): number[][] {
  const load = new Array<number>(parts).fill(0);
  const shards: number[][] = Array.from({ length: parts }, () => []);
  const bySize = sizes
    .map((size, index) => ({ size, index }))
    .sort((a, b) => b.size - a.size || a.index - b.index);
  for (const { size, index } of bySize) {
    const owner = load.indexOf(Math.min(...load));
    shards[owner].push(index);
    load[owner] += size;
  }
  return shards.map((shard) => shard.sort((a, b) => a - b));
}

/** Where each of the tensors sits in one flat vector of all of them, and the vector's length. */
export function flatOffsets(sizes: number[]): { offsets: number[]; length: number } {
  const offsets: number[] = [];
  let length = 0;
  for (const size of sizes) {
    offsets.push(length);
    length += size;
  }
  return { offsets, length };
}

/** The sizes of a VAE's parameter tensors in `CategoricalVae.parameters()` order. */
export function parameterSizes(shape: VaeShape): number[] {
  return layerPlan(shape).flatMap(({ inputs, units }) => [inputs * units, units]);
}
