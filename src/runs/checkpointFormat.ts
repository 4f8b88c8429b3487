/**
 * A checkpoint in one file, so it can be replaced atomically: the magic bytes "GSCK", a uint32
 * (little-endian) header length, a UTF-8 JSON header, zero padding to a multiple of 4, then the
 * float32 payload of the named arrays listed in the header, in order.
 */

const MAGIC = 'GSCK';
const VERSION = 1;

/** A named float32 array with its shape. */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** What a checkpoint holds: JSON-serializable state plus float32 arrays. */
export interface CheckpointContents<State> {
  state: State;
  arrays: NamedArray[];
}

/** A checkpoint that cannot be read: the message says what is wrong with which file. */
export class CheckpointError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'CheckpointError';
  }
}

/** Serializes state and arrays into the checkpoint byte layout. */
export function encodeCheckpoint<State>(contents: CheckpointContents<State>): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({
      version: VERSION,
      state: contents.state,
      arrays: contents.arrays.map(({ name, shape }) => ({ name, shape })),
    }),
  );
  const headerEnd = 8 + header.length;
  const payloadStart = Math.ceil(headerEnd / 4) * 4;
  const floats = contents.arrays.reduce((sum, array) => sum + array.values.length, 0);
  const bytes = new Uint8Array(payloadStart + floats * 4);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(4, header.length, true);
  bytes.set(header, 8);
  const payload = new Float32Array(bytes.buffer, payloadStart, floats);
  let offset = 0;
  for (const array of contents.arrays) {
    payload.set(array.values, offset);
    offset += array.values.length;
  }
  return bytes;
}

/** Parses checkpoint bytes, with a clear error for a foreign, truncated or corrupt file. */
export function decodeCheckpoint<State>(bytes: Uint8Array, source = 'checkpoint'): CheckpointContents<State> {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new CheckpointError(source, 'is not a gumbel-softmax checkpoint (bad magic bytes)');
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new CheckpointError(source, 'is truncated (header cut short)');
  let header: { version: number; state: State; arrays: { name: string; shape: number[] }[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new CheckpointError(source, 'has a corrupt header (not JSON)');
  }
  if (header.version !== VERSION || !Array.isArray(header.arrays)) {
    throw new CheckpointError(source, `has an unsupported layout (version ${header.version})`);
  }
  const payloadStart = Math.ceil((8 + headerLength) / 4) * 4;
  const sizes = header.arrays.map(({ shape }) => shape.reduce((a, b) => a * b, 1));
  const floats = sizes.reduce((a, b) => a + b, 0);
  if (bytes.length !== payloadStart + floats * 4) {
    throw new CheckpointError(
      source,
      `is truncated or padded: expected ${payloadStart + floats * 4} bytes, found ${bytes.length}`,
    );
  }
  const aligned = bytes.slice(payloadStart); // copy: aligned, and independent of the file buffer
  const payload = new Float32Array(aligned.buffer, 0, floats);
  let offset = 0;
  const arrays = header.arrays.map(({ name, shape }, i) => {
    const values = payload.subarray(offset, offset + sizes[i]);
    offset += sizes[i];
    return { name, shape, values };
  });
  return { state: header.state, arrays };
}
