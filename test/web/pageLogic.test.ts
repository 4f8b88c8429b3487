import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { loadVae } from '../../src/vae/savedModel.js';
import { packBits } from '../../web/scripts/packBits.js';
import { simplexGrid, simplexPosition } from '../../web/src/charts/simplex.js';
import {
  convertWeights,
  logitsOf,
  probabilitiesOf,
  problemWith,
  resizeWeights,
} from '../../web/src/explorer/classWeights.js';
import { chiSquareTest, upperRegularizedGamma } from '../../web/src/sampler/chiSquare.js';
import { unpackBits } from '../../web/src/vae/digits.js';

// The page's arithmetic, checked in Node; the page itself is tested in Chromium (demo.test.ts).

describe('chi-square', () => {
  it('gives the textbook survival function', () => {
    // Critical values at p = 0.05 for 1, 3 and 9 degrees of freedom; Q(1, x) = e^−x exactly.
    expect(upperRegularizedGamma(0.5, 3.841459 / 2)).toBeCloseTo(0.05, 6);
    expect(upperRegularizedGamma(1.5, 7.814728 / 2)).toBeCloseTo(0.05, 6);
    expect(upperRegularizedGamma(4.5, 16.918978 / 2)).toBeCloseTo(0.05, 6);
    expect(upperRegularizedGamma(1, 2)).toBeCloseTo(Math.exp(-2), 12);
    expect(upperRegularizedGamma(2, 0)).toBe(1);
    expect(upperRegularizedGamma(1, 800)).toBe(0);
  });

  it('leaves classes of probability 0 out of the test and counts draws that fell there', () => {
    const test = chiSquareTest([50, 30, 20, 0], [0.5, 0.3, 0.2, 0]);
    expect(test.statistic).toBe(0);
    expect(test.degreesOfFreedom).toBe(2);
    expect(test.pValue).toBe(1);
    expect(chiSquareTest([50, 30, 19, 1], [0.5, 0.3, 0.2, 0]).impossible).toBe(1);
    const skewed = chiSquareTest([60, 40], [0.5, 0.5]);
    expect(skewed.statistic).toBeCloseTo(4, 12);
    expect(skewed.pValue).toBeCloseTo(0.0455, 4);
  });
});

describe('class weights', () => {
  it('normalizes probabilities and logits to the same π', () => {
    expect(probabilitiesOf({ mode: 'probabilities', values: [2, 1, 1] })).toEqual([0.5, 0.25, 0.25]);
    const fromLogits = probabilitiesOf({ mode: 'logits', values: [Math.log(2), 0, 0] });
    fromLogits.forEach((p, k) => {
      expect(p).toBeCloseTo([0.5, 0.25, 0.25][k], 12);
    });
    expect(logitsOf({ mode: 'probabilities', values: [1, 0] })).toEqual([0, Number.NEGATIVE_INFINITY]);
  });

  it('converts between the two ways of entering them', () => {
    expect(convertWeights({ mode: 'probabilities', values: [0.5, 0.5, 0] }, 'logits').values).toEqual([
      -0.69, -0.69, -20,
    ]);
    expect(convertWeights({ mode: 'logits', values: [0, 0] }, 'probabilities').values).toEqual([0.5, 0.5]);
  });

  it('grows and shrinks the number of classes', () => {
    expect(resizeWeights({ mode: 'probabilities', values: [0.6, 0.2] }, 4).values).toEqual([
      0.6, 0.2, 0.4, 0.4,
    ]);
    expect(resizeWeights({ mode: 'logits', values: [1, 2, 3] }, 2).values).toEqual([1, 2]);
  });

  it('explains what it cannot use', () => {
    expect(problemWith('probabilities', [0.5, -0.1])).toMatch(/negative/);
    expect(problemWith('probabilities', [0, 0])).toMatch(/above 0/);
    expect(problemWith('probabilities', [0.5, Number.NaN])).toMatch(/every class needs a number/);
    expect(problemWith('logits', [1, 60])).toMatch(/between −50 and 50/);
    expect(problemWith('logits', [1])).toMatch(/between 2 and 10/);
    expect(problemWith('logits', [1, -3])).toBeUndefined();
    // Each finite, their sum not: normalizing would give NaN probabilities.
    expect(problemWith('probabilities', [1e308, 1e308])).toMatch(/too large to add up/);
    expect(problemWith('probabilities', [1e308, 1])).toBeUndefined();
  });
});

describe('simplex grid', () => {
  it('holds points strictly inside the simplex that map back to their pixels', () => {
    const grid = simplexGrid(60);
    const count = grid.points.length / 3;
    expect(count).toBe(grid.pixels.length);
    expect(count).toBeGreaterThan(1200); // about half of 60 × 52 pixels
    for (let i = 0; i < count; i += 37) {
      const point = Array.from(grid.points.subarray(3 * i, 3 * i + 3));
      expect(Math.min(...point)).toBeGreaterThan(0);
      expect(point[0] + point[1] + point[2]).toBeCloseTo(1, 5);
      const [x, y] = simplexPosition(point, grid.corners);
      expect(Math.floor(y) * grid.width + Math.floor(x)).toBe(grid.pixels[i]);
    }
  });
});

describe('files the page loads', () => {
  it('packs binary digits 8 pixels to a byte and unpacks them', () => {
    const pixels = Float32Array.from({ length: 784 * 2 }, (_, i) => ((i * 7) % 5 === 0 ? 1 : 0));
    const bytes = packBits(pixels);
    expect(bytes.length).toBe(196);
    expect(Array.from(unpackBits(bytes, pixels.length))).toEqual(Array.from(pixels));
    const shipped = readFileSync('web/public/data/digits-test.bin');
    expect(shipped.length % 98).toBe(0);
  });

  it('ships a quantized model of a few MB that loads and decodes', async () => {
    expect(statSync('web/public/model/weights.bin').size).toBeLessThan(3e6);
    const vae = await loadVae('web/public/model');
    expect(vae.shape).toEqual({
      latentVariables: 20,
      categories: 10,
      inputSize: 784,
      hiddenUnits: [512, 256],
    });
    const ink = tf.tidy(() => {
      const code = tf.cast(tf.oneHot(tf.zeros([1, 20], 'int32'), 10), 'float32');
      return tf.sum(tf.sigmoid(vae.decode(code))).dataSync()[0];
    });
    expect(ink).toBeGreaterThan(20); // a stroke, not a blank image
    expect(ink).toBeLessThan(400);
    vae.dispose();
  });
});
