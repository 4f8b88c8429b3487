/**
 * The main thread's side of the page's Web Worker: starts a worker for one job, hands every reply
 * to the caller, and settles `finished` with the job's closing note (or its error).
 */
import { tf } from 'gumbel-softmax';
import { WASM_FILES } from '../backend.js';
import type { EvaluationJob, LabJob, TrainJob, WorkerReply, WorkerRequest } from './protocol.js';

/** A job under way in its own worker. */
export interface RunningJob {
  /** Asks the job to stop after its current step (training); the others end with `terminate`. */
  stop: () => void;
  /** Ends the worker at once; `finished` rejects with "stopped". */
  terminate: () => void;
  /** The job's closing note. */
  finished: Promise<string>;
}

/** Starts `job` in a new worker on the page's backend (where a worker can have it). */
export function startJob(
  job: TrainJob | LabJob | EvaluationJob,
  onReply: (reply: WorkerReply) => void,
  transfer: Transferable[] = [],
): RunningJob {
  const worker = new Worker(new URL('./pageWorker.ts', import.meta.url), { type: 'module' });
  const absolute = (url: string) => new URL(url, document.baseURI).href;
  const wasmFiles = Object.fromEntries(
    Object.entries(WASM_FILES).map(([name, url]) => [name, absolute(url)]),
  );
  let settle: { resolve: (note: string) => void; reject: (error: Error) => void } | undefined;
  const finished = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const end = (outcome: () => void) => {
    worker.terminate();
    outcome();
  };
  worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
    const reply = event.data;
    if (reply.kind === 'done') end(() => settle?.resolve(reply.note));
    else if (reply.kind === 'failed') end(() => settle?.reject(new Error(reply.message)));
    else onReply(reply);
  });
  worker.addEventListener('error', (event) => {
    end(() => settle?.reject(new Error(event.message || 'the worker failed to start')));
  });
  const request: WorkerRequest = { setup: { pageBackend: tf.getBackend(), wasmFiles }, job };
  worker.postMessage(request, transfer);
  return {
    stop: () => worker.postMessage({ stop: true } satisfies WorkerRequest),
    terminate: () => end(() => settle?.reject(new Error('stopped'))),
    finished,
  };
}
