import { CategoricalVae, type VaeShape } from 'gumbel-softmax';
import { lineChart } from '../charts/lineChart.js';
import { element, formatNumber, numberField } from '../dom.js';
import { fieldMessage, readInteger } from '../fieldCheck.js';
import { reportError } from '../renderLoop.js';
import { BATCH_SIZE } from '../worker/trainingJob.js';
import { type RunningJob, startJob } from '../worker/workerClient.js';

/** The most steps the panel trains (a few minutes on a laptop). */
const MAX_STEPS = 5000;
/** Steps between the weights the worker sends back for the decoder grid. */
const WEIGHTS_EVERY = 25;

/** The training panel: a fresh VAE trained on the shipped digits, with a live loss curve. */
export interface BrowserTraining {
  element: HTMLElement;
  /** The model trained in the page (its latest weights), once the worker has sent some. */
  model: () => CategoricalVae | undefined;
}

/**
 * Builds the panel. Training runs in a Web Worker (worker/trainingJob.ts); this thread only draws
 * the loss curve, at most once per animation frame, and keeps a copy of the weights the worker
 * sends every few steps. `onProgress` runs when new weights arrive so the page can redraw.
 */
export function browserTraining(
  shape: VaeShape,
  digits: { images: Float32Array; count: number },
  onProgress: () => void,
): BrowserTraining {
  let model: CategoricalVae | undefined;
  let latestWeights: Float32Array[] | undefined;
  let job: RunningJob | undefined;
  const steps = numberField('Steps', {
    min: 1,
    max: MAX_STEPS,
    step: 1,
    value: 300,
    id: 'train-steps',
    'aria-describedby': 'train-steps-message',
  });
  const stepsMessage = fieldMessage('train-steps-message', () => [steps.input]);
  let totalSteps = 300;
  steps.input.addEventListener('input', () => {
    totalSteps = readInteger(steps.input, stepsMessage, 1, MAX_STEPS, 'steps') ?? totalSteps;
  });
  const start = element('button', { type: 'button', id: 'train-start' }, ['Train from scratch']);
  const stop = element('button', { type: 'button', id: 'train-stop', class: 'secondary', disabled: true }, [
    'Stop',
  ]);
  const progress = element('p', { class: 'status stat', id: 'train-progress' }, [
    `Trains a new ${shape.latentVariables}×${shape.categories} VAE on ${digits.count.toLocaleString('en')} digits, batches of ${BATCH_SIZE}, Adam, τ annealed from 1 to 0.5, in a Web Worker.`,
  ]);
  const where = element('p', { class: 'status', id: 'train-backend' });
  const done = element('p', { class: 'visually-hidden', role: 'status' });
  const chart = element('div', { id: 'loss-chart' });
  const losses: number[] = [];
  let chartPending = false;
  const drawChart = (total: number) => {
    if (chartPending) return;
    chartPending = true;
    requestAnimationFrame(() => {
      chartPending = false;
      chart.replaceChildren(
        lineChart({ values: losses, length: total, label: 'Training loss, −ELBO in nats per digit' }),
      );
    });
  };

  const run = async () => {
    const total = totalSteps; // the last good value of the field
    losses.length = 0;
    start.disabled = true;
    stop.disabled = false;
    done.textContent = 'Training started.';
    where.textContent = 'Starting the worker…';
    // A copy of the digits goes to the worker (the page keeps its own for the next run).
    const images = digits.images.slice();
    job = startJob(
      { kind: 'train', shape, steps: total, images, count: digits.count, weightsEvery: WEIGHTS_EVERY },
      (reply) => {
        if (reply.kind === 'ready')
          where.textContent = `Training in a Web Worker on ${reply.backend}: ${reply.note}.`;
        if (reply.kind === 'loss') {
          losses.push(reply.loss);
          progress.textContent =
            `step ${reply.step}/${total} · −ELBO ${formatNumber(reply.loss, 1)} nats · ` +
            `τ ${formatNumber(reply.temperature, 2)} · ${formatNumber(reply.stepsPerSecond, 1)} steps/s`;
          drawChart(total);
        }
        if (reply.kind === 'weights') {
          latestWeights = reply.weights;
          onProgress();
        }
      },
      [images.buffer],
    );
    try {
      done.textContent = await job.finished;
    } finally {
      job = undefined;
      start.disabled = false;
      stop.disabled = true;
    }
  };
  start.addEventListener('click', () => {
    if (job === undefined) run().catch((error) => reportError(panel, error));
  });
  stop.addEventListener('click', () => job?.stop());
  const panel = element('div', { class: 'training' }, [
    element('h3', {}, ['Train one in this page']),
    element('div', { class: 'controls' }, [steps.label, start, stop]),
    stepsMessage.element,
    progress,
    where,
    chart,
    done,
  ]);
  const trainedModel = () => {
    if (latestWeights !== undefined) {
      // Built from the weights (no random initial draw): a few milliseconds on this thread.
      if (model === undefined) model = new CategoricalVae(shape, 0, latestWeights);
      else model.assignWeights(latestWeights);
      latestWeights = undefined;
    }
    return model;
  };
  return { element: panel, model: trainedModel };
}
