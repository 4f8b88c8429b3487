import { barrier } from './barrier.js';

/**
 * The gradient exchange of data-parallel training, through shared memory: every worker writes an
 * equal-length float array into its slot ({@link nextSlot}; the parts others need), waits at one
 * barrier and then reads every worker's slot ({@link allReduce}), adding the parts it needs in
 * worker order. Calls alternate between two sets of slots: a worker writes a set again only after the next
 * call's barrier, which nobody passes before it has read this call's slots.
 */
export class GradientExchange {
  private calls = 0;

  /**
   * @param buffer - 2 sets × `workers` slots of `slotLength` floats.
   */
  constructor(
    private readonly index: number,
    private readonly workers: number,
    private readonly buffer: SharedArrayBuffer,
    private readonly slotLength: number,
    private readonly control: Int32Array,
  ) {
    if (buffer.byteLength < 2 * workers * slotLength * 4) {
      throw new Error(`the exchange buffer holds fewer than 2 × ${workers} slots of ${slotLength} floats`);
    }
  }

  /** This worker's slot of the next call, to fill before {@link allReduce}. */
  nextSlot(): Float32Array {
    return this.slot(this.calls % 2, this.index);
  }

  /**
   * Waits until every worker has filled its slot and returns every worker's slot, in worker order,
   * for the caller to add in that order. They hold their values until the next call returns.
   */
  allReduce(): Float32Array[] {
    const set = this.calls % 2;
    this.calls += 1;
    if (this.workers > 1) barrier(this.control, this.workers);
    return Array.from({ length: this.workers }, (_, worker) => this.slot(set, worker));
  }

  private slot(set: number, worker: number): Float32Array {
    const offset = (set * this.workers + worker) * this.slotLength;
    return new Float32Array(this.buffer, offset * 4, this.slotLength);
  }
}
