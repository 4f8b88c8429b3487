/** The backprop section's settings: the Gaussian N(μ, σ²) and the draws per estimate. */
export interface NormalSettings {
  mu: number;
  sigma: number;
  samples: number;
}

export const MU_RANGE = [-3, 3] as const;
export const SIGMA_RANGE = [0.1, 3] as const;
/** The slider's choices of draws per estimate. */
export const SAMPLE_CHOICES = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
export const DEFAULT_NORMAL: NormalSettings = { mu: 1, sigma: 1, samples: 10 };

/**
 * Estimates drawn per histogram (the spread of each estimator): 200, fewer where each takes many
 * draws, so that one redraw handles at most 40,000 draws and stays well under 100 ms.
 */
export function repeatsFor(samples: number): number {
  return Math.max(40, Math.min(200, Math.floor(40_000 / samples)));
}
