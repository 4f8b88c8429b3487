import { barChart } from '../charts/barChart.js';
import { element, formatNumber } from '../dom.js';
import { type ClassWeights, logitsOf, probabilitiesOf } from '../explorer/classWeights.js';
import { formatTemperature } from '../explorer/temperatureControls.js';
import { rangeField } from '../rangeField.js';
import { renderLoop } from '../renderLoop.js';
import type { Store } from '../store.js';
import {
  AVERAGED_DRAWS,
  ESTIMATOR_NAMES,
  exactGradient,
  straightThroughNumbers,
} from './straightThroughNumbers.js';

/**
 * "Straight-through": one draw of π (the class editor's) at the reader's τ, as the one-hot the forward
 * pass uses and the soft sample the backward pass differentiates, and the gradient of E[f] in the
 * logits from each estimator, for this draw and averaged over many, against the exact one.
 */
export function mountStraightThrough(
  section: HTMLElement,
  body: HTMLElement,
  weights: Store<ClassWeights>,
): void {
  let seed = 1;
  const render = renderLoop(section, () => draw());
  const temperature = rangeField({
    id: 'st-temperature',
    text: 'Temperature τ (log scale)',
    min: -1.3,
    max: 1,
    step: 0.01,
    value: 0.5,
    format: (value) => `τ = ${formatTemperature(value)}`,
    toValue: (position) => Math.min(10, Math.max(0.05, 10 ** position)),
    fromValue: Math.log10,
    onInput: render,
  });
  const redraw = element('button', { type: 'button', id: 'st-draw' }, ['New draw']);
  redraw.addEventListener('click', () => {
    seed += 1;
    render();
  });
  const forward = element('figure', { id: 'st-forward' });
  const backward = element('figure', { id: 'st-backward' });
  const table = element('table', { id: 'st-gradients', class: 'numbers' });
  body.append(
    element('div', { class: 'controls' }, [temperature.element, redraw]),
    element('div', { class: 'two-columns' }, [forward, backward]),
    element('div', { class: 'table-scroll' }, [table]),
  );

  async function draw() {
    const tau = temperature.value();
    const numbers = await straightThroughNumbers(logitsOf(weights.value), tau, seed);
    const exact = exactGradient(probabilitiesOf(weights.value));
    const chosen = numbers.hard.indexOf(1);
    const picture = (figure: HTMLElement, title: string, values: number[], caption: string) => {
      figure.dataset.values = JSON.stringify(values);
      figure.replaceChildren(
        element('p', { class: 'chart-title' }, [title]),
        barChart({ values, label: `${title}: draw ${seed}`, width: 160, height: 60 }),
        element('figcaption', {}, [caption]),
      );
    };
    picture(forward, 'Forward: the one-hot z', numbers.hard, `class ${chosen + 1}, an exact sample of π`);
    picture(
      backward,
      'Backward: the soft sample y',
      numbers.soft,
      `softmax((log π + g)/τ) at τ = ${formatTemperature(tau)}`,
    );
    section.dataset.seed = String(seed);
    table.dataset.gradients = JSON.stringify(numbers.single);
    // Rounding −0.0001 to '−0.000' would suggest a sign that is not there.
    const cells = (values: number[], k: number) =>
      element('td', {}, [formatNumber(Math.abs(values[k]) < 5e-4 ? 0 : values[k], 3)]);
    table.replaceChildren(
      element('caption', {}, [
        `∂E[f]/∂θ_k for f(z) = ‖z − e_K‖²: this draw, and the mean of ${AVERAGED_DRAWS.toLocaleString('en')} draws`,
      ]),
      element('tr', {}, [
        element('th', {}, ['class']),
        element('th', {}, ['exact']),
        ...ESTIMATOR_NAMES.flatMap((name) => [
          element('th', {}, [`${name}, this draw`]),
          element('th', {}, ['mean']),
        ]),
      ]),
      ...exact.map((_, k) =>
        element('tr', {}, [
          element('th', {}, [String(k + 1)]),
          element('td', {}, [formatNumber(exact[k], 3)]),
          ...ESTIMATOR_NAMES.flatMap((_, e) => [cells(numbers.single[e], k), cells(numbers.averaged[e], k)]),
        ]),
      ),
    );
  }
  weights.subscribe(() => render());
  render();
}
