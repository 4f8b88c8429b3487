import { type CategoricalVae, loadVaeFromUrl } from 'gumbel-softmax';
import { element, formatNumber } from '../dom.js';
import { renderLoop, reportError } from '../renderLoop.js';
import { browserTraining } from './browserTraining.js';
import { digitCanvas, drawDigit } from './digitCanvas.js';
import { loadDigits, PIXELS } from './digits.js';
import { latentGrid } from './latentGrid.js';
import { decodeCode, encodeImage, randomCode } from './vaeNumbers.js';

/** What web/scripts/buildWebModel.ts records about the shipped model. */
interface AboutModel {
  steps: number;
  bestStep: number;
  testNegativeElbo: number;
  testNll: number;
  importanceSamples: number;
  quantization: string;
}

/** Section 3: the shipped VAE's decoder driven by a grid of latent choices, and training in the page. */
export async function mountVae(section: HTMLElement, body: HTMLElement): Promise<void> {
  const status = element('p', { class: 'status', role: 'status' }, ['Loading the model…']);
  body.append(status);
  let shipped: CategoricalVae;
  let about: AboutModel;
  let testDigits: { images: Float32Array; count: number };
  let trainDigits: { images: Float32Array; count: number };
  try {
    [shipped, about, testDigits, trainDigits] = await Promise.all([
      loadVaeFromUrl('model/model.json'),
      fetch('model/about.json').then((response) => response.json() as Promise<AboutModel>),
      loadDigits('data/digits-test.bin'),
      loadDigits('data/digits-train.bin'),
    ]);
  } catch (error) {
    section.dataset.busy = 'false';
    reportError(section, error);
    return;
  }
  const { latentVariables, categories } = shipped.shape;
  status.textContent =
    `Model: ${PIXELS}–${shipped.shape.hiddenUnits.join('–')}–${latentVariables}×${categories}, ` +
    `trained for ${about.steps} steps by gumbel train (kept: step ${about.bestStep}), ` +
    `test −ELBO ${formatNumber(about.testNegativeElbo, 1)} nats, weights stored as ${about.quantization}.`;

  let randomSeed = 0;
  let nextDigit = 0;
  const decoded = digitCanvas('decoded-digit', 'The decoded digit');
  const input = digitCanvas('input-digit', 'The test digit last encoded', true);
  const inputFigure = element('figure', {}, [input, element('figcaption', {}, ['Test digit'])]);
  const randomButton = element('button', { type: 'button', id: 'random-code' }, ['Random code']);
  const encodeButton = element('button', { type: 'button', id: 'encode-digit', class: 'secondary' }, [
    'Encode a test digit',
  ]);
  const decoderInputs = (['shipped', 'trained'] as const).map((value) =>
    element('input', {
      type: 'radio',
      name: 'decoder',
      value,
      checked: value === 'shipped',
      disabled: value === 'trained',
    }),
  );
  const decoderChoice = element('fieldset', { class: 'inline-choices' }, [
    element('legend', {}, ['Decode with']),
    element('label', {}, [decoderInputs[0], 'the shipped model']),
    element('label', {}, [decoderInputs[1], 'the model trained here']),
  ]);
  const grid = latentGrid(latentVariables, categories, () => render());
  const training = browserTraining(shipped.shape, trainDigits, () => {
    decoderInputs[1].disabled = false;
    if (decoderInputs[1].checked) render();
  });
  body.append(
    element('div', { class: 'controls' }, [randomButton, encodeButton, decoderChoice]),
    element('div', { class: 'vae-layout' }, [
      element('div', { class: 'digits' }, [
        element('figure', {}, [decoded, element('figcaption', {}, ['Decoded digit'])]),
        inputFigure,
      ]),
      element('div', {}, [
        element('h3', { id: 'latent-grid-title' }, [
          `The code: ${latentVariables} variables × ${categories} classes`,
        ]),
        element('p', { class: 'status' }, [
          'One row per variable z1…z20; pick its class with the mouse or the arrow keys.',
        ]),
        grid.element,
      ]),
    ]),
    training.element,
  );
  grid.element.setAttribute('aria-describedby', 'latent-grid-title');

  const activeModel = () => (decoderInputs[1].checked ? training.model() : undefined) ?? shipped;
  const render = renderLoop(section, async () => {
    const code = grid.code();
    const pixels = await decodeCode(activeModel(), code);
    drawDigit(decoded, pixels);
    decoded.dataset.code = code.join('');
  });
  const encodeNext = async () => {
    const index = nextDigit % testDigits.count;
    nextDigit += 1;
    const image = testDigits.images.subarray(index * PIXELS, (index + 1) * PIXELS);
    drawDigit(input, image);
    grid.setCode(await encodeImage(activeModel(), image));
    render();
  };
  const guarded = (task: () => Promise<void>) => () => {
    task().catch((error) => reportError(section, error));
  };
  randomButton.addEventListener(
    'click',
    guarded(async () => {
      randomSeed += 1;
      grid.setCode(await randomCode(shipped, randomSeed));
      render();
    }),
  );
  encodeButton.addEventListener('click', guarded(encodeNext));
  for (const choice of decoderInputs) choice.addEventListener('change', () => render());
  await encodeNext();
}
