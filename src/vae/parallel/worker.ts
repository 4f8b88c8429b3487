/**
 * The entry point of a training worker thread (Node only): starts the backend, builds its
 * {@link ReplicaTrainer} from `workerData` and answers the pool's requests one by one; steps come
 * through the step channel (stepChannel.ts) while it runs the step loop.
 */
import { availableParallelism, loadavg } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { type BackendName, initBackend } from '../../backend.js';
import { useFusedKernels } from '../../kernels/register.js';
import { PeerFailure, signalFailure, useSpinning } from './barrier.js';
import { noisePerRow, splitRows } from './partition.js';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';
import { ReplicaTrainer } from './replicaTrainer.js';
import { CommandKind, finishCommand, nextCommand, StepBlock } from './stepChannel.js';

const setup = workerData as WorkerSetup;
const control = new Int32Array(setup.control);
const port = parentPort;
if (port === null) throw new Error('vae/parallel/worker is the entry point of a worker thread');

const stepBlock = new StepBlock(setup.stepBlock, setup.workers);

/**
 * Runs the steps the pool issues through the step channel, on this worker's rows of the batch in
 * `images`, until it is told to leave.
 */
function runStepLoop(trainer: ReplicaTrainer, images: Float32Array, after: number): void {
  const { inputSize } = setup.shape;
  let seen = after;
  for (;;) {
    seen = nextCommand(control, seen);
    // Spin at this step's waits only while the machine has about a core for each busy thread (the
    // load average counts the workers themselves: about `workers` on an otherwise idle machine).
    useSpinning(loadavg()[0] < availableParallelism() + 0.5);
    const { kind, step, temperature, batchRows } = stepBlock.read();
    if (kind === CommandKind.Leave) {
      finishCommand(control, seen, setup.workers);
      return;
    }
    const { start, count } = splitRows(batchRows, setup.workers, noisePerRow(setup.shape))[setup.index];
    const rows = images.subarray(start * inputSize, (start + count) * inputSize);
    const share = { images: rows, rows: count, firstRow: start, batchRows };
    stepBlock.setLoss(setup.index, trainer.step(share, step, temperature));
    finishCommand(control, seen, setup.workers);
  }
}

function answer(trainer: ReplicaTrainer, message: ToWorker): FromWorker {
  switch (message.kind) {
    case 'stepLoop':
      runStepLoop(trainer, new Float32Array(message.images), message.after);
      return { kind: 'left' };
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
