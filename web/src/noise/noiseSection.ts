import { EULER_GAMMA, gumbelArray, uniformArray } from 'gumbel-softmax';
import { histogramChart, meanAndSd } from '../charts/histogram.js';
import { element, formatNumber } from '../dom.js';
import { rangeField } from '../rangeField.js';
import { renderLoop } from '../renderLoop.js';
import { gumbelDensity } from './gumbelDensity.js';

/** The slider's choices of how many draws. */
export const DRAW_CHOICES = [100, 1000, 10_000, 100_000];
/** The x range of the Gumbel histogram (holds all but about 0.1 % of the mass). */
const GUMBEL_RANGE = [-2.5, 7] as const;

/**
 * "Gumbel noise": u from the library's `uniformArray` and g = −log(−log u) from its `gumbelArray`,
 * both from the same seed (the same random words), as histograms against their densities.
 */
export function mountGumbelNoise(section: HTMLElement, body: HTMLElement): void {
  let seed = 1;
  const render = renderLoop(section, async () => draw());
  const count = rangeField({
    id: 'noise-count',
    text: 'Draws',
    min: 0,
    max: DRAW_CHOICES.length - 1,
    step: 1,
    value: 10_000,
    format: (value) => value.toLocaleString('en'),
    toValue: (position) => DRAW_CHOICES[position],
    fromValue: (value) => DRAW_CHOICES.indexOf(value),
    onInput: render,
  });
  const redraw = element('button', { type: 'button', id: 'noise-redraw' }, ['New draws']);
  redraw.addEventListener('click', () => {
    seed += 1;
    render();
  });
  const uniformFigure = element('figure', { id: 'noise-uniform' });
  const gumbelFigure = element('figure', { id: 'noise-gumbel' });
  body.append(
    element('div', { class: 'controls' }, [count.element, redraw]),
    element('div', { class: 'two-columns' }, [uniformFigure, gumbelFigure]),
  );

  function draw() {
    const n = count.value();
    const u = uniformArray(n, seed);
    const g = gumbelArray(n, seed);
    const gStats = meanAndSd(g);
    uniformFigure.dataset.count = String(n);
    gumbelFigure.dataset.count = String(n);
    gumbelFigure.dataset.mean = String(gStats.mean);
    uniformFigure.replaceChildren(
      element('p', { class: 'chart-title' }, ['u ~ Uniform(0, 1)']),
      histogramChart({
        values: u,
        low: 0,
        high: 1,
        bins: 20,
        density: () => 1,
        label: 'Histogram of u against the uniform density 1',
      }),
      element('figcaption', {}, [`${n.toLocaleString('en')} draws of u, seed ${seed}; line: density 1`]),
    );
    gumbelFigure.replaceChildren(
      element('p', { class: 'chart-title' }, ['g = −log(−log u)']),
      histogramChart({
        values: g,
        low: GUMBEL_RANGE[0],
        high: GUMBEL_RANGE[1],
        bins: 38,
        density: gumbelDensity,
        color: '#009E73',
        label: 'Histogram of g against the Gumbel density exp(−(g + e^−g))',
      }),
      element('figcaption', {}, [
        `mean ${formatNumber(gStats.mean, 3)} (Euler’s γ = ${formatNumber(EULER_GAMMA, 3)}), ` +
          `sd ${formatNumber(gStats.sd, 3)} (π/√6 = ${formatNumber(Math.PI / Math.sqrt(6), 3)}); line: the Gumbel density`,
      ]),
    );
  }
  render();
}
