import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIdx, encodeIdx, type IdxArray, type IdxDtype, IdxFormatError } from '../../src/data/idx.js';
import { byteMutation, mutateBytes, withAllocationLimit } from '../helpers/fuzz.js';

/**
 * Cases per property (at least 10,000 per reader across its properties, the whole fuzz suite under
 * a minute); fixed seeds make every run try the same cases.
 */
const CASES = 5_000;

const DTYPES: IdxDtype[] = ['uint8', 'int8', 'int16', 'int32', 'float32', 'float64'];
const ARRAYS = {
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** A small well-formed IDX array: rank 1–3, sizes 0–4, values that fit the dtype. */
const idxArray: fc.Arbitrary<IdxArray> = fc
  .record({
    dtype: fc.constantFrom(...DTYPES),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
    seed: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ dtype, shape, seed }) => {
    const length = shape.reduce((a, b) => a * b, 1);
    const data = new ARRAYS[dtype](length);
    for (let i = 0; i < length; i++) data[i] = ((seed + 37 * i) % 200) - (dtype.startsWith('uint') ? 0 : 100);
    return { dtype, shape, data };
  });

/** What a decode may do with any bytes: throw IdxFormatError, or return a consistent array. */
function decodeOrReject(bytes: Uint8Array, original?: IdxArray): void {
  // Nothing larger than the bytes (or, gzipped, than a 4 MiB inflated prefix) may be allocated.
  withAllocationLimit(Math.max(8 * bytes.length, 4 << 20), () => {
    let result: IdxArray;
    try {
      result = decodeIdx(bytes, 'fuzzed');
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(IdxFormatError);
      expect((error as Error).message).toMatch(/^fuzzed: /);
      return;
    }
    const { shape } = result;
    expect(result.data.length).toBe(shape.includes(0) ? 0 : shape.reduce((a, b) => a * b, 1));
    expect(result.data).toBeInstanceOf(ARRAYS[result.dtype]);
    if (original) expect(result).toEqual(original);
  });
}

describe('IDX reader fuzzed (fast-check, fixed seeds)', () => {
  it(`raw bytes: ${CASES} mutated files give IdxFormatError or a consistent array`, () => {
    fc.assert(
      fc.property(idxArray, fc.array(byteMutation, { maxLength: 3 }), (array, mutations) => {
        const bytes = mutateBytes(encodeIdx(array), mutations);
        decodeOrReject(bytes, mutations.length === 0 ? array : undefined);
      }),
      { numRuns: CASES, seed: 13_004 },
    );
  });

  it(`gzip: ${CASES} files mutated before or after compression give IdxFormatError or a consistent array`, () => {
    fc.assert(
      fc.property(
        idxArray,
        fc.array(byteMutation, { maxLength: 3 }),
        fc.boolean(),
        (array, mutations, mutateCompressed) => {
          const raw = encodeIdx(array);
          const bytes = mutateCompressed
            ? mutateBytes(gzipSync(raw), mutations)
            : new Uint8Array(gzipSync(mutateBytes(raw, mutations)));
          decodeOrReject(bytes, mutations.length === 0 ? array : undefined);
        },
      ),
      { numRuns: CASES, seed: 13_005 },
    );
  });

  it(`hostile headers: ${CASES} files of any dtype code, rank and huge or zero dimensions give IdxFormatError or a consistent array`, () => {
    // Mostly huge sizes, so products overflow (past 2^53, even to Infinity) before a 0 comes.
    const dimension = fc.oneof(
      { arbitrary: fc.constantFrom(0x7fffffff, 0x80000000, 0xffffffff), weight: 10 },
      { arbitrary: fc.constantFrom(0, 1, 2, 3), weight: 2 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0x07, max: 0x0f }),
        fc.array(dimension, { minLength: 0, maxLength: 60, size: 'max' }),
        fc.uint8Array({ maxLength: 64 }),
        fc.boolean(),
        (code, shape, payload, gzip) => {
          const header = new Uint8Array(4 + 4 * shape.length);
          header.set([0, 0, code, shape.length]);
          const view = new DataView(header.buffer);
          shape.forEach((size, axis) => {
            view.setUint32(4 + 4 * axis, size);
          });
          const raw = new Uint8Array([...header, ...payload]);
          decodeOrReject(gzip ? new Uint8Array(gzipSync(raw)) : raw);
        },
      ),
      { numRuns: CASES, seed: 13_006 },
    );
  });

  it('a header declaring 2^31 items in a 100-byte file fails before allocating them', () => {
    const bytes = new Uint8Array(100);
    bytes.set([0, 0, 0x08, 1, 0x80, 0, 0, 0]); // uint8, rank 1, 2^31 items
    expect(() => withAllocationLimit(1000, () => decodeIdx(bytes, 'x'))).toThrow(
      /x: truncated payload: shape \[2147483648\] of uint8 needs 2147483648 bytes, got 92/,
    );
    const gzipped = new Uint8Array(gzipSync(bytes));
    expect(() => withAllocationLimit(1000, () => decodeIdx(gzipped, 'x'))).toThrow(/truncated payload/);
  });

  it('an overflowing product of dimensions with a zero among them is not NaN (it was: the reader returned data for shape [..., 0])', () => {
    // float64, rank 40: 39 dimensions of 2^32 − 1 overflow the product to Infinity, then a 0.
    const rank = 40;
    const bytes = new Uint8Array(4 + 4 * rank + 16);
    const view = new DataView(bytes.buffer);
    bytes.set([0, 0, 0x0e, rank]);
    for (let axis = 0; axis < rank - 1; axis++) view.setUint32(4 + 4 * axis, 0xffffffff);
    view.setUint32(4 + 4 * (rank - 1), 0);
    expect(() => decodeIdx(bytes, 'x')).toThrow(/x: 16 trailing bytes/);
    // Without the trailing bytes the file is a valid empty array.
    expect(decodeIdx(bytes.subarray(0, 4 + 4 * rank), 'x').data.length).toBe(0);
  });

  it('a gzip bomb (10 declared bytes, 64 MiB of zeros inside) stops at the declared size', () => {
    const inflated = new Uint8Array(64 << 20);
    inflated.set([0, 0, 0x08, 1, 0, 0, 0, 10]);
    const bomb = new Uint8Array(gzipSync(inflated));
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => withAllocationLimit(1 << 20, () => decodeIdx(bomb, 'bomb.gz'))).toThrow(
      /bomb.gz: inflates to more than the 18 bytes its header declares/,
    );
  });
});
