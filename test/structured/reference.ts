/** Formulas written out independently of the library, in float64, shared by the structured tests. */

/**
 * Sinkhorn–Knopp written here in float64 and in probability space (not log space): start from
 * exp(x − max of the matrix), then divide by row sums, then by column sums, `iterations` times.
 */
export function referenceSinkhorn(logScores: number[], n: number, iterations: number): number[] {
  const out: number[] = [];
  for (let start = 0; start < logScores.length; start += n * n) {
    const block = logScores.slice(start, start + n * n);
    const top = Math.max(...block);
    const matrix = block.map((v) => Math.exp(v - top));
    for (let iteration = 0; iteration < iterations; iteration++) {
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < n; j++) sum += matrix[i * n + j];
        for (let j = 0; j < n; j++) matrix[i * n + j] /= sum;
      }
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += matrix[i * n + j];
        for (let i = 0; i < n; i++) matrix[i * n + j] /= sum;
      }
    }
    out.push(...matrix);
  }
  return out;
}

/** Every permutation of 0 … n−1, by plain recursion. */
export function allPermutations(n: number): number[][] {
  if (n === 0) return [[]];
  return allPermutations(n - 1).flatMap((rest) =>
    [...Array(n).keys()].map((position) => [...rest.slice(0, position), n - 1, ...rest.slice(position)]),
  );
}

/** The best permutation of one n×n matrix and its total, by brute force (total −Infinity when none is finite). */
export function bruteForceMatching(
  scores: ArrayLike<number>,
  n: number,
): { best: number; permutation: number[] } {
  let best = Number.NEGATIVE_INFINITY;
  let permutation: number[] = [];
  for (const candidate of allPermutations(n)) {
    let total = 0;
    for (let i = 0; i < n; i++) total += scores[i * n + candidate[i]];
    if (total > best) {
      best = total;
      permutation = candidate;
    }
  }
  return { best, permutation };
}
