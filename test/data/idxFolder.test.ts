import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx, type IdxArray } from '../../src/data/idx.js';
import { IDX_FILE_NAMES, loadFashionMnist, loadIdxFolder } from '../../src/data/idxFolder.js';
import { loadDataset } from '../../src/data/load.js';

const root = mkdtempSync(join(tmpdir(), 'gumbel-idx-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Image `i` is filled with the byte `(i * 20 + 5) % 256`, so an image can be told by its first pixel. */
function imagesFile(count: number, height = 28, width = 28): IdxArray {
  const data = new Uint8Array(count * height * width);
  for (let i = 0; i < count; i++) data.fill((i * 20 + 5) % 256, i * height * width, (i + 1) * height * width);
  return { dtype: 'uint8', shape: [count, height, width], data };
}

function labelsFile(count: number): IdxArray {
  return { dtype: 'uint8', shape: [count], data: Uint8Array.from({ length: count }, (_, i) => i % 10) };
}

interface FolderFiles {
  trainImages?: IdxArray;
  trainLabels?: IdxArray;
  testImages?: IdxArray;
  testLabels?: IdxArray;
}

let folders = 0;

/** Writes a folder; train files gzipped, test files raw, so both are exercised together. */
function makeFolder(overrides: FolderFiles = {}, omit: (keyof FolderFiles)[] = []): string {
  const folder = join(root, `folder-${folders++}`);
  mkdirSync(folder);
  const files: Required<FolderFiles> = {
    trainImages: imagesFile(12),
    trainLabels: labelsFile(12),
    testImages: imagesFile(5),
    testLabels: labelsFile(5),
    ...overrides,
  };
  for (const key of Object.keys(files) as (keyof FolderFiles)[]) {
    if (omit.includes(key)) continue;
    const gzip = key.startsWith('train');
    const name = IDX_FILE_NAMES[key] + (gzip ? '.gz' : '');
    writeFileSync(join(folder, name), encodeIdx(files[key], { gzip }));
  }
  return folder;
}

describe('loadIdxFolder', () => {
  it('splits the training file into train and its last validationCount examples, in file order', () => {
    const splits = loadIdxFolder(makeFolder(), { validationCount: 4 });
    expect([splits.train.count, splits.validation.count, splits.test.count]).toEqual([8, 4, 5]);
    expect(Array.from(splits.train.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(splits.validation.labels)).toEqual([8, 9, 0, 1]);
    expect(splits.validation.images[0]).toBeCloseTo((8 * 20 + 5) / 255, 7);
    expect(splits.validation.images.length).toBe(4 * 784);
    expect([splits.test.height, splits.test.width]).toEqual([28, 28]);
  });

  it('turns bytes into grey levels byte / 255 in [0, 1]', () => {
    const data = new Uint8Array(2 * 784);
    data[0] = 255;
    data[1] = 51;
    const splits = loadIdxFolder(
      makeFolder({ trainImages: { ...imagesFile(2), data }, trainLabels: labelsFile(2) }),
      {
        validationCount: 1,
      },
    );
    expect(splits.train.images[0]).toBe(1);
    expect(splits.train.images[1]).toBeCloseTo(0.2, 7);
    expect(splits.validation.images.every((value) => value === 0)).toBe(true);
  });

  it('rejects images that are not 28×28', () => {
    const folder = makeFolder({ testImages: imagesFile(5, 27, 28) });
    expect(() => loadIdxFolder(folder, { validationCount: 2 })).toThrow(
      `${join(folder, IDX_FILE_NAMES.testImages)}: expected uint8 images of shape [count, 28, 28], got uint8 [5, 27, 28]`,
    );
  });

  it('rejects an images file of the wrong rank', () => {
    const folder = makeFolder({
      trainImages: { dtype: 'uint8', shape: [12, 784], data: new Uint8Array(12 * 784) },
    });
    expect(() => loadIdxFolder(folder)).toThrow('got uint8 [12, 784]');
  });

  it('rejects an image count that differs from the label count, naming both files', () => {
    const folder = makeFolder({ testLabels: labelsFile(6) });
    expect(() => loadIdxFolder(folder, { validationCount: 2 })).toThrow(
      `${join(folder, IDX_FILE_NAMES.testImages)} holds 5 images but ${join(folder, IDX_FILE_NAMES.testLabels)} holds 6 labels`,
    );
  });

  it('rejects labels above 9', () => {
    const folder = makeFolder({
      testLabels: { dtype: 'uint8', shape: [5], data: Uint8Array.from([0, 1, 10, 2, 3]) },
    });
    expect(() => loadIdxFolder(folder, { validationCount: 2 })).toThrow(
      'label 2 is 10, expected a class in 0–9',
    );
  });

  it('rejects a validation split that leaves nothing to train on', () => {
    expect(() => loadIdxFolder(makeFolder(), { validationCount: 12 })).toThrow(
      'validationCount must be an integer in [0, 11]',
    );
  });

  it('names the missing folder and says how to get Fashion-MNIST', () => {
    const missing = join(root, 'no-such-folder');
    expect(() => loadIdxFolder(missing)).toThrow(`data folder ${missing} not found`);
    expect(() => loadIdxFolder(missing)).toThrow('apt-get install dataset-fashion-mnist');
    expect(() => loadFashionMnist(missing)).toThrow(
      'install Fashion-MNIST with `apt-get install dataset-fashion-mnist`',
    );
    expect(() => loadDataset(missing)).toThrow(missing);
  });

  it('names a missing file', () => {
    const folder = makeFolder({}, ['testLabels']);
    expect(() => loadIdxFolder(folder, { validationCount: 2 })).toThrow(
      `${join(folder, IDX_FILE_NAMES.testLabels)}[.gz] not found; expected the four files`,
    );
  });

  it('loads a folder through loadDataset', () => {
    expect(loadDataset(makeFolder(), { validationCount: 3 }).train.count).toBe(9);
  });
});
