/**
 * The page's Web Worker: starts TF.js (workerBackend.ts), runs one job (training, the lab or the
 * evaluation) and posts what it finds (protocol.ts). The main thread only draws.
 */
import { runEvaluation } from './evaluationJob.js';
import { runLabJob } from './labJob.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';
import { runTraining } from './trainingJob.js';
import { startWorkerBackend } from './workerBackend.js';

/** The worker's side of postMessage (the DOM library types `self` as a window). */
const scope = self as unknown as {
  postMessage: (message: WorkerReply, transfer?: Transferable[]) => void;
  addEventListener: (type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void) => void;
};
const post = (reply: WorkerReply, transfer: Transferable[] = []) => scope.postMessage(reply, transfer);
let stopRequested = false;

scope.addEventListener('message', (event) => {
  const request = event.data;
  if ('stop' in request) {
    stopRequested = true;
    return;
  }
  const run = async () => {
    const backend = await startWorkerBackend(request.setup);
    post({ kind: 'ready', backend: backend.name, note: backend.note });
    const { job } = request;
    if (job.kind === 'train') return runTraining(job, post, () => stopRequested);
    if (job.kind === 'lab') return runLabJob(job, post);
    return runEvaluation(job, post);
  };
  run().then(
    (note) => post({ kind: 'done', note }),
    (error: unknown) =>
      post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
});
