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
  /** The control words: the barrier's and the step channel's. */
  control: SharedArrayBuffer;
  /** The step channel's numbers and losses (StepBlock in stepChannel.ts). */
  stepBlock: SharedArrayBuffer;
  /** The gradient exchange's slots: 2 sets × workers × (parameters + 1) floats. */
  slots: SharedArrayBuffer;
  /** Every parameter once (floats in slot order), each written by the worker that updates it. */
  sharedParameters: SharedArrayBuffer;
}

/** The whole model's parameters and Adam state as plain arrays in parameter order. */
export interface TrainingState {
  /** The model's parameters, in `CategoricalVae.parameters()` order. */
  parameters: Float32Array[];
  /** Adam's moments in `Adam.moments()` order: the first moments, then the second moments. */
  moments: Float32Array[];
  /** Adam's update count. */
  adamStep: number;
}

/** One worker's share of a step: its rows of the batch and where they sit in it. */
export interface RowShare {
  /** This worker's rows, [rows × inputSize] row-major. */
  images: Float32Array;
  rows: number;
  /** Index of its first row in the whole batch. */
  firstRow: number;
  /** Rows of the whole batch. */
  batchRows: number;
}

/** Messages from the pool to a worker. */
export type ToWorker =
  | {
      /**
       * Run steps from the step channel until told to leave: the batch's images in `images`
       * (shared, up to its capacity of rows), commands after sequence number `after`.
       */
      kind: 'stepLoop';
      images: SharedArrayBuffer;
      after: number;
    }
  | { kind: 'readState' }
  | { kind: 'writeState'; state: TrainingState };

/** Messages from a worker to the pool: one reply per request, 'ready' once at the start. */
export type FromWorker =
  | { kind: 'ready' }
  /** The step loop was left. */
  | { kind: 'left' }
  /** Every parameter; the moments of the parameters this worker updates, empty arrays for the rest. */
  | { kind: 'state'; state: TrainingState }
  | { kind: 'written' }
  | { kind: 'error'; message: string; stack?: string; peer: boolean };
