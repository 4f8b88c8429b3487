import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { exactNormalGradient, normalGradientEstimates } from '../../web/src/backprop/normalGradients.js';
import { repeatsFor, SAMPLE_CHOICES } from '../../web/src/backprop/normalSettings.js';
import { binCounts, meanAndSd } from '../../web/src/charts/histogram.js';
import { SLIDE_TEMPERATURES, slidePictureNumbers } from '../../web/src/explorer/slidePictures.js';
import { gumbelDensity } from '../../web/src/noise/gumbelDensity.js';
import {
  AVERAGED_DRAWS,
  exactGradient,
  straightThroughNumbers,
} from '../../web/src/straightThrough/straightThroughNumbers.js';
import { DEFAULT_STATE, pageStateAddress, parsePageState } from '../../web/src/url/pageState.js';

// The lecture sections' arithmetic and the shareable address, checked in Node; the page itself is
// tested in Chromium (lecture.test.ts).

describe('the shareable address', () => {
  it('round-trips π, τ, seed, μ, σ, N and section, keeping other parameters such as backend', () => {
    const state = {
      weights: { mode: 'probabilities' as const, values: [0.2, 0.7, 0.1, 0] },
      temperature: 0.1,
      seed: 42,
      normal: { mu: -2.5, sigma: 0.3, samples: 500 },
      section: 'explorer',
    };
    const address = pageStateAddress(state, '?backend=cpu&tau=3');
    expect(address).toBe('?backend=cpu&pi=0.2,0.7,0.1,0&tau=0.1&seed=42&mu=-2.5&sigma=0.3&n=500#explorer');
    const [search, hash] = address.split('#');
    expect(parsePageState(search, `#${hash}`)).toEqual({ state, ignored: [] });
    const logits = { ...state, weights: { mode: 'logits' as const, values: [1, -2.5] } };
    expect(parsePageState(pageStateAddress(logits, '').split('#')[0], '#explorer').state).toEqual(logits);
  });

  it('leaves the defaults out, so the default page has a bare address', () => {
    expect(pageStateAddress(DEFAULT_STATE, '')).toBe('');
    expect(pageStateAddress(DEFAULT_STATE, '?backend=wasm&seed=9')).toBe('?backend=wasm');
  });

  it('replaces each unusable value by its default and names it', () => {
    const { state, ignored } = parsePageState(
      '?pi=0.5,-1&tau=0.01&seed=1.5&logits=1,x&mu=4&sigma=0&n=7',
      '#nowhere',
    );
    expect(state).toEqual(DEFAULT_STATE);
    expect(ignored.sort()).toEqual(['logits', 'mu', 'n', 'pi', 'seed', 'sigma', 'tau']);
    for (const search of [
      '?tau=NaN',
      '?tau=',
      '?tau=1e400',
      '?seed=-3',
      '?seed=1e3',
      '?seed=9007199254740993',
      '?pi=',
      '?pi=1',
      '?pi=0,0',
      '?logits=60,1',
      '?pi=1,2,3,4,5,6,7,8,9,10,11',
      '?mu=NaN',
      '?sigma=-1',
      '?n=1e3.5',
    ]) {
      const parsed = parsePageState(search, '');
      expect(parsed.state, search).toEqual(DEFAULT_STATE);
      expect(parsed.ignored.length, search).toBe(1);
    }
    expect(parsePageState('?tau=10&seed=0', '#vae').state).toMatchObject({
      temperature: 10,
      seed: 0,
      section: 'vae',
    });
    // μ and σ snap to the sliders' step of 0.1; N must be one of the slider's choices.
    expect(parsePageState('?mu=1.26&sigma=3&n=1000', '').state.normal).toEqual({
      mu: 1.3,
      sigma: 3,
      samples: 1000,
    });
  });
});

describe('histogram arithmetic', () => {
  it('gives the mean and the n − 1 standard deviation', () => {
    expect(meanAndSd([1, 2, 3, 4])).toEqual({ mean: 2.5, sd: Math.sqrt(5 / 3) });
    expect(meanAndSd([7])).toEqual({ mean: 7, sd: 0 });
  });

  it('bins values, putting those outside the range in the end bins', () => {
    expect(binCounts([0, 0.1, 0.5, 0.99, 1, -3, 8], 0, 1, 4)).toEqual([3, 0, 1, 3]);
  });

  it('draws the Gumbel density, which integrates to 1 with its mode at 0', () => {
    let area = 0;
    for (let g = -10; g < 30; g += 0.001) area += gumbelDensity(g + 0.0005) * 0.001;
    expect(area).toBeCloseTo(1, 5);
    expect(gumbelDensity(0)).toBeCloseTo(Math.exp(-1), 12);
    expect(gumbelDensity(0.01)).toBeLessThan(gumbelDensity(0));
  });
});

