import {
  gumbelSoftmax,
  gumbelSoftmaxSample,
  RandomGenerator,
  RelaxedOneHotCategorical,
  tf,
} from 'gumbel-softmax';
import type { SimplexGrid } from '../charts/simplex.js';

/** How many relaxed samples the explorer shows, and how many its mean is taken over. */
export const SHOWN_SAMPLES = 6;
export const MEAN_SAMPLES = 2000;

/** Everything the temperature explorer draws, as plain numbers. */
export interface ExplorerNumbers {
  /** Relaxed samples softmax((log π + g)/τ), one row per sample. */
  soft: number[][];
  /** Their one-hot argmax (the same noise), one row per sample. */
  hard: number[][];
  /** Mean of {@link MEAN_SAMPLES} relaxed samples. */
  mean: number[];
  /** The average over the shown samples of their largest component. */
  averageLargest: number;
  /** log density of the Concrete distribution at the grid's points (3 classes only). */
  logDensity?: Float32Array;
}

function rows(values: Float32Array | Int32Array | Uint8Array, width: number): number[][] {
  return Array.from({ length: values.length / width }, (_, i) =>
    Array.from(values.subarray(i * width, (i + 1) * width)),
  );
}

/**
 * Draws the explorer's samples with the library: `gumbelSoftmaxSample` for the shown samples (soft and
 * hard from one noise draw), `gumbelSoftmax` for the mean, and `RelaxedOneHotCategorical.logProb` for
 * the density on the simplex. The seed fixes every number, whatever the backend. The editor has
 * checked the logits, so the library's own checks (which read tensors back) are skipped.
 */
export async function explorerNumbers(
  logits: number[],
  temperature: number,
  seed: number,
  grid?: SimplexGrid,
): Promise<ExplorerNumbers> {
  const classes = logits.length;
  const [shownStream, meanStream] = new RandomGenerator(seed).split(2);
  const tensors: tf.Tensor[] = tf.tidy(() => {
    const row = tf.tensor2d([logits]);
    const shown = gumbelSoftmaxSample(tf.tile(row, [SHOWN_SAMPLES, 1]), {
      temperature,
      seed: shownStream,
      validateArgs: false,
    });
    const many = gumbelSoftmax(tf.tile(row, [MEAN_SAMPLES, 1]), {
      temperature,
      seed: meanStream,
      validateArgs: false,
    });
    const result = [shown.soft, shown.hard, tf.mean(many, 0)];
    if (grid !== undefined && classes === 3) {
      const concrete = new RelaxedOneHotCategorical({ temperature, logits: row, validateArgs: false });
      result.push(concrete.logProb(tf.tensor2d(grid.points, [grid.points.length / 3, 3])));
    }
    return result;
  });
  try {
    const [soft, hard, mean, logDensity] = await Promise.all(tensors.map((tensor) => tensor.data()));
    const softRows = rows(soft as Float32Array, classes);
    return {
      soft: softRows,
      hard: rows(hard as Float32Array, classes),
      mean: Array.from(mean as Float32Array),
      averageLargest: softRows.reduce((sum, sample) => sum + Math.max(...sample), 0) / softRows.length,
      logDensity: logDensity as Float32Array | undefined,
    };
  } finally {
    tf.dispose(tensors);
  }
}
