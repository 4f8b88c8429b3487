import { barChart } from '../charts/barChart.js';
import { drawSimplexDensity, type SimplexGrid, simplexGrid } from '../charts/simplex.js';
import { element, formatNumber } from '../dom.js';
import { renderLoop } from '../renderLoop.js';
import type { Store } from '../store.js';
import { type ClassWeights, logitsOf, probabilitiesOf } from './classWeights.js';
import { explorerNumbers, MEAN_SAMPLES, SHOWN_SAMPLES } from './explorerNumbers.js';
import { slidePictures } from './slidePicturesView.js';
import {
  formatTemperature,
  type TemperatureControls,
  type TemperatureSettings,
  temperatureControls,
} from './temperatureControls.js';

/**
 * The temperature section: relaxed samples and their one-hots, the slide's pictures at τ = 2 and
 * 0.1, their mean against π, the density on the simplex. `onSettings` hears every change of τ or
 * the seed; the returned controls set them from outside (a shared link, reset).
 */
export function mountTemperatureExplorer(
  section: HTMLElement,
  body: HTMLElement,
  weights: Store<ClassWeights>,
  initial?: TemperatureSettings,
  onSettings: (settings: TemperatureSettings) => void = () => {},
): TemperatureControls {
  const controls = temperatureControls(() => {
    onSettings({ temperature: controls.temperature(), seed: controls.seed() });
    render();
  }, initial);
  const slide = slidePictures();
  const samples = element('div', { class: 'sample-grid', id: 'samples' });
  const largest = element('strong', { id: 'average-largest', class: 'stat' });
  const summary = element('p', {}, [
    `Average largest component of the ${SHOWN_SAMPLES} relaxed samples: `,
    largest,
  ]);
  const meanChart = element('div', { id: 'mean-chart' });
  const meanCaption = element('p', { class: 'status' });
  const canvas = element('canvas', { class: 'simplex', id: 'simplex', role: 'img' });
  const simplexNote = element('p', { class: 'status' });
  const grid: SimplexGrid = simplexGrid(220);
  body.append(
    controls.element,
    element('h3', {}, ['Relaxed samples and their one-hots']),
    summary,
    samples,
    slide.element,
    element('div', { class: 'two-columns' }, [
      element('div', {}, [
        element('h3', {}, [`Mean of ${MEAN_SAMPLES.toLocaleString('en')} relaxed samples`]),
        meanChart,
        meanCaption,
      ]),
      element('div', {}, [element('h3', {}, ['Concrete density on the simplex']), canvas, simplexNote]),
    ]),
  );

  const render = renderLoop(section, async () => {
    const temperature = controls.temperature();
    const probabilities = probabilitiesOf(weights.value);
    const threeClasses = probabilities.length === 3;
    const numbers = await explorerNumbers(
      logitsOf(weights.value),
      temperature,
      controls.seed(),
      threeClasses ? grid : undefined,
    );
    samples.replaceChildren(
      ...numbers.soft.map((soft, i) => {
        const winner = numbers.hard[i].indexOf(1);
        return element('figure', { class: 'sample-pair' }, [
          element('div', {}, [
            element('p', { class: 'chart-title' }, ['relaxed y']),
            barChart({ values: soft, label: `Relaxed sample ${i + 1}` }),
          ]),
          element('div', {}, [
            element('p', { class: 'chart-title' }, ['one-hot']),
            barChart({ values: numbers.hard[i], label: `One-hot of sample ${i + 1}` }),
          ]),
          element('figcaption', {}, [
            `Sample ${i + 1}: largest ${formatNumber(Math.max(...soft))}, class ${winner + 1}`,
          ]),
        ]);
      }),
    );
    await slide.update(logitsOf(weights.value), controls.seed());
    largest.textContent = formatNumber(numbers.averageLargest, 3);
    largest.dataset.value = String(numbers.averageLargest);
    meanChart.replaceChildren(
      barChart({
        values: numbers.mean,
        reference: probabilities,
        width: 160,
        height: 70,
        label: `Mean of ${MEAN_SAMPLES} relaxed samples at τ = ${formatTemperature(temperature)}, with π as black ticks`,
      }),
    );
    meanCaption.textContent =
      'Bars: the mean; black ticks: π. As τ → 0 the mean approaches π; as τ grows it flattens toward 1/K.';
    if (threeClasses && numbers.logDensity !== undefined) {
      canvas.hidden = false;
      drawSimplexDensity(canvas, grid, numbers.logDensity, numbers.soft);
      canvas.setAttribute(
        'aria-label',
        `Log-density of the Concrete distribution at τ = ${formatTemperature(temperature)} on the triangle of three-class probability vectors, with the ${SHOWN_SAMPLES} samples as white dots`,
      );
      simplexNote.textContent =
        'Colour: log-density, the top 10 nats from dark to bright; white dots: the samples above. ' +
        'Corners are one-hot vectors: a low τ pushes the mass there, a high τ toward the centre.';
    } else {
      canvas.hidden = true;
      simplexNote.textContent = 'Set Classes to 3 to see the density on the triangle (the 2-simplex).';
    }
  });
  weights.subscribe(() => render());
  render();
  return controls;
}
