/**
 * The IDX file format of MNIST and Fashion-MNIST (Node only: it reads files and gunzips).
 *
 * Layout: a 4-byte magic number `0x00 0x00 <dtype code> <rank>`, then `rank` big-endian uint32
 * dimensions, then the payload: the product of the dimensions values, big-endian, row-major.
 * Files may be gzipped whole (they start with the gzip magic `0x1f 0x8b`).
 */
import { constants as bufferConstants } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { ArgumentError } from '../validate.js';

/** The element types IDX can hold. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array that holds each IDX element type. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX file: element type, dimensions and the values in row-major order. */
export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  data: IdxData;
}

/** Thrown when bytes are not a well-formed IDX file; `source` names the file (or the bytes). */
export class IdxFormatError extends Error {
  /** The file (or description of the bytes) that was rejected. */
  readonly source: string;

  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'IdxFormatError';
    this.source = source;
  }
}

interface DtypeInfo {
  code: number;
  bytes: number;
  read: (view: DataView, offset: number) => number;
  make: (length: number) => IdxData;
  write: (view: DataView, offset: number, value: number) => void;
}

const DTYPES: Record<IdxDtype, DtypeInfo> = {
  uint8: {
    code: 0x08,
    bytes: 1,
    read: (view, offset) => view.getUint8(offset),
    make: (length) => new Uint8Array(length),
    write: (view, offset, value) => view.setUint8(offset, value),
  },
  int8: {
    code: 0x09,
    bytes: 1,
    read: (view, offset) => view.getInt8(offset),
    make: (length) => new Int8Array(length),
    write: (view, offset, value) => view.setInt8(offset, value),
  },
  int16: {
    code: 0x0b,
    bytes: 2,
    read: (view, offset) => view.getInt16(offset),
    make: (length) => new Int16Array(length),
    write: (view, offset, value) => view.setInt16(offset, value),
  },
  int32: {
    code: 0x0c,
    bytes: 4,
    read: (view, offset) => view.getInt32(offset),
    make: (length) => new Int32Array(length),
    write: (view, offset, value) => view.setInt32(offset, value),
  },
  float32: {
    code: 0x0d,
    bytes: 4,
    read: (view, offset) => view.getFloat32(offset),
    make: (length) => new Float32Array(length),
    write: (view, offset, value) => view.setFloat32(offset, value),
  },
  float64: {
    code: 0x0e,
    bytes: 8,
    read: (view, offset) => view.getFloat64(offset),
    make: (length) => new Float64Array(length),
    write: (view, offset, value) => view.setFloat64(offset, value),
  },
};

function dtypeOfCode(code: number): IdxDtype | undefined {
  return (Object.keys(DTYPES) as IdxDtype[]).find((dtype) => DTYPES[dtype].code === code);
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/** True when the bytes start with the gzip magic number 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decodes IDX bytes, gunzipping them first when they start with the gzip magic.
 *
 * @param source - names the bytes in error messages (the file path, when there is one).
 * @throws IdxFormatError for bad gzip data, a bad magic number, an unknown dtype code, a header
 *   cut short, a payload with fewer bytes than the dimensions need, or bytes left over after it
 *   (gzip data that inflates to more than its header declares is stopped there). Nothing of the
 *   declared size is allocated before the bytes are known to hold it.
 */
export function decodeIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  return parseIdx(isGzip(bytes) ? gunzipIdx(bytes, source) : bytes, source);
}

/** The largest IDX header: the magic number and 255 dimensions. */
const MAX_HEADER_BYTES = 4 + 4 * 255;

function gunzipFailure(source: string, error: unknown): IdxFormatError {
  return new IdxFormatError(source, `is not valid gzip data (${(error as Error).message})`);
}

/**
 * Gunzips IDX bytes without ever holding more than the header declares: the header is read from
 * the start of the stream first (growing prefixes of the compressed bytes), then the whole stream
 * is inflated with room for one byte more than header + payload, so a small file that inflates to
 * gigabytes (a "zip bomb", or a header declaring 2³¹ items) fails fast instead of exhausting memory.
 */
