import { barChart } from '../charts/barChart.js';
import { element, formatNumber } from '../dom.js';
import { SLIDE_SAMPLES, SLIDE_TEMPERATURES, slidePictureNumbers } from './slidePictures.js';

/** The id of the picture at `temperature` (`slide-tau-2`, `slide-tau-0-1`). */
export function slidePictureId(temperature: number): string {
  return `slide-tau-${String(temperature).replace('.', '-')}`;
}

/**
 * The slide's two pictures side by side: relaxed samples at τ = 2 and τ = 0.1 from the same noise.
 * Each picture's `data-samples` holds its numbers (JSON rows) and `data-seed` the seed.
 */
export function slidePictures(): {
  element: HTMLElement;
  update: (logits: number[], seed: number) => Promise<void>;
} {
  const pictures = SLIDE_TEMPERATURES.map((temperature) =>
    element('figure', { id: slidePictureId(temperature), class: 'slide-picture' }),
  );
  const caption = element('p', { class: 'status' });
  return {
    element: element('div', {}, [
      element('h3', {}, ['The slide’s two pictures: τ = 2 and τ = 0.1, the same noise']),
      element('div', { class: 'two-columns' }, pictures),
      caption,
    ]),
    async update(logits, seed) {
      const numbers = await slidePictureNumbers(logits, seed);
      SLIDE_TEMPERATURES.forEach((temperature, t) => {
        const picture = pictures[t];
        picture.dataset.samples = JSON.stringify(numbers[t]);
        picture.dataset.seed = String(seed);
        picture.replaceChildren(
          element('figcaption', {}, [`τ = ${temperature}`]),
          element(
            'div',
            { class: 'slide-samples' },
            numbers[t].map((sample, i) =>
              barChart({
                values: sample,
                label: `Sample ${i + 1} at τ = ${temperature}, largest ${formatNumber(Math.max(...sample))}`,
                width: 60,
                height: 40,
              }),
            ),
          ),
        );
      });
      caption.textContent =
        `${SLIDE_SAMPLES} draws of g with seed ${seed}, each shown at both temperatures: ` +
        'at τ = 2 the samples are smooth, at τ = 0.1 close to one-hot (unless two noisy logits nearly tie), ' +
        'and the largest class is the same at both.';
    },
  };
}
