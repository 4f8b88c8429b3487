import {
  Adam,
  CategoricalVae,
  negativeElbo,
  RandomGenerator,
  type TemperatureSchedule,
  temperatureAt,
  tf,
  type VaeShape,
} from 'gumbel-softmax';
import { lineChart } from '../charts/lineChart.js';
import { element, formatNumber, numberField } from '../dom.js';
import { fieldMessage, readInteger } from '../fieldCheck.js';
import { reportError } from '../renderLoop.js';
import { PIXELS } from './digits.js';

const BATCH_SIZE = 100;
/** The most steps the panel trains (a few minutes on a laptop). */
const MAX_STEPS = 5000;
/** τ from 1 down to 0.5 over the first few hundred steps (Jang et al. anneal over 100,000). */
const SCHEDULE: TemperatureSchedule = {
  kind: 'exponential',
  initial: 1,
  minimum: 0.5,
  rate: 2e-3,
  interval: 50,
};

/** The training panel: a fresh VAE trained on the shipped digits, with a live loss curve. */
export interface BrowserTraining {
  element: HTMLElement;
  /** The model trained in the page, once training has started. */
  model: () => CategoricalVae | undefined;
}

/** A random batch of `BATCH_SIZE` images, drawn with replacement. */
function batchOf(images: Float32Array, count: number, generator: RandomGenerator): tf.Tensor2D {
  const words = generator.nextUint32(BATCH_SIZE);
  const batch = new Float32Array(BATCH_SIZE * PIXELS);
  words.forEach((word, i) => {
    const index = word % count;
    batch.set(images.subarray(index * PIXELS, (index + 1) * PIXELS), i * PIXELS);
  });
  return tf.tensor2d(batch, [BATCH_SIZE, PIXELS]);
}

/**
 * Builds the panel. `onProgress` runs after every few steps so the page can redraw with the new
 * model. Training runs step by step between animation frames, so the page stays responsive.
 */
export function browserTraining(
  shape: VaeShape,
  digits: { images: Float32Array; count: number },
  onProgress: () => void,
): BrowserTraining {
  let model: CategoricalVae | undefined;
  let running = false;
  let stopRequested = false;
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
    `Trains a new ${shape.latentVariables}×${shape.categories} VAE on ${digits.count.toLocaleString('en')} digits, batches of ${BATCH_SIZE}, Adam, τ annealed from 1 to 0.5.`,
  ]);
  const done = element('p', { class: 'visually-hidden', role: 'status' });
  const chart = element('div', { id: 'loss-chart' });
  const losses: number[] = [];

  const trainStep = (vae: CategoricalVae, adam: Adam, generator: RandomGenerator, step: number) => {
    const images = batchOf(digits.images, digits.count, generator);
    const { value, grads } = tf.variableGrads(() =>
      negativeElbo(vae, images, {
        temperature: temperatureAt(SCHEDULE, step),
        hard: false,
        kl: 'analytic',
        seed: generator,
      }),
    );
    adam.apply(vae.parameters().map((parameter) => grads[parameter.name]));
    tf.dispose([images, ...Object.values(grads)]);
    return value;
  };

  const run = async () => {
    const total = totalSteps; // the last good value of the field
    model?.dispose();
    const vae = new CategoricalVae(shape, 1);
    model = vae;
    const adam = new Adam(vae.parameters(), { learningRate: 1e-3 });
    const generator = new RandomGenerator(7);
    losses.length = 0;
    running = true;
    stopRequested = false;
    start.disabled = true;
    stop.disabled = false;
    done.textContent = 'Training started.';
    const started = performance.now();
    try {
      for (let step = 0; step < total && !stopRequested; step++) {
        const value = trainStep(vae, adam, generator, step);
        losses.push((await value.data())[0]);
        value.dispose();
        const seconds = (performance.now() - started) / 1000;
        progress.textContent =
          `step ${step + 1}/${total} · −ELBO ${formatNumber(losses[losses.length - 1], 1)} nats · ` +
          `τ ${formatNumber(temperatureAt(SCHEDULE, step), 2)} · ${formatNumber((step + 1) / seconds, 1)} steps/s`;
        chart.replaceChildren(
          lineChart({ values: losses, length: total, label: 'Training loss, −ELBO in nats per digit' }),
        );
        if (step % 10 === 9 || step === total - 1) onProgress();
        await tf.nextFrame();
      }
    } finally {
      adam.dispose();
      running = false;
      start.disabled = false;
      stop.disabled = true;
      done.textContent = `Training ${stopRequested ? 'stopped' : 'finished'} after ${losses.length} steps.`;
      onProgress();
    }
  };
  start.addEventListener('click', () => {
    if (!running) run().catch((error) => reportError(panel, error));
  });
  stop.addEventListener('click', () => {
    stopRequested = true;
  });
  const panel = element('div', { class: 'training' }, [
    element('h3', {}, ['Train one in this page']),
    element('div', { class: 'controls' }, [steps.label, start, stop]),
    stepsMessage.element,
    progress,
    chart,
    done,
  ]);
  return { element: panel, model: () => model };
}