function gunzipIdx(bytes: Uint8Array, source: string): Uint8Array {
  let start = new Uint8Array(0);
  for (let prefix = 256; ; prefix *= 2) {
    try {
      start = gunzipSync(bytes.subarray(0, prefix), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (error) {
      throw gunzipFailure(source, error);
    }
    const enough = start.length >= 4 && start.length >= 4 + 4 * start[3];
    if (enough || start.length >= MAX_HEADER_BYTES || prefix >= bytes.length) break;
  }
  // A header that is incomplete or malformed is reported by parseIdx on what was inflated.
  const expected = start.length >= 4 ? declaredBytes(start) : undefined;
  if (expected === undefined) return start;
  try {
    return gunzipSync(bytes, { maxOutputLength: Math.min(expected + 1, bufferConstants.MAX_LENGTH) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new IdxFormatError(source, `inflates to more than the ${expected} bytes its header declares`);
    }
    throw gunzipFailure(source, error);
  }
}

/** Header + payload bytes that a complete header declares, or undefined when it is not complete. */
function declaredBytes(bytes: Uint8Array): number | undefined {
  const dtype = dtypeOfCode(bytes[2]);
  const headerBytes = 4 + 4 * bytes[3];
  if (dtype === undefined || bytes[0] !== 0 || bytes[1] !== 0 || bytes.length < headerBytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: bytes[3] }, (_, axis) => view.getUint32(4 + 4 * axis));
  return headerBytes + elementCount(shape) * DTYPES[dtype].bytes;
}

/**
 * The number of elements of `shape`: exact up to 2⁵³, Infinity beyond (never NaN: a zero
 * dimension makes 0 even after an overflowing product).
 */
function elementCount(shape: number[]): number {
  if (shape.includes(0)) return 0;
  const count = shape.reduce((a, b) => a * b, 1);
  return Number.isSafeInteger(count) ? count : Number.POSITIVE_INFINITY;
}

function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length < 4) {
    throw new IdxFormatError(
      source,
      `is ${bytes.length} bytes long, too short for the 4-byte IDX magic number`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError(
      source,
      `bad IDX magic number: must start with 0x00 0x00, got ${hex(bytes[0])} ${hex(bytes[1])}`,
    );
  }
  const dtype = dtypeOfCode(bytes[2]);
  if (dtype === undefined) {
    throw new IdxFormatError(
      source,
      `unsupported IDX dtype code ${hex(bytes[2])} (known: 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64)`,
    );
  }
  const rank = bytes[3];
  if (rank === 0) throw new IdxFormatError(source, 'IDX header declares rank 0 (no dimensions)');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new IdxFormatError(
      source,
      `truncated header: rank ${rank} needs ${headerBytes} header bytes, the file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let axis = 0; axis < rank; axis++) shape.push(view.getUint32(4 + 4 * axis));
  const info = DTYPES[dtype];
  const length = elementCount(shape);
  const payloadBytes = length * info.bytes;
  const actualBytes = bytes.length - headerBytes;
  if (actualBytes < payloadBytes) {
    throw new IdxFormatError(
      source,
      `truncated payload: shape [${shape.join(', ')}] of ${dtype} needs ${Number.isFinite(payloadBytes) ? payloadBytes : 'more than 2^53'} bytes, got ${actualBytes}`,
    );
  }
  if (actualBytes > payloadBytes) {
    throw new IdxFormatError(
      source,
      `${actualBytes - payloadBytes} trailing bytes after the payload of shape [${shape.join(', ')}] (${payloadBytes} bytes expected)`,
    );
  }
  const data =
    dtype === 'uint8'
      ? new Uint8Array(bytes.subarray(headerBytes))
      : readPayload(view, headerBytes, length, info);
  return { dtype, shape, data };
}

function readPayload(view: DataView, offset: number, length: number, info: DtypeInfo): IdxData {
  const data = info.make(length);
  for (let i = 0; i < length; i++) data[i] = info.read(view, offset + i * info.bytes);
  return data;
}

/** Reads and decodes an IDX file, gzipped or not. Errors name the file. */
export function readIdxFile(path: string): IdxArray {
  return decodeIdx(readFileSync(path), path);
}

/**
 * Encodes an array as IDX bytes (big-endian), gzipped when `gzip` is true. The inverse of
 * {@link decodeIdx}; used to build test files.
 */
export function encodeIdx(array: IdxArray, options: { gzip?: boolean } = {}): Uint8Array {
  const info = DTYPES[array.dtype];
  const length = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== length) {
    throw new ArgumentError(
      'array.data',
      `has ${array.data.length} values, shape [${array.shape.join(', ')}] needs ${length}`,
    );
  }
  const headerBytes = 4 + 4 * array.shape.length;
  const bytes = new Uint8Array(headerBytes + length * info.bytes);
  const view = new DataView(bytes.buffer);
  bytes[2] = info.code;
  bytes[3] = array.shape.length;
  for (let axis = 0; axis < array.shape.length; axis++) view.setUint32(4 + 4 * axis, array.shape[axis]);
  for (let i = 0; i < length; i++) info.write(view, headerBytes + i * info.bytes, array.data[i]);
  return options.gzip ? new Uint8Array(gzipSync(bytes)) : bytes;
}
