/**
 * Training in the worker: a fresh categorical VAE on the digits the page sends, batches of 100,
 * Adam, τ annealed from 1 to 0.5. Posts the loss after every step and the weights every
 * `weightsEvery` steps and at the end, so the page can decode with the model trained so far.
 */
import {
  Adam,
  CategoricalVae,
  negativeElbo,
  RandomGenerator,
  type TemperatureSchedule,
  temperatureAt,
  tf,
} from 'gumbel-softmax';
import type { TrainJob, WorkerReply } from './protocol.js';

export const BATCH_SIZE = 100;
/** τ from 1 down to 0.5 over the first few hundred steps (Jang et al. anneal over 100,000). */
export const SCHEDULE: TemperatureSchedule = {
  kind: 'exponential',
  initial: 1,
  minimum: 0.5,
  rate: 2e-3,
  interval: 50,
};

/** A random batch of `BATCH_SIZE` images, drawn with replacement. */
function batchOf(job: TrainJob, generator: RandomGenerator): tf.Tensor2D {
  const pixels = job.shape.inputSize;
  const words = generator.nextUint32(BATCH_SIZE);
  const batch = new Float32Array(BATCH_SIZE * pixels);
  words.forEach((word, i) => {
    const index = word % job.count;
    batch.set(job.images.subarray(index * pixels, (index + 1) * pixels), i * pixels);
  });
  return tf.tensor2d(batch, [BATCH_SIZE, pixels]);
}

/** Lets the worker's event loop run (a `stop` message gets through) without a timer's 4 ms clamp. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** Runs the job until its steps are done or `stopped()` says so. */
export async function runTraining(
  job: TrainJob,
  post: (reply: WorkerReply, transfer?: Transferable[]) => void,
  stopped: () => boolean,
): Promise<string> {
  const vae = new CategoricalVae(job.shape, 1);
  const adam = new Adam(vae.parameters(), { learningRate: 1e-3 });
  const generator = new RandomGenerator(7);
  const sendWeights = (step: number) => {
    const weights = vae.parameters().map((parameter) => parameter.dataSync() as Float32Array);
    post(
      { kind: 'weights', step, weights },
      weights.map((array) => array.buffer),
    );
  };
  const started = performance.now();
  let step = 0;
  try {
    for (; step < job.steps && !stopped(); step++) {
      const images = batchOf(job, generator);
      const temperature = temperatureAt(SCHEDULE, step);
      const { value, grads } = tf.variableGrads(() =>
        negativeElbo(vae, images, { temperature, hard: false, kl: 'analytic', seed: generator }),
      );
      adam.apply(vae.parameters().map((parameter) => grads[parameter.name]));
      const loss = (await value.data())[0];
      tf.dispose([images, value, ...Object.values(grads)]);
      const stepsPerSecond = (step + 1) / ((performance.now() - started) / 1000);
      post({ kind: 'loss', step: step + 1, loss, temperature, stepsPerSecond });
      if ((step + 1) % job.weightsEvery === 0) sendWeights(step + 1);
      await yieldToEvents();
    }
    if (step % job.weightsEvery !== 0) sendWeights(step);
  } finally {
    adam.dispose();
    vae.dispose();
  }
  return `Training ${step < job.steps ? 'stopped' : 'finished'} after ${step} steps.`;
}
