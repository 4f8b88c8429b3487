import type { VaeShape } from '../model.js';
import type { KlKind } from '../objective.js';

/** What every worker is built from; sent once as its `workerData`. */
export interface WorkerSetup {
  /** This worker's index, 0 … workers − 1. */
  index: number;
  workers: number;
  shape: VaeShape;
  /** The run's seed: initial weights from fold 0, each step's noise from fold 1, then the step. */
  seed: number;
  learningRate: number;
  /** Straight-through Gumbel instead of the soft sample. */
  hard: boolean;
  kl: KlKind;
  priorTemperature: number;
  /** The TF.js backend to start (the main thread's; '' for the default choice). */
  backend: string;
  /** Whether the fused cpu/wasm kernels run, as in the main thread (`useFusedKernels`). */
  fusedKernels: boolean;
  /** The barrier's control words. */
  control: SharedArrayBuffer;
  /** The collectives' slots: 2 sets × workers × `slotLength` floats. */
  slots: SharedArrayBuffer;
  slotLength: number;
}

/**
 * Parameters and Adam state as plain arrays in parameter order: the whole model's (what the pool
 * reads and writes), or one worker's columns of each (what the messages carry).
 */
export interface TrainingState {
  /** The model's parameters, in `CategoricalVae.parameters()` order. */
  parameters: Float32Array[];
  /** Adam's moments in `Adam.moments()` order: the first moments, then the second moments. */
  moments: Float32Array[];
  /** Adam's update count. */
  adamStep: number;
}

/** Messages from the pool to a worker. */
export type ToWorker =
  | {
      kind: 'step';
      /** The whole batch, [rows × inputSize]. */
      images: Float32Array;
      rows: number;
      step: number;
      temperature: number;
      /** Larger slots for the collectives, when the batch outgrew the old ones. */
      slots?: { buffer: SharedArrayBuffer; slotLength: number };
    }
  | { kind: 'readState' }
  /** This worker's columns of every parameter and moment, in {@link TrainingState} order. */
  | { kind: 'writeState'; state: TrainingState };

/** Messages from a worker to the pool: one reply per request, 'ready' once at the start. */
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'stepped'; loss: number }
  /** This worker's columns of every parameter and moment. */
  | { kind: 'state'; state: TrainingState }
  | { kind: 'written' }
  | { kind: 'error'; message: string; stack?: string; peer: boolean };
