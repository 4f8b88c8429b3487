import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, type TensorInput, toFloatTensor } from '../validate.js';
import type { Solver } from './solvers.js';

/** The 8 king moves of the grid: (row step, column step). */
const MOVES: ReadonlyArray<readonly [number, number]> = [
  [-1, -1],
  [-1, 0],
  [-1, 1],
  [0, -1],
  [0, 1],
  [1, -1],
  [1, 0],
  [1, 1],
];

/** A binary min-heap of vertices keyed by tentative distance (ties: the lower vertex first). */
class VertexHeap {
  private readonly vertices: number[] = [];
  constructor(private readonly distance: Float64Array) {}

  get size(): number {
    return this.vertices.length;
  }

  private before(a: number, b: number): boolean {
    const da = this.distance[a];
    const db = this.distance[b];
    return da < db || (da === db && a < b);
  }

  push(vertex: number): void {
    const heap = this.vertices;
    heap.push(vertex);
    let child = heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.before(heap[child], heap[parent])) break;
      [heap[child], heap[parent]] = [heap[parent], heap[child]];
      child = parent;
    }
  }

  pop(): number {
    const heap = this.vertices;
    const top = heap[0];
    const last = heap.pop() as number;
    if (heap.length > 0) {
      heap[0] = last;
      let parent = 0;
      for (;;) {
        const left = 2 * parent + 1;
        const right = left + 1;
        let smallest = parent;
        if (left < heap.length && this.before(heap[left], heap[smallest])) smallest = left;
        if (right < heap.length && this.before(heap[right], heap[smallest])) smallest = right;
        if (smallest === parent) break;
        [heap[smallest], heap[parent]] = [heap[parent], heap[smallest]];
        parent = smallest;
      }
    }
    return top;
  }
}

/**
 * Dijkstra on one height × width grid of vertex costs (read from `costs` at `offset`), 8-neighbour
 * moves, from the top-left to the bottom-right vertex; a path costs the sum of its vertices' costs,
 * both ends included. Writes the path's 0/1 indicator into `out` at `offset`.
 */
function solveGrid(
  costs: ArrayLike<number>,
  offset: number,
  height: number,
  width: number,
  out: Float32Array,
) {
  const count = height * width;
  const distance = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const previous = new Int32Array(count).fill(-1);
  const done = new Uint8Array(count);
  const heap = new VertexHeap(distance);
  distance[0] = costs[offset];
  heap.push(0);
  const goal = count - 1;
  while (heap.size > 0) {
    const vertex = heap.pop();
    if (done[vertex]) continue;
    done[vertex] = 1;
    if (vertex === goal) break;
    const row = Math.floor(vertex / width);
    const column = vertex - row * width;
    for (const [dr, dc] of MOVES) {
      const r = row + dr;
      const c = column + dc;
      if (r < 0 || r >= height || c < 0 || c >= width) continue;
      const next = r * width + c;
      const candidate = distance[vertex] + costs[offset + next];
      if (!done[next] && candidate < distance[next]) {
        distance[next] = candidate;
        previous[next] = vertex;
        heap.push(next);
      }
    }
  }
  for (let vertex = goal; vertex !== -1; vertex = previous[vertex]) out[offset + vertex] = 1;
}

/** Solves every grid of a [...batch, height, width] array of costs ≥ 0. */
function solveGrids(costs: ArrayLike<number>, shape: number[]): Tensor {
  const height = shape[shape.length - 2];
  const width = shape[shape.length - 1];
  const out = new Float32Array(costs.length);
  for (let offset = 0; offset < costs.length; offset += height * width) {
    solveGrid(costs, offset, height, width, out);
  }
  return tf.tensor(out, shape, 'float32');
}

/**
 * The cheapest path on a grid of vertex costs, by Dijkstra: from the top-left to the bottom-right
 * vertex with 8-neighbour (king) moves, a path costing the sum of the costs of its vertices, both
 * ends included — the Warcraft shortest-path task of Vlastelica et al. (2020) and Berthet et al.
 * (2020, §5.3). Ties go to the path Dijkstra settles first (deterministic). Runs in JS.
 *
 * @param costs - [...batch, height, width], finite and ≥ 0.
 * @returns float32 0/1 of the costs' shape: 1 on the vertices of each grid's path.
 * @throws {@link ArgumentError} for rank < 2, an empty grid, or a cost that is negative, NaN or infinite.
 */
export function gridShortestPath(costs: TensorInput): Tensor {
  const tensor = toFloatTensor(costs, 'costs');
  try {
    if (tensor.rank < 2 || tensor.size === 0) {
      throw new ArgumentError(
        'costs',
        `must have shape [...batch, height, width] with height, width >= 1, got [${tensor.shape}]`,
      );
    }
    const values = tensor.dataSync();
    for (let i = 0; i < values.length; i++) {
      if (!(values[i] >= 0) || values[i] === Number.POSITIVE_INFINITY) {
        throw new ArgumentError(
          'costs',
          `must be finite and >= 0 everywhere, got ${values[i]} at flat index ${i}`,
        );
      }
    }
    return solveGrids(values, tensor.shape);
  } finally {
    if (tensor !== costs) tensor.dispose();
  }
}

/**
 * {@link gridShortestPath} as a {@link Solver} (event rank 2) for {@link perturbed}: it minimizes
 * ⟨y, θ⟩ over the grid's paths. Costs below 0 — which additive noise can produce — are raised to 0
 * first, so it is defined for any real θ (and the perturbation gradient stays exact for it); keep σ
 * small beside the costs so that this rarely happens. NaN or infinite costs throw.
 */
export const shortestPathSolver: Solver = Object.assign(
  (theta: Tensor): Tensor => {
    if (theta.rank < 2) {
      throw new ArgumentError('theta', `must have shape [...batch, height, width], got [${theta.shape}]`);
    }
    const values = Float64Array.from(theta.dataSync());
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        throw new ArgumentError('theta', `must be finite everywhere, got ${values[i]} at flat index ${i}`);
      }
      if (values[i] < 0) values[i] = 0;
    }
    return solveGrids(values, theta.shape);
  },
  { eventRank: 2 },
);
