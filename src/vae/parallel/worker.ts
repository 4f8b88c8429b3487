/**
 * The entry point of a training worker thread (Node only): starts the backend, builds its
 * {@link ReplicaTrainer} from `workerData` and answers the pool's requests one by one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type BackendName, initBackend } from '../../backend.js';
import { useFusedKernels } from '../../kernels/register.js';
import { PeerFailure, signalFailure } from './barrier.js';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';
import { ReplicaTrainer } from './replicaTrainer.js';

const setup = workerData as WorkerSetup;
const control = new Int32Array(setup.control);
const port = parentPort;
if (port === null) throw new Error('vae/parallel/worker is the entry point of a worker thread');

function answer(trainer: ReplicaTrainer, message: ToWorker): FromWorker {
  switch (message.kind) {
    case 'step': {
      return { kind: 'stepped', loss: trainer.step(message.share, message.step, message.temperature) };
    }
    case 'readState':
      return { kind: 'state', state: trainer.readState() };
    case 'writeState':
      trainer.writeState(message.state);
      return { kind: 'written' };
  }
}

function failure(error: unknown): FromWorker {
  const peer = error instanceof PeerFailure;
  // Release the other workers from their barriers: this one will not arrive.
  if (!peer) signalFailure(control);
  const { message, stack } = error instanceof Error ? error : { message: String(error), stack: undefined };
  return { kind: 'error', message, stack, peer };
}

try {
  await initBackend(setup.backend === '' ? undefined : (setup.backend as BackendName));
  useFusedKernels(setup.fusedKernels);
  const trainer = new ReplicaTrainer(setup);
  port.on('message', (message: ToWorker) => {
    let reply: FromWorker;
    try {
      reply = answer(trainer, message);
    } catch (error) {
      reply = failure(error);
    }
    port.postMessage(reply);
  });
  port.postMessage({ kind: 'ready' } satisfies FromWorker);
} catch (error) {
  port.postMessage(failure(error));
}
