import { describe, expect, it } from 'vitest';
import { normalCdf, normalDensity } from '../../src/math/normalCdf.js';
import { simpson } from '../structured/exact.js';

describe('normalCdf', () => {
  it('matches tabulated values of Φ, relatively in the lower tail', () => {
    // Φ from standard tables (Abramowitz & Stegun 26.2; R's pnorm to 16 digits).
    const table: [number, number][] = [
      [0, 0.5],
      [0.5, 0.6914624612740131],
      [1, 0.8413447460685429],
      [-2, 0.022750131948179195],
      [-3, 0.0013498980316300946],
      [-5, 2.866515718791939e-7],
      [-10, 7.619853024160527e-24],
    ];
    for (const [x, phi] of table) expect(Math.abs(normalCdf(x) - phi) / phi).toBeLessThan(1e-12);
  });

  it('is the integral of the density, to 1e-12, from −6 to 6', () => {
    for (let x = -6; x <= 6; x += 0.75) {
      expect(normalCdf(x) - normalCdf(-8)).toBeCloseTo(simpson(normalDensity, -8, x, 4000), 12);
    }
    expect(normalCdf(Number.NaN)).toBeNaN();
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
  });
});
