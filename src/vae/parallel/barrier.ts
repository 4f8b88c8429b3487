/**
 * The shared control words of a worker pool and the step barrier built on them (Atomics on an
 * Int32Array over a SharedArrayBuffer). Workers block in `Atomics.wait`; the main thread only
 * signals failure, so it never blocks.
 */

/** Index of the count of workers that reached the current barrier. */
const ARRIVED = 0;
/** Index of the barrier generation, bumped each time every worker has arrived (or on failure). */
const GENERATION = 1;
/** Index of the failure flag: once set, every barrier throws {@link PeerFailure}. */
const FAILED = 2;

/** Int32 words of the control block. */
export const CONTROL_WORDS = 3;

/** Thrown in a worker whose barrier was released because another worker or the pool failed. */
export class PeerFailure extends Error {
  constructor() {
    super('another worker of the pool failed');
    this.name = 'PeerFailure';
  }
}

/**
 * Blocks until all `parties` workers have called it for this generation. Throws
 * {@link PeerFailure} when the pool has failed, before or while waiting, so no worker waits
 * forever for one that will not come.
 */
export function barrier(control: Int32Array, parties: number): void {
  // The generation is read before the failure flag, and a failure sets the flag before it bumps the
  // generation: a failure that comes after the flag was read makes the wait below return at once.
  const generation = Atomics.load(control, GENERATION);
  if (Atomics.load(control, FAILED) !== 0) throw new PeerFailure();
  if (Atomics.add(control, ARRIVED, 1) === parties - 1) {
    Atomics.store(control, ARRIVED, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
  } else {
    while (Atomics.load(control, GENERATION) === generation) Atomics.wait(control, GENERATION, generation);
  }
  if (Atomics.load(control, FAILED) !== 0) throw new PeerFailure();
}

/** Marks the pool failed and wakes every worker waiting in {@link barrier}. */
export function signalFailure(control: Int32Array): void {
  Atomics.store(control, FAILED, 1);
  Atomics.add(control, GENERATION, 1);
  Atomics.notify(control, GENERATION);
}

/** Whether {@link signalFailure} was called. */
export function hasFailed(control: Int32Array): boolean {
  return Atomics.load(control, FAILED) !== 0;
}
