import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CheckpointContents,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
} from '../../src/runs/checkpointFormat.js';
import { byteMutation, jsonMutation, mutateBytes, mutateJson, withAllocationLimit } from '../helpers/fuzz.js';

/**
 * Cases per property (at least 10,000 per reader across its properties, the whole fuzz suite under
 * a minute); fixed seeds make every run try the same cases.
 */
const CASES = 4_000;

/** A small well-formed checkpoint: any JSON state, 0–4 arrays of rank 0–3 with sizes 0–4. */
const contents: fc.Arbitrary<CheckpointContents<unknown>> = fc.record({
  state: fc.jsonValue({ maxDepth: 2 }).filter((state) => state !== null),
  arrays: fc.array(
    fc
      .record({
        name: fc.string({ maxLength: 8 }),
        shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
        seed: fc.integer({ min: 1, max: 1000 }),
      })
      .map(({ name, shape, seed }) => {
        const size = shape.reduce((a, b) => a * b, 1);
        return {
          name,
          shape,
          values: Float32Array.from({ length: size }, (_, i) => ((seed * (i + 1)) % 97) - 48.5),
        };
      }),
    { maxLength: 4 },
  ),
});

/** The bytes of a checkpoint whose JSON header is replaced by `header` (re-encoded, so lengths fit). */
function withHeader(bytes: Uint8Array, header: unknown): Uint8Array {
  const oldLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  const payload = bytes.subarray(Math.ceil((8 + oldLength) / 4) * 4);
  const text = new TextEncoder().encode(JSON.stringify(header) ?? 'undefined');
  const start = Math.ceil((8 + text.length) / 4) * 4;
  const result = new Uint8Array(start + payload.length);
  result.set(bytes.subarray(0, 4));
  new DataView(result.buffer).setUint32(4, text.length, true);
  result.set(text, 8);
  result.set(payload, start);
  return result;
}

function headerOf(bytes: Uint8Array): unknown {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
}

/** What a decode may do with any bytes: throw CheckpointError, or return consistent, finite arrays. */
function decodeOrReject(bytes: Uint8Array, original?: CheckpointContents<unknown>): void {
  withAllocationLimit(2 * bytes.length + 64, () => {
    let decoded: CheckpointContents<unknown>;
    try {
      decoded = decodeCheckpoint(bytes, 'fuzzed.bin');
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(CheckpointError);
      expect((error as Error).message).toMatch(/^fuzzed.bin: /);
      return;
    }
    expect(decoded.state).not.toBeUndefined();
    for (const array of decoded.arrays) {
      expect(typeof array.name).toBe('string');
      const { shape } = array;
      expect(array.values.length).toBe(shape.includes(0) ? 0 : shape.reduce((a, b) => a * b, 1));
      expect(array.values.every(Number.isFinite)).toBe(true);
    }
    if (original) {
      expect(decoded.state).toEqual(JSON.parse(JSON.stringify(original.state))); // JSON turns -0 into 0
      expect(decoded.arrays.map((a) => [a.name, a.shape, Array.from(a.values)])).toEqual(
        original.arrays.map((a) => [a.name, a.shape, Array.from(a.values)]),
      );
    }
  });
}

describe('checkpoint reader fuzzed (fast-check, fixed seeds)', () => {
  it(`bytes: ${CASES} mutated checkpoints give CheckpointError or consistent finite arrays`, () => {
    fc.assert(
      fc.property(contents, fc.array(byteMutation, { maxLength: 3 }), (original, mutations) => {
        const bytes = mutateBytes(encodeCheckpoint(original), mutations);
        decodeOrReject(bytes, mutations.length === 0 ? original : undefined);
      }),
      { numRuns: CASES, seed: 13_014 },
    );
  });

  it(`header: ${CASES} checkpoints with garbage in their JSON header give CheckpointError or consistent arrays`, () => {
    fc.assert(
      fc.property(contents, fc.array(jsonMutation, { minLength: 1, maxLength: 3 }), (original, mutations) => {
        const bytes = encodeCheckpoint(original);
        decodeOrReject(withHeader(bytes, mutateJson(headerOf(bytes), mutations)));
      }),
      { numRuns: CASES, seed: 13_015 },
    );
  });

  it(`values: ${CASES} checkpoints with a NaN or ±Infinity written among the values are rejected`, () => {
    const nonFinite = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    fc.assert(
      fc.property(
        contents.filter((c) => c.arrays.some((a) => a.values.length > 0)),
        fc.nat(),
        nonFinite,
        (original, index, value) => {
          const bytes = encodeCheckpoint(original);
          const floats = original.arrays.reduce((sum, a) => sum + a.values.length, 0);
          new DataView(bytes.buffer).setFloat32(
            bytes.length - 4 * floats + 4 * (index % floats),
            value,
            true,
          );
          expect(() => decodeCheckpoint(bytes, 'x.bin')).toThrow(
            /x.bin: array .* holds (NaN|-?Infinity) at index/,
          );
        },
      ),
      { numRuns: CASES, seed: 13_016 },
    );
  });

  it('a header declaring 2^31 values in a small file fails before allocating them', () => {
    const bytes = withHeader(encodeCheckpoint({ state: {}, arrays: [] }), {
      version: 1,
      state: {},
      arrays: [{ name: 'huge', shape: [2 ** 31] }],
    });
    expect(() => withAllocationLimit(1000, () => decodeCheckpoint(bytes, 'x.bin'))).toThrow(
      /x.bin: is truncated or padded: expected 85899346\d\d bytes, found \d\d/,
    );
  });

  it('headers that crashed the reader before (null, arrays of null, shapes of strings) get CheckpointError', () => {
    const base = encodeCheckpoint({ state: {}, arrays: [] });
    for (const header of [
      null,
      7,
      { version: 1, state: {}, arrays: [null] },
      { version: 1, state: {}, arrays: [{ name: 'a', shape: '12' }] },
      { version: 1, arrays: [] },
    ]) {
      expect(() => decodeCheckpoint(withHeader(base, header), 'x.bin'), JSON.stringify(header)).toThrow(
        CheckpointError,
      );
    }
  });
});
