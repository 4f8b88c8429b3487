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
/** Index of the sequence number of the pool's latest command (stepChannel.ts). */
export const COMMAND = 3;
/** Index of the count of workers that finished the latest command. */
export const FINISHED = 4;
/** Index of the sequence number of the latest command every worker finished. */
export const DONE = 5;

/** Int32 words of the control block. */
export const CONTROL_WORDS = 6;

/**
 * Loads of a control word a worker spins through before it blocks, while spinning is on: a wait is
 * usually short (the other worker runs on its own core), and waking a blocked thread costs more,
 * above all on a virtual machine (an idle virtual CPU must be woken), than ~0.15 ms of spinning.
 */
const SPINS_BEFORE_BLOCKING = 20_000;

let spins = SPINS_BEFORE_BLOCKING;

/**
 * Turns this thread's spinning before blocking on or off. Off where the machine is busier than its
 * cores: a spinning worker then takes a core from a thread that has work (on the shared 2-core
 * machine at load 6–7 a tiny model's step took 7.2–8.1 ms median spinning, 6.1–6.2 without).
 */
export function useSpinning(on: boolean): void {
  spins = on ? SPINS_BEFORE_BLOCKING : 0;
}

/** Thrown in a worker whose barrier was released because another worker or the pool failed. */
export class PeerFailure extends Error {
  constructor() {
    super('another worker of the pool failed');
    this.name = 'PeerFailure';
  }
}

/**
 * Waits, spinning a little and then blocked, until `control[index]` is no longer `value`, and
 * returns its new value. Throws {@link PeerFailure} when the pool has failed (a failure bumps or
 * notifies every word a worker waits on).
 */
export function waitWhileEqual(control: Int32Array, index: number, value: number): number {
  let current = Atomics.load(control, index);
  for (let spin = 0; spin < spins && current === value; spin++) {
    current = Atomics.load(control, index);
  }
  while (current === value && !hasFailed(control)) {
    Atomics.wait(control, index, value);
    current = Atomics.load(control, index);
  }
  if (hasFailed(control)) throw new PeerFailure();
  return current;
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
  if (hasFailed(control)) throw new PeerFailure();
  if (Atomics.add(control, ARRIVED, 1) === parties - 1) {
    Atomics.store(control, ARRIVED, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
  } else {
    waitWhileEqual(control, GENERATION, generation);
  }
  if (hasFailed(control)) throw new PeerFailure();
}

/**
 * Marks the pool failed and wakes every thread waiting on a control word: workers in
 * {@link barrier} or waiting for a command, the pool waiting for a command to finish.
 */
export function signalFailure(control: Int32Array): void {
  Atomics.store(control, FAILED, 1);
  for (const index of [GENERATION, COMMAND, DONE]) {
    Atomics.add(control, index, 1);
    Atomics.notify(control, index);
  }
}

/** Whether {@link signalFailure} was called. */
export function hasFailed(control: Int32Array): boolean {
  return Atomics.load(control, FAILED) !== 0;
}
