/**
 * Helpers of the readers' fuzz tests: byte mutations (truncations, bit flips, huge 32-bit fields,
 * insertions, deletions), JSON mutations (a value anywhere replaced by garbage or removed), and a
 * guard that fails any typed-array or ArrayBuffer allocation larger than a limit.
 */
import fc from 'fast-check';

/** One change to a byte string; positions are fractions of its length so they fit any length. */
export type ByteMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set32'; at: number; value: number; littleEndian: boolean }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number };

const position = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** 32-bit values that make declared sizes huge, zero, or off by one. */
const fieldValues = fc.constantFrom(0, 1, 2, 255, 0x7fffffff, 0x80000000, 0xffffffff, 2 ** 24, 2 ** 16 + 1);

/** One byte mutation of any kind. */
export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('set32' as const),
    at: position,
    value: fieldValues,
    littleEndian: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: position, count: fc.integer({ min: 1, max: 8 }) }),
);

/** Applies mutations in order to a copy of `bytes`. */
export function mutateBytes(bytes: Uint8Array, mutations: ByteMutation[]): Uint8Array {
  let result = new Uint8Array(bytes);
  for (const mutation of mutations) {
    const at = Math.floor(mutation.at * result.length);
    switch (mutation.kind) {
      case 'truncate':
        result = result.slice(0, at);
        break;
      case 'flip':
        if (result.length > 0) result[at] ^= 1 << mutation.bit;
        break;
      case 'set32':
        if (result.length >= 4) {
          const start = Math.min(at, result.length - 4);
          new DataView(result.buffer).setUint32(start, mutation.value, mutation.littleEndian);
        }
        break;
      case 'insert': {
        const grown = new Uint8Array(result.length + mutation.bytes.length);
        grown.set(result.subarray(0, at));
        grown.set(mutation.bytes, at);
        grown.set(result.subarray(at), at + mutation.bytes.length);
        result = grown;
        break;
      }
      case 'delete': {
        result = new Uint8Array([...result.subarray(0, at), ...result.subarray(at + mutation.count)]);
        break;
      }
    }
  }
  return result;
}

/** Values a corrupt or hostile JSON file may hold where a number, string or list belongs. */
export const garbageJson = fc.oneof(
  fc.constantFrom(
    null,
    true,
    -1,
    0,
    0.5,
    1e308,
    -1e308,
    2 ** 31,
    2 ** 53,
    'NaN',
    'Infinity',
    '',
    '..',
    '../x',
    [],
    {},
  ),
  fc.constantFrom([2 ** 31, 2 ** 31], [-1], [1.5, 2], [null], ['3'], [0, 2 ** 53], {
    dtype: 'uint8',
    min: 0,
    scale: 1e38,
  }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** One JSON change: the value at path number `path` (modulo the path count) replaced or removed. */
export interface JsonMutation {
  path: number;
  replacement: unknown;
  remove: boolean;
}

/** One JSON mutation. */
export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.record({
  path: fc.nat(),
  replacement: garbageJson,
  remove: fc.boolean(),
});

type Container = Record<string, unknown> | unknown[];

/** Every (container, key) pair of a JSON value, depth first. */
function slots(value: unknown, found: [Container, string | number][] = []): [Container, string | number][] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      found.push([value, i]);
      slots(item, found);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      found.push([value as Container, key]);
      slots(item, found);
    }
  }
  return found;
}

/** Applies JSON mutations in order to a deep copy of `value`. */
export function mutateJson(value: unknown, mutations: JsonMutation[]): unknown {
  const copy = structuredClone(value);
  for (const mutation of mutations) {
    const all = slots(copy);
    if (all.length === 0) break;
    const [container, key] = all[mutation.path % all.length];
    if (mutation.remove && Array.isArray(container)) container.splice(key as number, 1);
    else if (mutation.remove) delete (container as Record<string, unknown>)[key];
    else (container as Record<string | number, unknown>)[key] = structuredClone(mutation.replacement);
  }
  return copy;
}

const GUARDED = [
  'ArrayBuffer',
  'Uint8Array',
  'Int8Array',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
] as const;

/**
 * Runs `work` with every `new TypedArray(length)` and `new ArrayBuffer(length)` by length larger
 * than `limit` failing the test (the constructors are swapped for checking proxies; `instanceof`
 * still works). This checks a reader never allocates a size it read from a header before checking
 * it against the bytes it has.
 */
export function withAllocationLimit<T>(limit: number, work: () => T): T {
  const global = globalThis as unknown as Record<string, unknown>;
  const originals = GUARDED.map((name) => global[name]);
  let violation: string | undefined;
  GUARDED.forEach((name, i) => {
    global[name] = new Proxy(originals[i] as object, {
      construct(target, args, newTarget) {
        const length = args[0];
        if (typeof length === 'number' && length > limit) {
          violation ??= `new ${name}(${length}) over the limit ${limit}`;
          throw new Error(violation);
        }
        return Reflect.construct(target as new (...a: unknown[]) => object, args, newTarget);
      },
    });
  });
  let result: T | undefined;
  try {
    result = work();
  } catch (error) {
    if (!violation) throw error;
  } finally {
    GUARDED.forEach((name, i) => {
      global[name] = originals[i];
    });
  }
  // A violation wins over whatever the reader made of the error it caused.
  if (violation) throw new Error(`allocation before checking the size: ${violation}`);
  return result as T;
}