describe('sampling breaks backprop: the two estimators of ∇E[z²]', () => {
  it('draws 200 estimates per histogram, fewer (never under 40) so a redraw needs at most 40,000 draws', () => {
    expect(repeatsFor(1)).toBe(200);
    expect(repeatsFor(200)).toBe(200);
    expect(repeatsFor(1000)).toBe(40);
    for (const samples of SAMPLE_CHOICES) expect(samples * repeatsFor(samples)).toBeLessThanOrEqual(40_000);
  });

  it('are both unbiased for (2μ, 2σ), and the pathwise one spreads far less', async () => {
    const before = tf.memory().numTensors;
    const mu = 1.5;
    const sigma = 0.7;
    const repeats = 400;
    const estimates = await normalGradientEstimates(mu, sigma, 50, repeats, 11);
    expect(tf.memory().numTensors).toBe(before);
    const exact = exactNormalGradient(mu, sigma);
    expect(exact).toEqual({ mu: 3, sigma: 1.4 });
    // Each mean of 400 independent estimates lies within 4.5 standard errors of the exact value
    // (a false alarm about once in 150,000 per check).
    for (const way of ['pathwise', 'score'] as const) {
      for (const parameter of ['mu', 'sigma'] as const) {
        const { mean, sd } = meanAndSd(estimates[way][parameter]);
        expect(Math.abs(mean - exact[parameter]), `${way} ${parameter}`).toBeLessThan(
          (4.5 * sd) / Math.sqrt(repeats),
        );
      }
    }
    // Pathwise ∂/∂μ = mean of 2z has sd 2σ/√50 ≈ 0.198 exactly; the score function's is several times larger.
    const pathwise = meanAndSd(estimates.pathwise.mu).sd;
    expect(pathwise).toBeGreaterThan(0.198 * 0.85);
    expect(pathwise).toBeLessThan(0.198 * 1.15);
    expect(meanAndSd(estimates.score.mu).sd).toBeGreaterThan(3 * pathwise);
  });
});

describe('straight-through: gradients of E[‖z − e_K‖²] in the logits', () => {
  const probabilities = [0.5, 0.3, 0.2];

  it('has an exact gradient that matches finite differences of Σ π_k f(e_k)', () => {
    const expectation = (logits: number[]) => {
      const total = logits.reduce((sum, value) => sum + Math.exp(value), 0);
      return logits.reduce(
        (sum, value, k) => sum + (Math.exp(value) / total) * (k === logits.length - 1 ? 0 : 2),
        0,
      );
    };
    const logits = probabilities.map(Math.log);
    const exact = exactGradient(probabilities);
    logits.forEach((_, j) => {
      const step = 1e-6;
      const up = logits.map((value, k) => (k === j ? value + step : value));
      const down = logits.map((value, k) => (k === j ? value - step : value));
      expect(exact[j]).toBeCloseTo((expectation(up) - expectation(down)) / (2 * step), 6);
    });
    expect(exactGradient([0.5, 0.5, 0])[2]).toBeCloseTo(0, 12);
  });

  it('gives one one-hot draw and its soft sample, and a score-function mean near the exact gradient', async () => {
    const before = tf.memory().numTensors;
    const numbers = await straightThroughNumbers(probabilities.map(Math.log), 0.5, 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(numbers.hard.filter((value) => value === 1)).toHaveLength(1);
    expect(numbers.hard.reduce((a, b) => a + b)).toBe(1);
    expect(numbers.hard.indexOf(1)).toBe(numbers.soft.indexOf(Math.max(...numbers.soft)));
    expect(numbers.soft.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    // Score function, one draw: f(z)(z − π); its mean over 1,000 draws is unbiased. Each entry's sd
    // is below 2·1 = 2, so 4.5 standard errors is below 0.29.
    const exact = exactGradient(probabilities);
    const score = numbers.averaged[2];
    score.forEach((value, k) => {
      expect(Math.abs(value - exact[k])).toBeLessThan((4.5 * 2) / Math.sqrt(AVERAGED_DRAWS));
    });
    const drawnLast = numbers.hard[2] === 1;
    numbers.single[2].forEach((value, k) => {
      expect(value).toBeCloseTo(drawnLast ? 0 : 2 * (numbers.hard[k] - probabilities[k]), 5);
    });
    // Every gradient is finite and sums to 0 over the classes (softmax is shift-invariant).
    for (const gradient of [...numbers.single, ...numbers.averaged]) {
      expect(gradient.every(Number.isFinite)).toBe(true);
      expect(gradient.reduce((a, b) => a + b)).toBeCloseTo(0, 4);
    }
  });

  it('stays finite with a masked class', async () => {
    const numbers = await straightThroughNumbers([0, Number.NEGATIVE_INFINITY, -1], 1, 4);
    expect(numbers.hard[1]).toBe(0);
    for (const gradient of [...numbers.single, ...numbers.averaged]) {
      expect(gradient.every(Number.isFinite)).toBe(true);
      expect(gradient[1]).toBe(0);
    }
  });
});

describe("the slide's two pictures", () => {
  it('share the noise: at τ = 0.1 and τ = 2 each sample picks the same class', async () => {
    const [smooth, sharp] = await slidePictureNumbers([Math.log(0.5), Math.log(0.3), Math.log(0.2)], 5);
    expect(SLIDE_TEMPERATURES).toEqual([2, 0.1]);
    smooth.forEach((sample, i) => {
      expect(sample.indexOf(Math.max(...sample))).toBe(sharp[i].indexOf(Math.max(...sharp[i])));
      expect(Math.max(...sharp[i])).toBeGreaterThan(Math.max(...sample));
    });
  });
});
