import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  argmaxSolver,
  gridShortestPath,
  rankingSolver,
  shortestPathSolver,
  tf,
  topKSolver,
} from '../../src/index.js';
import { expectOnlyReturnedTensors, takeValues } from '../helpers/leaks.js';

/** A small deterministic generator of test numbers in [0, 1) (an LCG; not the library's). */
function numbers(count: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  });
}

function permutationsOf(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutationsOf([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

function subsetsOf(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...subsetsOf(n - 1, k), ...subsetsOf(n - 1, k - 1).map((s) => [...s, n - 1])];
}

const dot = (a: number[], b: number[]) => a.reduce((total, v, i) => total + v * b[i], 0);

/**
 * Every simple path from the top-left to the bottom-right vertex of a height × width grid with king
 * moves, by depth-first search; returns the cheapest cost (the sum of the path's vertex costs).
 */
function bruteForceShortest(costs: number[], height: number, width: number): { cost: number; paths: number } {
  const visited = new Uint8Array(height * width);
  let best = Number.POSITIVE_INFINITY;
  let paths = 0;
  const walk = (vertex: number, cost: number) => {
    if (vertex === height * width - 1) {
      paths++;
      best = Math.min(best, cost);
      return;
    }
    visited[vertex] = 1;
    const row = Math.floor(vertex / width);
    const column = vertex % width;
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const r = row + dr;
        const c = column + dc;
        if ((dr || dc) && r >= 0 && r < height && c >= 0 && c < width && !visited[r * width + c]) {
          walk(r * width + c, cost + costs[r * width + c]);
        }
      }
    }
    visited[vertex] = 0;
  };
  walk(0, costs[0]);
  return { cost: best, paths };
}

/** Checks `indicator` is a simple king-move path from the first to the last vertex; returns its cost. */
function pathCost(indicator: number[], costs: number[], height: number, width: number): number {
  const on = (r: number, c: number) =>
    r >= 0 && r < height && c >= 0 && c < width && indicator[r * width + c] === 1;
  expect(indicator[0]).toBe(1);
  expect(indicator[height * width - 1]).toBe(1);
  // Walk from the start along the unique unvisited neighbour on the path (a shortest path with
  // positive costs has no chords, so each inner vertex has exactly two path neighbours).
  let [row, column] = [0, 0];
  const seen = new Set([0]);
  let cost = costs[0];
  while (row * width + column !== height * width - 1) {
    const next: [number, number][] = [];
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        if ((dr || dc) && on(row + dr, column + dc) && !seen.has((row + dr) * width + column + dc)) {
          next.push([row + dr, column + dc]);
        }
      }
    }
    expect(next.length).toBe(1);
    [row, column] = next[0];
    seen.add(row * width + column);
    cost += costs[row * width + column];
  }
  expect(seen.size).toBe(indicator.reduce((a, b) => a + b, 0)); // no stray vertices
  return cost;
}

