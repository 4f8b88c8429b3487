import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ExportMeta, exportVaeData, float32LittleEndian } from '../../bench/exportVaeData.js';
import { staticBinarizeSplits } from '../../src/data/binarize.js';
import { encodeIdx } from '../../src/data/idx.js';
import { IDX_FILE_NAMES, loadIdxFolder } from '../../src/data/idxFolder.js';

const root = mkdtempSync(join(tmpdir(), 'gumbel-export-vae-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PIXELS = 28 * 28;

/** A folder of the four IDX files with `train` + `test` images of varied grey bytes. */
function makeIdxFolder(train: number, test: number): string {
  const folder = join(root, 'idx');
  mkdirSync(folder, { recursive: true });
  const images = (count: number, offset: number) => {
    const data = new Uint8Array(count * PIXELS);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37 + offset) % 256;
    return encodeIdx({ dtype: 'uint8', shape: [count, 28, 28], data });
  };
  const labels = (count: number) =>
    encodeIdx({ dtype: 'uint8', shape: [count], data: Uint8Array.from({ length: count }, (_, i) => i % 10) });
  writeFileSync(join(folder, IDX_FILE_NAMES.trainImages), images(train, 0));
  writeFileSync(join(folder, IDX_FILE_NAMES.trainLabels), labels(train));
  writeFileSync(join(folder, IDX_FILE_NAMES.testImages), images(test, 101));
  writeFileSync(join(folder, IDX_FILE_NAMES.testLabels), labels(test));
  return folder;
}

/** Reads a float32 file back as little-endian values, whatever the host's byte order. */
function readFloat32(path: string): Float32Array {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

describe('exportVaeData', () => {
  it('writes the statically binarized splits as raw little-endian float32 files with their metadata', () => {
    const folder = makeIdxFolder(12, 5);
    const out = join(root, 'export');
    const meta = exportVaeData({ dataset: folder, seed: 7, validationCount: 4, out });
    const expected = staticBinarizeSplits(loadIdxFolder(folder, { validationCount: 4 }), 7);

    for (const split of ['train', 'validation', 'test'] as const) {
      const values = readFloat32(join(out, `${split}.f32`));
      expect(values.length).toBe(expected[split].count * PIXELS);
      expect(values).toEqual(expected[split].images);
    }
    const written = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as ExportMeta;
    expect(written).toEqual(meta);
    expect(written).toMatchObject({
      dataset: folder,
      binarization: 'static',
      seed: 7,
      counts: { train: 8, validation: 4, test: 5 },
      height: 28,
      width: 28,
      dtype: 'float32',
      byteOrder: 'little',
    });
    expect(written.sha256.train).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same bytes for the same seed and different bytes for another', () => {
    const folder = makeIdxFolder(12, 5);
    const first = exportVaeData({ dataset: folder, seed: 1, validationCount: 4, out: join(root, 'a') });
    const again = exportVaeData({ dataset: folder, seed: 1, validationCount: 4, out: join(root, 'b') });
    const other = exportVaeData({ dataset: folder, seed: 2, validationCount: 4, out: join(root, 'c') });
    expect(again.sha256).toEqual(first.sha256);
    expect(other.sha256.train).not.toBe(first.sha256.train);
  });

  it('encodes float32 little-endian byte by byte', () => {
    expect(Array.from(float32LittleEndian(Float32Array.of(1, 0, -2)))).toEqual([
      0, 0, 0x80, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0xc0,
    ]);
  });
});
