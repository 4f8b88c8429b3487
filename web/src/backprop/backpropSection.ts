import { histogramChart, meanAndSd } from '../charts/histogram.js';
import { element, formatNumber } from '../dom.js';
import { rangeField } from '../rangeField.js';
import { renderLoop } from '../renderLoop.js';
import { exactNormalGradient, normalGradientEstimates } from './normalGradients.js';
import { MU_RANGE, type NormalSettings, repeatsFor, SAMPLE_CHOICES, SIGMA_RANGE } from './normalSettings.js';

const ESTIMATORS = [
  { key: 'pathwise', name: 'Pathwise (z = μ + σε)', color: '#0072B2' },
  { key: 'score', name: 'Score function', color: '#E69F00' },
] as const;

/**
 * "Sampling breaks backprop": sliders for μ, σ and the draws per estimate; histograms of
 * {@link repeatsFor} estimates of ∂E[z²]/∂μ by each estimator against the exact 2μ, and a table of their
 * means and standard deviations for ∂/∂μ and ∂/∂σ. `onSettings` hears every slider move; the
 * returned `set` moves the sliders from outside (a shared link, reset).
 */
export function mountBackprop(
  section: HTMLElement,
  body: HTMLElement,
  initial: NormalSettings,
  onSettings: (settings: NormalSettings) => void,
): { set: (settings: NormalSettings) => void } {
  let seed = 1;
  const render = renderLoop(section, () => draw());
  const changed = () => {
    onSettings({ mu: mu.value(), sigma: sigma.value(), samples: samples.value() });
    render();
  };
  const mu = rangeField({
    id: 'backprop-mu',
    text: 'Mean μ',
    min: MU_RANGE[0],
    max: MU_RANGE[1],
    step: 0.1,
    value: initial.mu,
    format: (value) => `μ = ${formatNumber(value, 1)}`,
    onInput: changed,
  });
  const sigma = rangeField({
    id: 'backprop-sigma',
    text: 'Standard deviation σ',
    min: SIGMA_RANGE[0],
    max: SIGMA_RANGE[1],
    step: 0.1,
    value: initial.sigma,
    format: (value) => `σ = ${formatNumber(value, 1)}`,
    onInput: changed,
  });
  const samples = rangeField({
    id: 'backprop-samples',
    text: 'Draws per estimate',
    min: 0,
    max: SAMPLE_CHOICES.length - 1,
    step: 1,
    value: initial.samples,
    format: (value) => `N = ${value.toLocaleString('en')}`,
    toValue: (position) => SAMPLE_CHOICES[position],
    fromValue: (value) => SAMPLE_CHOICES.indexOf(value),
    onInput: changed,
  });
  const redraw = element('button', { type: 'button', id: 'backprop-redraw' }, ['New draws']);
  redraw.addEventListener('click', () => {
    seed += 1;
    render();
  });
  const charts = element('div', { class: 'two-columns', id: 'backprop-charts' });
  const table = element('table', { id: 'backprop-table', class: 'numbers' });
  body.append(
    element('div', { class: 'controls' }, [mu.element, sigma.element, samples.element, redraw]),
    charts,
    element('div', { class: 'table-scroll' }, [table]),
  );

  async function draw() {
    const [m, s, n] = [mu.value(), sigma.value(), samples.value()];
    const repeats = repeatsFor(n);
    const estimates = await normalGradientEstimates(m, s, n, repeats, seed);
    const exact = exactNormalGradient(m, s);
    const all = [...estimates.pathwise.mu, ...estimates.score.mu];
    const low = Math.min(exact.mu - 0.5, ...all);
    const high = Math.max(exact.mu + 0.5, ...all);
    charts.replaceChildren(
      ...ESTIMATORS.map(({ key, name, color }) => {
        const stats = meanAndSd(estimates[key].mu);
        return element('figure', { id: `backprop-${key}`, 'data-sd': stats.sd, 'data-mean': stats.mean }, [
          element('p', { class: 'chart-title' }, [`${name}: ${repeats} estimates of ∂/∂μ`]),
          histogramChart({
            values: estimates[key].mu,
            low,
            high,
            bins: 40,
            marker: exact.mu,
            color,
            label: `${name} estimates of the gradient in μ, exact value ${formatNumber(exact.mu)} marked`,
          }),
          element('figcaption', {}, [`mean ${formatNumber(stats.mean)}, sd ${formatNumber(stats.sd)}`]),
        ]);
      }),
    );
    const row = (cells: string[], header = false) =>
      element(
        'tr',
        {},
        cells.map((cell, i) => element(header || i === 0 ? 'th' : 'td', {}, [cell])),
      );
    const summary = (values: Float32Array) => {
      const stats = meanAndSd(values);
      return `${formatNumber(stats.mean)} ± ${formatNumber(stats.sd)}`;
    };
    table.replaceChildren(
      element('caption', {}, [`Mean ± standard deviation of ${repeats} estimates, each from N = ${n} draws`]),
      row(['', '∂/∂μ', '∂/∂σ'], true),
      row(['exact (2μ, 2σ)', formatNumber(exact.mu), formatNumber(exact.sigma)]),
      ...ESTIMATORS.map(({ key, name }) =>
        row([name, summary(estimates[key].mu), summary(estimates[key].sigma)]),
      ),
    );
  }
  render();
  return {
    set(settings) {
      mu.set(settings.mu);
      sigma.set(settings.sigma);
      samples.set(settings.samples);
      changed();
    },
  };
}
