import { ArgumentError } from '../validate.js';

/** Options of {@link MovingAverageBaseline}. */
export interface MovingAverageBaselineOptions {
  /** β in [0, 1) (default 0.9): the weight of the old average in b ← β·b + (1 − β)·mean loss. */
  decay?: number;
  /** The average to start from (e.g. restored from a checkpoint); without it the first call sets it. */
  value?: number;
}

/**
 * A REINFORCE baseline b: the exponential moving average of the mean loss of earlier calls. Each
 * estimate uses the average of the calls before it, so the estimate stays unbiased; the first call
 * has no baseline and sets the average. It is state kept between calls: create one per training run
 * (and save {@link MovingAverageBaseline.value} with the run's checkpoint to resume exactly).
 *
 * @example
 * ```ts
 * const baseline = new estimators.MovingAverageBaseline({ decay: 0.9 });
 * const { loss } = estimators.scoreFunction(logits, decoderLoss, { baseline });
 * ```
 */
export class MovingAverageBaseline {
  /** β, the weight of the old average. */
  readonly decay: number;
  private average: number | undefined;

  constructor(options: MovingAverageBaselineOptions = {}) {
    const decay = options.decay ?? 0.9;
    if (typeof decay !== 'number' || !(decay >= 0 && decay < 1)) {
      throw new ArgumentError('decay', `must be a number in [0, 1), got ${decay}`);
    }
    if (options.value !== undefined && !Number.isFinite(options.value)) {
      throw new ArgumentError('value', `must be a finite number, got ${options.value}`);
    }
    this.decay = decay;
    this.average = options.value;
  }

  /** The current average, or undefined before the first update. */
  get value(): number | undefined {
    return this.average;
  }

  /** Folds in the mean loss of one call. Non-finite losses are skipped (they would poison the average). */
  update(meanLoss: number): void {
    if (!Number.isFinite(meanLoss)) return;
    this.average =
      this.average === undefined ? meanLoss : this.decay * this.average + (1 - this.decay) * meanLoss;
  }
}
