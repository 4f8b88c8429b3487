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

interface ArrayEntry {
  name: string;
  shape: number[];
}

/** The header's array list, checked entry by entry: a string name and a shape of integers ≥ 0. */
function checkArrayEntries(arrays: unknown, source: string): ArrayEntry[] {
  if (!Array.isArray(arrays)) throw new CheckpointError(source, 'has a header without an array list');
  arrays.forEach((entry, i) => {
    const { name, shape } = (entry ?? {}) as Partial<ArrayEntry>;
    const dimensionsOk =
      Array.isArray(shape) && shape.every((size) => Number.isSafeInteger(size) && size >= 0);
    if (typeof name !== 'string' || !dimensionsOk) {
      throw new CheckpointError(
        source,
        `has a corrupt header: array ${i} needs a string name and a shape of integers >= 0`,
      );
    }
  });
  return arrays as ArrayEntry[];
}

/**
 * Parses checkpoint bytes, with a clear error for a foreign, truncated or corrupt file.
 *
 * @throws CheckpointError for bad magic bytes, a header cut short, not JSON or not of this layout,
 *   a payload whose size differs from what the header declares (checked before anything of that
 *   size is allocated), or a NaN or ±Infinity among the values (resuming from them could only
 *   compute NaN).
 */
export function decodeCheckpoint<State>(bytes: Uint8Array, source = 'checkpoint'): CheckpointContents<State> {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new CheckpointError(source, 'is not a gumbel-softmax checkpoint (bad magic bytes)');
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new CheckpointError(source, 'is truncated (header cut short)');
  let header: { version?: unknown; state?: State; arrays?: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new CheckpointError(source, 'has a corrupt header (not JSON)');
  }
  if (typeof header !== 'object' || header === null || header.version !== VERSION) {
    throw new CheckpointError(source, `has an unsupported layout (version ${String(header?.version)})`);
  }
  if (header.state === undefined) throw new CheckpointError(source, 'has a corrupt header (no state)');
  const entries = checkArrayEntries(header.arrays, source);
  const payloadStart = Math.ceil((8 + headerLength) / 4) * 4;
  const sizes = entries.map(({ shape }) => (shape.includes(0) ? 0 : shape.reduce((a, b) => a * b, 1)));
  // Sums of safe integers stay comparable: anything past 2^53 is far beyond any file's length.
  const expectedBytes = payloadStart + sizes.reduce((a, b) => a + b, 0) * 4;
  if (bytes.length !== expectedBytes) {
    throw new CheckpointError(
      source,
      `is truncated or padded: expected ${expectedBytes} bytes, found ${bytes.length}`,
    );
  }
  const aligned = bytes.slice(payloadStart); // copy: aligned, and independent of the file buffer
  const payload = new Float32Array(aligned.buffer, 0, (bytes.length - payloadStart) / 4);
  let offset = 0;
  const arrays = entries.map(({ name, shape }, i) => {
    const values = payload.subarray(offset, offset + sizes[i]);
    offset += sizes[i];
    const bad = values.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) {
      throw new CheckpointError(
        source,
        `array ${name} holds ${values[bad]} at index ${bad}: a corrupt or diverged run`,
      );
    }
    return { name, shape, values };
  });
  return { state: header.state as State, arrays };
}
