/**
 * Writes the statically binarized splits of a data set as raw float32 files, so the PyTorch
 * reference (`bench/vae_reference.py`) trains and evaluates on exactly the bytes the TypeScript
 * VAE sees. Node only; a bench tool, not part of the library.
 *
 * Output folder:
 * - `train.f32`, `validation.f32`, `test.f32`: count × 784 little-endian float32 values, 0 or 1,
 *   image after image, row-major (the `Dataset.images` layout of src/data);
 * - `meta.json`: dataset, seed, binarization 'static', counts, image size, byte order and the
 *   SHA-256 of each file.
 *
 * Run (see bench/README.md):
 * ```
 * node --import tsx bench/exportVaeData.ts --dataset mnist --seed 0 --out runs/vae-data/mnist-seed0
 * ```
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { staticBinarizeSplits } from '../src/data/binarize.js';
import { loadDataset } from '../src/data/load.js';

/** What {@link exportVaeData} writes. */
export interface ExportOptions {
  /** 'mnist' (default), 'fashion-mnist' or a folder of the four IDX files (see `loadDataset`). */
  dataset?: string;
  /** Seed of `staticBinarizeSplits` (default 0). */
  seed?: number;
  /** For IDX folders only: the size of the validation split (default 5,000). */
  validationCount?: number;
  /** The folder to write (created if missing). */
  out: string;
}

/** The contents of `meta.json`. */
export interface ExportMeta {
  dataset: string;
  binarization: 'static';
  seed: number;
  counts: { train: number; validation: number; test: number };
  height: number;
  width: number;
  dtype: 'float32';
  byteOrder: 'little';
  files: { train: string; validation: string; test: string };
  sha256: { train: string; validation: string; test: string };
}

const SPLITS = ['train', 'validation', 'test'] as const;

/** The values as little-endian float32 bytes, whatever the host's byte order. */
export function float32LittleEndian(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}

/** Loads, binarizes and writes the three splits and `meta.json` to `options.out`; returns the metadata. */
export function exportVaeData(options: ExportOptions): ExportMeta {
  const dataset = options.dataset ?? 'mnist';
  const seed = options.seed ?? 0;
  const folderOptions =
    options.validationCount === undefined ? {} : { validationCount: options.validationCount };
  const splits = staticBinarizeSplits(loadDataset(dataset, folderOptions), seed);
  mkdirSync(options.out, { recursive: true });
  const sha256 = {} as ExportMeta['sha256'];
  const files = {} as ExportMeta['files'];
  for (const split of SPLITS) {
    const bytes = float32LittleEndian(splits[split].images);
    files[split] = `${split}.f32`;
    sha256[split] = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(options.out, files[split]), bytes);
  }
  const meta: ExportMeta = {
    dataset,
    binarization: 'static',
    seed,
    counts: { train: splits.train.count, validation: splits.validation.count, test: splits.test.count },
    height: splits.train.height,
    width: splits.train.width,
    dtype: 'float32',
    byteOrder: 'little',
    files,
    sha256,
  };
  writeFileSync(join(options.out, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: 'mnist' },
      seed: { type: 'string', default: '0' },
      'validation-count': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new Error(`--seed must be an integer >= 0, got ${values.seed}`);
  const dataset = values.dataset ?? 'mnist';
  const name = dataset.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
  const out = values.out ?? join('runs', 'vae-data', `${name}-seed${seed}`);
  const validationCount =
    values['validation-count'] === undefined ? undefined : Number(values['validation-count']);
  const meta = exportVaeData({ dataset, seed, validationCount, out });
  console.log(
    `wrote ${resolve(out)}: train ${meta.counts.train}, validation ${meta.counts.validation}, test ${meta.counts.test} ` +
      `(${meta.dataset}, static binarization, seed ${meta.seed})`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
