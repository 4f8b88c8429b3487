import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError, tf } from '../../src/index.js';
import { CategoricalVae } from '../../src/vae/model.js';
import { float16Bits, quantizeWeights, weightBytes } from '../../src/vae/quantize.js';
import { loadLayersModelFromFolder, loadVae, saveVae } from '../../src/vae/savedModel.js';

const folder = mkdtempSync(join(tmpdir(), 'gumbel-quantized-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('float16Bits', () => {
  it('gives the IEEE half-precision bit patterns, rounding to nearest even', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff], // largest half
      [65520, 0x7c00], // rounds up to Infinity
      [1e6, 0x7c00],
      [Number.NEGATIVE_INFINITY, 0xfc00],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // a tie with 0: even wins
      [3 * 2 ** -25, 0x0002], // a tie between 1 and 2 subnormal steps: even wins
      [1 + 2 ** -11, 0x3c00], // a tie: 1 (even mantissa) wins
      [1 + 3 * 2 ** -11, 0x3c02], // a tie: the even neighbour above wins
      [0.1, 0x2e66],
    ];
    for (const [value, bits] of cases) expect(float16Bits(value), `float16Bits(${value})`).toBe(bits);
    expect(float16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
    expect(float16Bits(Number.NaN) & 0x3ff).not.toBe(0);
  });
});

describe('quantizeWeights', () => {
  const specs: tf.io.WeightsManifestEntry[] = [
    { name: 'a', shape: [2, 3], dtype: 'float32' },
    { name: 'b', shape: [3], dtype: 'float32' },
  ];
  const values = new Float32Array([-1, -0.25, 0, 0.3, 0.9, 2, 0, 0, 0]);

  it('stores uint8 codes that TF.js decodes to within half a step, with 0 exact', () => {
    const quantized = quantizeWeights({ weightData: values.buffer.slice(0), weightSpecs: specs }, 'uint8');
    expect(quantized.weightData.byteLength).toBe(9);
    expect(weightBytes(quantized.weightSpecs)).toBe(9);
    const decoded = tf.io.decodeWeights(quantized.weightData, quantized.weightSpecs);
    const a = decoded.a.dataSync();
    const step = 3 / 255;
    a.forEach((value, i) => {
      expect(Math.abs(value - values[i])).toBeLessThanOrEqual(step / 2 + 1e-6);
    });
    expect(a[2]).toBe(0);
    expect(Array.from(decoded.b.dataSync())).toEqual([0, 0, 0]); // a constant tensor survives
    tf.dispose(Object.values(decoded));
  });

  it('stores float16 that TF.js decodes to within float16 rounding', () => {
    const quantized = quantizeWeights({ weightData: values.buffer.slice(0), weightSpecs: specs }, 'float16');
    expect(quantized.weightData.byteLength).toBe(18);
    const decoded = tf.io.decodeWeights(quantized.weightData, quantized.weightSpecs);
    const a = decoded.a.dataSync();
    a.forEach((value, i) => {
      expect(Math.abs(value - values[i])).toBeLessThanOrEqual(Math.abs(values[i]) * 2 ** -11);
    });
    tf.dispose(Object.values(decoded));
  });

  it('rejects an unknown quantization and already quantized weights', () => {
    const weights = { weightData: values.buffer.slice(0), weightSpecs: specs };
    expect(() => quantizeWeights(weights, 'int4' as 'uint8')).toThrow(ArgumentError);
    const once = quantizeWeights(weights, 'float16');
    expect(() => quantizeWeights(once, 'uint8')).toThrow(/only unquantized float32/);
  });
});

describe('saveVae with quantization', () => {
  const shape = { latentVariables: 3, categories: 4, inputSize: 784, hiddenUnits: [16, 8] };

  it('writes a smaller weights file that loads back close to the original', async () => {
    const vae = new CategoricalVae(shape, 5);
    const sizes: Record<string, number> = {};
    for (const quantization of ['float32', 'float16', 'uint8'] as const) {
      const target = join(folder, quantization);
      rmSync(target, { recursive: true, force: true });
      mkdirSync(target);
      await saveVae(vae, target, 1, { quantization });
      sizes[quantization] = statSync(join(target, 'weights.bin')).size;
      const model = await loadLayersModelFromFolder(target);
      expect(model.getLayer('gumbel_softmax').getClassName()).toBe('GumbelSoftmax');
      model.dispose();
      const reloaded = await loadVae(target);
      const tolerance = { float32: 0, float16: 2e-3, uint8: 1e-2 }[quantization];
      reloaded.parameters().forEach((parameter, i) => {
        const original = vae.parameters()[i].dataSync();
        const loaded = parameter.dataSync();
        let largest = 0;
        for (let j = 0; j < original.length; j++)
          largest = Math.max(largest, Math.abs(original[j] - loaded[j]));
        expect(largest, `${quantization} ${parameter.name}`).toBeLessThanOrEqual(tolerance);
      });
      reloaded.dispose();
    }
    expect(sizes.float16).toBe(sizes.float32 / 2);
    expect(sizes.uint8).toBe(sizes.float32 / 4);
    vae.dispose();
  });
});
