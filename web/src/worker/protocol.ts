/**
 * The messages between the page and its Web Worker (pageWorker.ts). The page starts one worker per
 * job; the worker starts TF.js, answers `ready` with the backend it got, then runs the job and
 * posts its progress. Plain data only (numbers, strings, typed arrays), so messages clone cheaply.
 */
import type { LabCell, LabResult, VaeShape } from 'gumbel-softmax';

/** What the worker needs to start TF.js the way the page did. */
export interface WorkerSetup {
  /** The page's backend (`tf.getBackend()` on the main thread). */
  pageBackend: string;
  /** Absolute URLs of the three TF.js WebAssembly files. */
  wasmFiles: Record<string, string>;
}

/** Train a fresh VAE on digits. */
export interface TrainJob {
  kind: 'train';
  /** The model's shape (the shipped model's). */
  shape: VaeShape;
  steps: number;
  /** Binarized training images, 784 per digit. */
  images: Float32Array;
  count: number;
  /** Steps between weight messages (the page's decoder grid uses the latest ones). */
  weightsEvery: number;
}

/** Measure estimators against the exact gradient (`runLab`). */
export interface LabJob {
  kind: 'lab';
  problems: ('quadratic' | 'bernoulli')[];
  estimates: number;
  temperatures: number[];
  seed: number;
}

/** The one-sample −ELBO and the importance-weighted bound of one digit as m grows. */
export interface EvaluationJob {
  kind: 'evaluate';
  /** Absolute URL of the saved model (model.json). */
  modelUrl: string;
  /** The digit, 784 binary pixels. */
  image: Float32Array;
  /** The m values, increasing. */
  sampleCounts: number[];
  /** Importance samples per point: each m averages ⌈budget / m⌉ independent bounds (at least `minGroups`). */
  budget: number;
  minGroups: number;
  seed: number;
}

/** A job and the backend setup, the worker's one incoming message (besides `stop`). */
export type WorkerRequest = { setup: WorkerSetup; job: TrainJob | LabJob | EvaluationJob } | { stop: true };

/** One point of the IW curve: the bound averaged over `groups` independent draws of m samples. */
export interface BoundPoint {
  samples: number;
  groups: number;
  /** Mean of −log((1/m) Σ w_i) over the groups, nats. */
  bound: number;
}

/** Everything the worker says. */
export type WorkerReply =
  | { kind: 'ready'; backend: string; note: string }
  | { kind: 'loss'; step: number; loss: number; temperature: number; stepsPerSecond: number }
  | { kind: 'weights'; step: number; weights: Float32Array[] }
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'lab-result'; result: LabResult }
  | { kind: 'lab-cell'; cell: LabCell }
  | { kind: 'elbo'; negativeElbo: number; groups: number }
  | { kind: 'bound'; point: BoundPoint }
  | { kind: 'done'; note: string }
  | { kind: 'failed'; message: string };
