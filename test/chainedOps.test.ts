import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHAINED_OPS } from '../src/chainedOps.js';
import { tf } from '../src/index.js';
import { takeValues } from './helpers/leaks.js';

/** The chained ops tfjs-core itself defines: one file each in dist/public/chained_ops/. */
function tfjsCoreChainedOps(): string[] {
  const core = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core/package.json'));
  const folder = join(core, 'dist/public/chained_ops');
  const files = readdirSync(folder).filter(
    (file) => file.endsWith('.js') && !file.endsWith('_test.js') && file !== 'register_all_chained_ops.js',
  );
  // The files are snake_case (`conv2d_transpose.js`); the methods are camelCase.
  return files.map((file) =>
    file.slice(0, -3).replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()),
  );
}

describe('chained ops on the exported tf', () => {
  it('every tensor has each of tfjs-core’s chained ops', () => {
    const expected = tfjsCoreChainedOps().map((name) => name.toLowerCase());
    expect(expected.length).toBe(137);
    // Compare case-insensitively: file names lose the case of `as1D`, `logSumExp`, `argMax`.
    expect(CHAINED_OPS.map((name) => name.toLowerCase()).sort()).toEqual(expected.sort());
    const x = tf.tensor1d([1]);
    for (const name of CHAINED_OPS) {
      expect(typeof (x as unknown as Record<string, unknown>)[name], name).toBe('function');
    }
    x.dispose();
  });

  it('x.slice, x.mul, x.asType, x.sum compute what the functional ops compute', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.tensor2d([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(takeValues(x.slice([0, 1], [2, 2]))).toEqual([2, 3, 5, 6]);
      expect(takeValues(x.mul(tf.scalar(2)))).toEqual([2, 4, 6, 8, 10, 12]);
      const asInt = x.div(tf.scalar(4)).asType('int32');
      expect(asInt.dtype).toBe('int32');
      expect(takeValues(asInt)).toEqual([0, 0, 0, 1, 1, 1]);
      expect(takeValues(x.sum(1))).toEqual([6, 15]);
      expect(takeValues(x.reshape([3, 2]).transpose())).toEqual([1, 3, 5, 2, 4, 6]);
      expect(takeValues(x.concat(x, 0).flatten())).toEqual([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6]);
      expect(takeValues(x.stack([x, x]).sum(0))).toEqual([3, 6, 9, 12, 15, 18]);
      const condition = tf.tensor2d([
        [true, false, true],
        [false, true, false],
      ]);
      expect(takeValues(x.where(condition, x.neg()))).toEqual([1, -2, 3, -4, 5, -6]);
    });
    expect(tf.memory().numTensors).toBe(before); // the methods keep nothing beyond what they return
  });

  it('a disposed tensor says so instead of computing', () => {
    const x = tf.tensor1d([1, 2]);
    x.dispose();
    expect(() => x.slice(0, 1)).toThrow(/disposed/);
    expect(() => x.flatten()).toThrow(/disposed/);
  });

  it('chained ops carry gradients like the functional ones', () => {
    const gradient = tf.grad((x: tf.Tensor) => x.square().sum())(tf.tensor1d([1, -2, 3]));
    expect(takeValues(gradient)).toEqual([2, -4, 6]);
  });
});