describe('gridShortestPath (Dijkstra) against every simple path', () => {
  const sizes: [number, number][] = [
    [1, 1],
    [1, 4],
    [2, 2],
    [3, 3],
    [3, 4],
    [4, 3],
  ];
  for (const [height, width] of sizes) {
    it(`${height}×${width}: 20 random grids, the cheapest of all simple paths`, () => {
      for (let trial = 0; trial < 20; trial++) {
        const costs = numbers(height * width, 1000 * height + 10 * width + trial).map((u) => 0.1 + 5 * u);
        const { cost, paths } = bruteForceShortest(costs, height, width);
        if (trial === 0 && height * width === 12) expect(paths).toBeGreaterThan(1000);
        const indicator = takeValues(gridShortestPath(tf.tensor2d(costs, [height, width])));
        expect(pathCost(indicator, costs, height, width)).toBeCloseTo(cost, 4);
      }
    });
  }

  it('solves every grid of a batch independently', () => {
    const costs = numbers(2 * 3 * 9, 7).map((u) => 0.1 + u);
    const batched = takeValues(gridShortestPath(tf.tensor(costs, [2, 3, 3, 3])));
    for (let g = 0; g < 6; g++) {
      const single = takeValues(gridShortestPath(tf.tensor2d(costs.slice(9 * g, 9 * g + 9), [3, 3])));
      expect(batched.slice(9 * g, 9 * g + 9)).toEqual(single);
    }
  });

  it('rejects bad costs with ArgumentError naming them', () => {
    expect(() => gridShortestPath([1, 2])).toThrow(/costs must have shape \[...batch, height, width\]/);
    expect(() => gridShortestPath([[1, -1]])).toThrow(ArgumentError);
    expect(() => gridShortestPath([[1, Number.NaN]])).toThrow(/costs must be finite and >= 0/);
    expect(() => gridShortestPath([[1, Number.POSITIVE_INFINITY]])).toThrow(/costs must be finite/);
    expect(() => gridShortestPath(tf.tensor2d([[1, 2]], [1, 2], 'int32'))).toThrow(/float32/);
  });

  it('shortestPathSolver raises negative costs to 0 and rejects non-finite ones', () => {
    const theta = [
      [1, -3, 5],
      [4, 9, -0.5],
      [2, 2, 1],
    ];
    const raised = theta.map((row) => row.map((c) => Math.max(c, 0)));
    expect(takeValues(shortestPathSolver(tf.tensor2d(theta)))).toEqual(
      takeValues(gridShortestPath(tf.tensor2d(raised))),
    );
    expect(() => shortestPathSolver(tf.tensor2d([[1, Number.NEGATIVE_INFINITY]]))).toThrow(
      /theta must be finite/,
    );
    expect(shortestPathSolver.eventRank).toBe(2);
  });

  it('leaks nothing', () => {
    expectOnlyReturnedTensors(() => gridShortestPath([[1, 2, 3]]));
    const costs = tf.ones([2, 3, 3]);
    expectOnlyReturnedTensors(() => shortestPathSolver(costs));
    costs.dispose();
    const before = tf.memory().numTensors;
    expect(() => gridShortestPath([[1, -1]])).toThrow(ArgumentError);
    expect(tf.memory().numTensors).toBe(before); // the converted input is freed on error too
  });
});

describe('argmax, top-k and ranking solvers maximize ⟨y, θ⟩ over their vertex sets', () => {
  it('argmaxSolver: the one-hot of the largest entry, ties to the first', () => {
    expect(takeValues(argmaxSolver(tf.tensor2d([[0, 3, 1, 3]])))).toEqual([0, 1, 0, 0]);
  });

  it('topKSolver: the best k-subset among all C(6, k), on 10 random vectors', () => {
    for (let trial = 0; trial < 10; trial++) {
      const theta = numbers(6, 50 + trial).map((u) => 4 * u - 2);
      for (const k of [1, 2, 3, 6]) {
        const best = Math.max(...subsetsOf(6, k).map((s) => s.reduce((t, i) => t + theta[i], 0)));
        const y = takeValues(topKSolver(k)(tf.tensor1d(theta)));
        expect(y.reduce((a, b) => a + b, 0)).toBe(k);
        expect(y.every((v) => v === 0 || v === 1)).toBe(true);
        expect(dot(y, theta)).toBeCloseTo(best, 5);
      }
    }
  });

  it('rankingSolver: the best permutation of (0…n−1) among all 5! = 120, on 10 random vectors', () => {
    for (let trial = 0; trial < 10; trial++) {
      const theta = numbers(5, 90 + trial).map((u) => 4 * u - 2);
      const best = Math.max(...permutationsOf([0, 1, 2, 3, 4]).map((p) => dot(p, theta)));
      const y = takeValues(rankingSolver(tf.tensor2d([theta])));
      expect([...y].sort()).toEqual([0, 1, 2, 3, 4]);
      expect(dot(y, theta)).toBeCloseTo(best, 5);
    }
    expect(takeValues(rankingSolver(tf.tensor1d([2, 2, 1])))).toEqual([1, 2, 0]); // ties by index
  });

  it('bad k is an ArgumentError naming k', () => {
    expect(() => topKSolver(0)).toThrow(/k must be an integer >= 1, got 0/);
    expect(() => topKSolver(1.5)).toThrow(ArgumentError);
    expect(() => topKSolver(4)(tf.zeros([2, 3]))).toThrow(/k must be at most 3/);
  });

  it('leaks nothing', () => {
    const theta = tf.tensor2d([
      [1, 2, 3],
      [3, 1, 2],
    ]);
    expectOnlyReturnedTensors(() => argmaxSolver(theta));
    expectOnlyReturnedTensors(() => topKSolver(2)(theta));
    expectOnlyReturnedTensors(() => rankingSolver(theta));
    theta.dispose();
  });
});
