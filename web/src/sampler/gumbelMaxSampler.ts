import { gumbelMax, tf } from 'gumbel-softmax';
import { barChart } from '../charts/barChart.js';
import { element, formatNumber } from '../dom.js';
import { type ClassWeights, logitsOf, probabilitiesOf } from '../explorer/classWeights.js';
import { renderLoop } from '../renderLoop.js';
import type { Store } from '../store.js';
import { chiSquareTest } from './chiSquare.js';

/** Draws per histogram. */
export const DRAWS = 10_000;

/** How many of `DRAWS` Gumbel-max samples fell in each class: argmax(log π + g) with the library's gumbelMax. */
export async function gumbelMaxCounts(logits: number[], seed: number): Promise<number[]> {
  const indices = tf.tidy(() =>
    gumbelMax(tf.tile(tf.tensor2d([logits]), [DRAWS, 1]), { seed, validateArgs: false }),
  );
  try {
    const values = await indices.data();
    const counts = new Array<number>(logits.length).fill(0);
    for (const index of values) counts[index] += 1;
    return counts;
  } finally {
    indices.dispose();
  }
}

/** Section 2: a histogram of Gumbel-max draws against π, with Pearson's chi-square. */
export function mountGumbelMaxSampler(
  section: HTMLElement,
  body: HTMLElement,
  weights: Store<ClassWeights>,
): void {
  let seed = 1;
  const redraw = element('button', { type: 'button', id: 'redraw' }, ['New draws']);
  const seedText = element('span', { class: 'status' });
  const chart = element('div', { id: 'histogram' });
  const statistic = element('p', { id: 'chi-square', class: 'stat', 'aria-live': 'polite' });
  body.append(element('div', { class: 'controls' }, [redraw, seedText]), chart, statistic);

  const render = renderLoop(section, async () => {
    const probabilities = probabilitiesOf(weights.value);
    const counts = await gumbelMaxCounts(logitsOf(weights.value), seed);
    const frequencies = counts.map((count) => count / DRAWS);
    const test = chiSquareTest(counts, probabilities);
    seedText.textContent = `seed ${seed}`;
    chart.replaceChildren(
      barChart({
        values: frequencies,
        reference: probabilities,
        max: Math.min(1, Math.max(...frequencies, ...probabilities) * 1.15),
        label: `Frequencies of ${DRAWS} Gumbel-max draws, with π as black ticks`,
        width: 240,
        height: 70,
      }),
      element('p', { class: 'status' }, ['Bars: frequency of each class in the draws; black ticks: π.']),
    );
    statistic.dataset.statistic = String(test.statistic);
    statistic.textContent =
      `χ² = ${formatNumber(test.statistic)} with ${test.degreesOfFreedom} degrees of freedom, ` +
      `p = ${formatNumber(test.pValue, 3)}` +
      (test.impossible > 0 ? `; ${test.impossible} draws fell in masked classes!` : '');
  });
  redraw.addEventListener('click', () => {
    seed += 1;
    render();
  });
  weights.subscribe(() => render());
  render();
}
