import type { Tensor } from '../../tf.js';
import { tf } from '../../tf.js';
import { barrier } from './barrier.js';
import type { Range } from './partition.js';

/**
 * The two collective operations of tensor-parallel training, through shared memory: every worker of
 * the pool calls the same ones in the same order with tensors of the same shapes. Each call writes
 * this worker's part into its slot, waits at the barrier, and reads every slot in worker order, so
 * all workers get the same bits. Calls alternate between two sets of slots: a worker writes a set
 * again only after the next call's barrier, which nobody passes before reading this call's slots.
 * The results are new tensors (concat, addN), never views of the shared slots, which the cpu
 * backend would otherwise keep by reference.
 */
export class Collectives {
  private calls = 0;

  /**
   * @param buffer - 2 sets × `workers` slots of `slotLength` floats.
   */
  constructor(
    private readonly index: number,
    private readonly workers: number,
    private buffer: SharedArrayBuffer,
    private slotLength: number,
    private readonly control: Int32Array,
  ) {}

  /** Floats one slot holds. */
  get capacity(): number {
    return this.slotLength;
  }

  /** Takes a larger buffer (between steps, on every worker at once). */
  replaceBuffer(buffer: SharedArrayBuffer, slotLength: number): void {
    this.buffer = buffer;
    this.slotLength = slotLength;
  }

  /**
   * Every worker's [rows, columns[w].count] part side by side, in worker order: [rows, Σ columns].
   * `part` is this worker's.
   */
  allGatherColumns(part: Tensor, columns: Range[]): Tensor {
    if (this.workers === 1) return part.clone();
    const set = this.publish(part);
    const rows = part.shape[0];
    return tf.tidy(() =>
      tf.concat(
        columns.map(({ count }, worker) => tf.tensor2d(this.slot(set, worker, rows * count), [rows, count])),
        1,
      ),
    );
  }

  /** The sum of every worker's `partial` (all of one shape), added in worker order. */
  allReduceSum(partial: Tensor): Tensor {
    if (this.workers === 1) return partial.clone();
    const set = this.publish(partial);
    return tf.tidy(() => {
      const parts = Array.from({ length: this.workers }, (_, worker) =>
        tf.tensor(this.slot(set, worker, partial.size), partial.shape),
      );
      return tf.addN(parts);
    });
  }

  /** Writes this worker's values into its slot of the next set and waits for the others'. */
  private publish(values: Tensor): number {
    if (values.size > this.slotLength) {
      throw new Error(`a collective of ${values.size} values exceeds the slots of ${this.slotLength}`);
    }
    const set = this.calls % 2;
    this.calls += 1;
    this.slot(set, this.index, values.size).set(values.dataSync() as Float32Array);
    barrier(this.control, this.workers);
    return set;
  }

  private slot(set: number, worker: number, length: number): Float32Array {
    const offset = (set * this.workers + worker) * this.slotLength;
    return new Float32Array(this.buffer, offset * 4, length);
  }
}
