import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeIdx, encodeIdx, type IdxArray, isGzip, readIdxFile } from '../../src/data/idx.js';

const folder = mkdtempSync(join(tmpdir(), 'gumbel-idx-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeFile(name: string, bytes: Uint8Array): string {
  const path = join(folder, name);
  writeFileSync(path, bytes);
  return path;
}

function images(count: number): IdxArray {
  const data = new Uint8Array(count * 28 * 28);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  return { dtype: 'uint8', shape: [count, 28, 28], data };
}

const labels: IdxArray = { dtype: 'uint8', shape: [5], data: Uint8Array.from([7, 2, 1, 0, 4]) };

describe('IDX reader on good files', () => {
  it.each([false, true])('reads uint8 images and labels back exactly (gzip %s)', (gzip) => {
    const imagesPath = writeFile(`images-${gzip}`, encodeIdx(images(3), { gzip }));
    const labelsPath = writeFile(`labels-${gzip}`, encodeIdx(labels, { gzip }));
    expect(readIdxFile(imagesPath)).toEqual(images(3));
    expect(readIdxFile(labelsPath)).toEqual(labels);
  });

  it('writes the header MNIST files have: 0 0 dtype rank, big-endian dimensions', () => {
    const bytes = encodeIdx(images(2));
    expect(Array.from(bytes.subarray(0, 16))).toEqual([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28]);
    expect(bytes.length).toBe(16 + 2 * 784);
  });

  it('detects gzip by its magic number 1f 8b', () => {
    expect(isGzip(encodeIdx(labels, { gzip: true }))).toBe(true);
    expect(isGzip(encodeIdx(labels))).toBe(false);
  });

  it('reads multi-byte types big-endian', () => {
    const bytes = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
    expect(decodeIdx(bytes)).toEqual({ dtype: 'int16', shape: [2], data: Int16Array.from([258, -2]) });
  });

  it.each([
    { dtype: 'int8', data: Int8Array.from([-128, 0, 127, -1]) },
    { dtype: 'int32', data: Int32Array.from([-2_147_483_648, 1, 65_536, 2_147_483_647]) },
    { dtype: 'float32', data: Float32Array.from([0.5, -1.25, 3e38, 1e-38]) },
    { dtype: 'float64', data: Float64Array.from([Math.PI, -0, 1e-300, 1e300]) },
  ] as const)('round-trips $dtype', ({ dtype, data }) => {
    const array: IdxArray = { dtype, shape: [2, 2], data };
    expect(decodeIdx(encodeIdx(array, { gzip: true }))).toEqual(array);
  });
});

describe('IDX reader on corrupt files: the error names the file and the problem', () => {
  const good = encodeIdx(labels);

  function corrupt(name: string, edit: (bytes: Uint8Array) => Uint8Array): () => unknown {
    const path = writeFile(name, edit(Uint8Array.from(good)));
    return () => readIdxFile(path);
  }

  it('rejects a bad magic number', () => {
    const read = corrupt('bad-magic', (bytes) => {
      bytes[0] = 0x12;
      return bytes;
    });
    expect(read).toThrow(join(folder, 'bad-magic'));
    expect(read).toThrow('bad IDX magic number: must start with 0x00 0x00, got 0x12 0x00');
  });

  it('rejects an unknown dtype code', () => {
    const read = corrupt('bad-dtype', (bytes) => {
      bytes[2] = 0x0a;
      return bytes;
    });
    expect(read).toThrow(`${join(folder, 'bad-dtype')}: unsupported IDX dtype code 0x0a`);
  });

  it('rejects a truncated payload', () => {
    const read = corrupt('truncated', (bytes) => bytes.subarray(0, bytes.length - 1));
    expect(read).toThrow(
      `${join(folder, 'truncated')}: truncated payload: shape [5] of uint8 needs 5 bytes, got 4`,
    );
  });

  it('rejects a truncated payload inside a gzipped file (checked after gunzip)', () => {
    const path = writeFile('truncated.gz', gzipSync(good.subarray(0, good.length - 1)));
    expect(() => readIdxFile(path)).toThrow(
      `${path}: truncated payload: shape [5] of uint8 needs 5 bytes, got 4`,
    );
  });

  it('rejects trailing garbage', () => {
    const read = corrupt('trailing', (bytes) => Uint8Array.from([...bytes, 0xaa, 0xbb]));
    expect(read).toThrow(`${join(folder, 'trailing')}: 2 trailing bytes after the payload of shape [5]`);
  });

  it('rejects a header cut short', () => {
    expect(corrupt('short-header', (bytes) => bytes.subarray(0, 6))).toThrow(
      `${join(folder, 'short-header')}: truncated header: rank 1 needs 8 header bytes, the file has 6`,
    );
    expect(corrupt('tiny', (bytes) => bytes.subarray(0, 2))).toThrow(
      'too short for the 4-byte IDX magic number',
    );
  });

  it('rejects rank 0', () => {
    expect(corrupt('rank0', () => Uint8Array.from([0, 0, 8, 0]))).toThrow('declares rank 0');
  });

  it('rejects a broken gzip stream', () => {
    const gzipped = encodeIdx(images(1), { gzip: true });
    const read = corrupt('broken.gz', () => gzipped.subarray(0, gzipped.length / 2));
    expect(read).toThrow(`${join(folder, 'broken.gz')}: is not valid gzip data`);
  });

  it('names the bytes when no file is given', () => {
    expect(() => decodeIdx(Uint8Array.from([1, 0, 8, 1]))).toThrow('IDX data: bad IDX magic number');
  });

  it('refuses to encode data that does not fill the shape', () => {
    expect(() => encodeIdx({ dtype: 'uint8', shape: [3], data: new Uint8Array(2) })).toThrow(
      'has 2 values, shape [3] needs 3',
    );
  });
});
