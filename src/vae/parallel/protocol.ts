import type { VaeShape } from '../model.js';
import type { KlKind } from '../objective.js';

/** What every replica is built from; sent once as the worker's `workerData`. */
export interface ReplicaSetup {
  /** This worker's index, 0 … workers − 1. */
  index: number;
  workers: number;
  shape: VaeShape;
  /** The run's seed: initial weights from fold 0, each step's noise from fold 1, then the step. */
  seed: number;
  learningRate: number;
  hard: boolean;
  kl: KlKind;
  priorTemperature: number;
  /** The TF.js backend to start (the main thread's; '' for the default choice). */
  backend: string;
  /** Whether the fused cpu/wasm kernels run, as in the main thread (`useFusedKernels`). */
  fusedKernels: boolean;
  /** `workers` gradient slots, one flat float32 gradient each. */
  gradients: SharedArrayBuffer;
  /** All parameters, flat float32: each worker writes the tensors it updates, then all read. */
  parameters: SharedArrayBuffer;
  /** The barrier's control words. */
  control: SharedArrayBuffer;
}

/** A replica's parameters and Adam state, as plain arrays in parameter order. */
export interface ReplicaState {
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
      /** This worker's rows of the batch, [rows × inputSize]. */
      images: Float32Array;
      /** Index of its first row in the batch, and the batch's rows. */
      start: number;
      total: number;
      step: number;
      temperature: number;
    }
  | { kind: 'readParameters' }
  | { kind: 'readMoments' }
  | {
      kind: 'writeState';
      /** All parameters. */
      parameters: Float32Array[];
      /** The moments of the tensors this worker updates (its shard), first then second. */
      moments: Float32Array[];
      adamStep: number;
    };

/** Messages from a worker to the pool: one reply per request, 'ready' once at the start. */
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'stepped'; loss: number }
  | { kind: 'parameters'; parameters: Float32Array[] }
  /** The moments of the tensors this worker updates (`shard`), first then second, and Adam's step. */
  | { kind: 'moments'; shard: number[]; moments: Float32Array[]; adamStep: number }
  | { kind: 'written' }
  | { kind: 'error'; message: string; stack?: string; peer: boolean };
