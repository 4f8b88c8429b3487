import { type ParallelTrainingOptions, ParallelTrainingPool } from './pool.js';

/** Training steps on worker threads, one call per step; see {@link createParallelStepper}. */
export interface ParallelStepper {
  /** Worker threads. */
  readonly workers: number;
  /**
   * Trains on `batchSize` binary images ([batchSize × 784] row-major): Gumbel noise of step
   * `stepIndex`, temperature τ. Resolves to the batch's −ELBO (mean over the images).
   */
  step(images: Float32Array, batchSize: number, stepIndex: number, temperature: number): Promise<number>;
  /** Terminates the threads; without it they keep the process alive. */
  dispose(): Promise<void>;
}

/**
 * Starts `workers` threads that train the categorical VAE together (initial weights from `seed`,
 * as `VaeTrainer` makes them; Adam), for benchmarks and custom training loops (Node only). Each
 * worker holds a copy of the model and takes a share of every batch's images; their gradients are
 * summed each step (see {@link ParallelTrainingPool}), so it trains like one thread up to float
 * rounding.
 *
 * @throws `ArgumentError` (from the main entry point) for a bad option, e.g. `workers` outside [1, 16].
 * @example
 * ```ts
 * const stepper = await createParallelStepper({ workers: 2, seed: 1, learningRate: 1e-3 });
 * const loss = await stepper.step(images, 100, 0, 1.0);
 * await stepper.dispose();
 * ```
 */
export function createParallelStepper(options: ParallelTrainingOptions): Promise<ParallelStepper> {
  return ParallelTrainingPool.start(options);
}
