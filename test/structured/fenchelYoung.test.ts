import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  argmaxSolver,
  fenchelYoungLoss,
  perturbed,
  perturbedMaximum,
  perturbedTopK,
  type Solver,
  shortestPathSolver,
  tf,
} from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';
import { expectAllClose } from '../helpers/close.js';
import { expectOnlyReturnedTensors, takeValues } from '../helpers/leaks.js';
import { EULER_GAMMA, softmaxOf } from '../helpers/stats.js';
import { threeRouteGrid } from './exact.js';

const gradientOf = (f: (t: Tensor) => Tensor, theta: number[] | number[][]) =>
  takeValues(tf.tidy(() => tf.grad((t: Tensor) => tf.sum(f(t)))(tf.tensor(theta))));

describe('fenchelYoungLoss (Berthet et al. 2020, §4)', () => {
  const theta = [
    [1, 2, 0, -0.5],
    [0, 0, 3, 1],
  ];
  const target = [
    [1, 0, 0, 0],
    [0, 0, 1, 0],
  ];

  it('its gradient is ŷ − y, ŷ the perturbed argmax of the same draws (same seed)', () => {
    for (const noise of ['gumbel', 'normal'] as const) {
      const options = { sigma: 0.7, samples: 300, noise, seed: 3 };
      const loss = fenchelYoungLoss(argmaxSolver, options);
      const gradient = gradientOf((t) => loss(t, target), theta);
      const expectation = takeValues(perturbed(argmaxSolver, options)(theta));
      const flatTarget = target.flat();
      expectAllClose(
        gradient,
        expectation.map((e, i) => e - flatTarget[i]),
        6,
      );
    }
  });

  it('minimizing (shortest path): the gradient is y − ŷ', () => {
    const grid = threeRouteGrid(8.8, [4.4, 4.4], [4.3, 4.8]);
    const pathThroughCentre = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const options = { sigma: 0.5, samples: 200, seed: 8, minimize: true };
    const loss = fenchelYoungLoss(shortestPathSolver, options);
    const gradient = gradientOf((t) => loss(t, pathThroughCentre), grid);
    const expectation = takeValues(perturbed(shortestPathSolver, options)(grid));
    expectAllClose(
      gradient,
      pathThroughCentre.flat().map((y, i) => y - expectation[i]),
      6,
    );
  });

  it('with Gumbel noise its value is σ·logsumexp(θ/σ) + σγ − ⟨θ, y⟩, within 4.5 standard errors', () => {
    // max_i(θ_i + σZ_i) is Gumbel(σ·logsumexp(θ/σ), σ): standard deviation σπ/√6.
    const sigma = 0.5;
    const samples = 20_000;
    const values = takeValues(
      fenchelYoungLoss(argmaxSolver, { sigma, samples, noise: 'gumbel', seed: 4 })(theta, target),
    );
    theta.forEach((row, r) => {
      const max = Math.max(...row.map((t) => t / sigma));
      const logSumExp = max + Math.log(row.reduce((total, t) => total + Math.exp(t / sigma - max), 0));
      const exact = sigma * logSumExp + sigma * EULER_GAMMA - row[target[r].indexOf(1)];
      expect(Math.abs(values[r] - exact)).toBeLessThan((4.5 * sigma * Math.PI) / Math.sqrt(6 * samples));
    });
  });

  it('perturbedMaximum: central differences of the estimate (common random numbers) equal its gradient', () => {
    // With a fixed seed the estimate is piecewise linear in θ with slope the mean solution; a draw
    // whose argmax switches within ±step changes the difference quotient by at most 1/samples.
    const options = { sigma: 1, samples: 1000, noise: 'normal' as const, seed: 12 };
    const maximum = perturbedMaximum(argmaxSolver, options);
    const row = [0.3, -0.2, 0.5];
    const gradient = gradientOf((t) => maximum(t), row);
    const expectation = takeValues(perturbed(argmaxSolver, options)(row));
    expectAllClose(gradient, expectation, 6); // Danskin: ∇F = ŷ
    const step = 5e-3;
    row.forEach((_, j) => {
      const at = (delta: number) => takeValues(maximum(row.map((v, i) => (i === j ? v + delta : v))))[0];
      expect(Math.abs((at(step) - at(-step)) / (2 * step) - gradient[j])).toBeLessThan(0.02);
    });
  });

  it('rejects a target of another shape or not finite, and a solver whose output is not θ-shaped', () => {
    const loss = fenchelYoungLoss(argmaxSolver, { samples: 5, seed: 1 });
    expect(() => loss(theta, [1, 0, 0, 0])).toThrow(/target must have θ's shape \[2,4\], got \[4\]/);
    expect(() => loss([0, 1], [Number.NaN, 0])).toThrow(/target must be finite/);
    const indexSolver: Solver = (t) => tf.cast(tf.argMax(t, -1), 'float32');
    expect(() => perturbedMaximum(indexSolver, { samples: 3 })([[1, 2]])).toThrow(
      /solver must return θ's shape/,
    );
    const before = tf.memory().numTensors;
    expect(() => loss(theta, [1, 0])).toThrow(ArgumentError);
    expect(() => perturbedMaximum(indexSolver, { samples: 3 })([[1, 2]])).toThrow(ArgumentError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks nothing, forward or backward', () => {
    const loss = fenchelYoungLoss(argmaxSolver, { samples: 10, seed: 2 });
    const thetaTensor = tf.tensor2d(theta);
    const targetTensor = tf.tensor2d(target);
    expectOnlyReturnedTensors(() => loss(thetaTensor, targetTensor));
    expectOnlyReturnedTensors(() => loss(theta, target));
    expectOnlyReturnedTensors(() => tf.grad((t: Tensor) => tf.sum(loss(t, targetTensor)))(thetaTensor));
    expectOnlyReturnedTensors(() => perturbedMaximum(argmaxSolver, { samples: 10 })(thetaTensor));
    tf.dispose([thetaTensor, targetTensor]);
  });
});

describe('perturbedTopK', () => {
  it('with Gumbel noise: the inclusion probabilities of 2 draws without replacement from softmax(θ/σ)', () => {
    const theta = [1, 0.2, -0.5, 0.6];
    const sigma = 0.8;
    const samples = 40_000;
    const p = softmaxOf(theta.map((t) => t / sigma));
    // P(i ∈ S) = p_i + Σ_{j≠i} p_j · p_i / (1 − p_j), the first or the second draw.
    const inclusion = p.map(
      (pi, i) => pi + p.reduce((total, pj, j) => (j === i ? total : total + (pj * pi) / (1 - pj)), 0),
    );
    const estimate = takeValues(perturbedTopK(theta, 2, { sigma, samples, noise: 'gumbel', seed: 6 }));
    expect(estimate.reduce((a, b) => a + b, 0)).toBeCloseTo(2, 4);
    estimate.forEach((value, i) => {
      const standardError = Math.sqrt((inclusion[i] * (1 - inclusion[i])) / samples);
      expect(Math.abs(value - inclusion[i])).toBeLessThan(4.5 * standardError);
    });
  });

  it('a masked item is never taken and gets gradient 0; bad k names k', () => {
    const theta = [1, Number.NEGATIVE_INFINITY, 0, 0.5];
    const options = { sigma: 1, samples: 500, seed: 2 };
    expect(takeValues(perturbedTopK(theta, 2, options))[1]).toBe(0);
    const gradient = gradientOf(
      (t) => tf.mul(perturbedTopK(t, 2, options), tf.tensor1d([1, 2, 3, 4])),
      theta,
    );
    expect(gradient[1]).toBe(0);
    expect(gradient.every(Number.isFinite)).toBe(true);
    expect(() => perturbedTopK([1, 2], 0)).toThrow(/k must be an integer >= 1/);
    expect(() => perturbedTopK([1, 2], 3)).toThrow(/k must be at most 2/);
  });
});

describe('perturbed: bad input is an ArgumentError naming the argument, before any work', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['σ = 0', () => perturbed(argmaxSolver, { sigma: 0 }), /sigma must be a finite number > 0, got 0/],
    ['σ < 0', () => perturbed(argmaxSolver, { sigma: -1 }), /sigma must be a finite number > 0/],
    ['σ NaN', () => perturbed(argmaxSolver, { sigma: Number.NaN }), /sigma .* got NaN/],
    ['σ ∞', () => perturbed(argmaxSolver, { sigma: Number.POSITIVE_INFINITY }), /sigma/],
    ['samples 0', () => perturbed(argmaxSolver, { samples: 0 }), /samples must be an integer >= 1, got 0/],
    ['samples 2.5', () => perturbed(argmaxSolver, { samples: 2.5 }), /samples must be an integer >= 1/],
    [
      'unknown noise',
      () => perturbed(argmaxSolver, { noise: 'uniform' as 'gumbel' }),
      /noise must be one of gumbel, normal, got uniform/,
    ],
    ['eventRank −1', () => perturbed(argmaxSolver, { eventRank: -1 }), /eventRank must be an integer >= 0/],
    ['not a solver', () => perturbed(3 as unknown as Solver), /solver must be a function/],
    [
      'θ with NaN',
      () => perturbed(argmaxSolver)([1, Number.NaN]),
      /theta must not contain NaN or \+Infinity/,
    ],
    ['θ with +∞', () => perturbed(argmaxSolver)([Number.POSITIVE_INFINITY, 1]), /theta must not contain/],
    ['θ of too low a rank', () => perturbed(shortestPathSolver)([1, 2]), /theta must have rank >= 2/],
    ['int θ', () => perturbed(argmaxSolver)(tf.tensor1d([1, 2], 'int32')), /theta must be a float32 tensor/],
    [
      'a solver dropping the batch axes',
      () => perturbed((t: Tensor) => tf.sum(t), { samples: 4 })([[1, 2]]),
      /solver must return shape \[4,1, ...output\]/,
    ],
  ];
  for (const [name, call, message] of cases) {
    it(name, () => {
      const before = tf.memory().numTensors;
      let thrown: unknown;
      try {
        call();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ArgumentError);
      expect((thrown as Error).message).toMatch(message);
      expect(tf.memory().numTensors).toBeLessThanOrEqual(before + (name === 'int θ' ? 1 : 0));
    });
  }
});
