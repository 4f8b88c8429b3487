import { RandomGenerator, uniformArray } from 'gumbel-softmax';
import { classColor } from '../charts/colors.js';
import { element, formatNumber, numberField } from '../dom.js';
import { fieldMessage, readInteger, readNumber } from '../fieldCheck.js';
import {
  type ClassWeights,
  convertWeights,
  MAX_CLASSES,
  MIN_CLASSES,
  probabilitiesOf,
  problemWith,
  resizeWeights,
} from './classWeights.js';

/**
 * The editor of the class probabilities (or logits): how many classes, how they are entered, one
 * number per class with its normalized probability beside it, and two presets. Calls `onChange`
 * with every valid edit; an invalid one is marked and explained, and the last valid one stays.
 */
export function classEditor(initial: ClassWeights, onChange: (weights: ClassWeights) => void): HTMLElement {
  let weights = initial;
  const presets = new RandomGenerator(2017);
  const count = numberField('Classes (2–10)', {
    min: MIN_CLASSES,
    max: MAX_CLASSES,
    step: 1,
    value: weights.values.length,
    id: 'class-count',
    'aria-describedby': 'class-count-message',
  });
  const modeInputs = (['probabilities', 'logits'] as const).map((mode) =>
    element('input', { type: 'radio', name: 'weight-mode', value: mode, checked: mode === weights.mode }),
  );
  const modeField = element('fieldset', { class: 'inline-choices' }, [
    element('legend', {}, ['Enter as']),
    ...modeInputs.map((input) => element('label', {}, [input, input.value])),
  ]);
  const uniform = element('button', { type: 'button', class: 'secondary' }, ['Uniform']);
  const random = element('button', { type: 'button', class: 'secondary' }, ['Random π']);
  const classes = element('div', { class: 'class-inputs' });
  const inputs = () => Array.from(classes.querySelectorAll('input'));
  const message = fieldMessage('class-weights-message', inputs);
  const countMessage = fieldMessage('class-count-message', () => [count.input]);
  const showNormalized = () => {
    const probabilities = probabilitiesOf(weights);
    classes.querySelectorAll('.normalized').forEach((span, k) => {
      span.textContent = `π = ${formatNumber(probabilities[k], 3)}`;
    });
  };
  const buildClassInputs = () => {
    const isProbability = weights.mode === 'probabilities';
    classes.replaceChildren(
      ...weights.values.map((value, k) => {
        const input = element('input', {
          type: 'number',
          step: isProbability ? 0.05 : 0.1,
          ...(isProbability ? { min: 0 } : { min: -50, max: 50 }),
          value,
          id: `class-weight-${k + 1}`,
          'aria-describedby': 'class-weights-message',
          'aria-label': isProbability ? `weight of class ${k + 1}` : `logit of class ${k + 1}`,
        });
        input.addEventListener('input', readInputs);
        const swatch = element('span', { class: 'swatch', style: `background:${classColor(k)}` });
        return element('label', {}, [
          element('span', {}, [swatch, `Class ${k + 1}`]),
          input,
          element('span', { class: 'normalized' }),
        ]);
      }),
    );
    showNormalized();
  };
  const commit = (next: ClassWeights, rebuild: boolean) => {
    weights = next;
    message.clear();
    if (rebuild) buildClassInputs();
    else showNormalized();
    onChange(weights);
  };
  function readInputs() {
    const read = inputs().map(readNumber);
    const unreadable = read.findIndex((entry) => 'problem' in entry);
    const values = read.map((entry) => ('value' in entry ? entry.value : Number.NaN));
    const problem =
      unreadable >= 0
        ? `class ${unreadable + 1}: ${(read[unreadable] as { problem: string }).problem}`
        : problemWith(weights.mode, values);
    if (problem !== undefined) {
      message.show(problem);
      return;
    }
    commit({ ...weights, values }, false);
  }

  count.input.addEventListener('input', () => {
    const value = readInteger(count.input, countMessage, MIN_CLASSES, MAX_CLASSES, 'the number of classes');
    if (value !== undefined) commit(resizeWeights(weights, value), true);
  });
  for (const input of modeInputs) {
    input.addEventListener('change', () =>
      commit(convertWeights(weights, input.value as ClassWeights['mode']), true),
    );
  }
  uniform.addEventListener('click', () => {
    const values = weights.values.map(() => (weights.mode === 'probabilities' ? 1 : 0));
    commit({ ...weights, values }, true);
  });
  random.addEventListener('click', () => {
    // A draw from the uniform distribution on the simplex (Dirichlet(1, …, 1)).
    const exponentials = Array.from(uniformArray(weights.values.length, presets), (u) => -Math.log(u));
    const total = exponentials.reduce((sum, value) => sum + value, 0);
    const probabilities = exponentials.map((value) =>
      Math.max(0.001, Math.round((value / total) * 1000) / 1000),
    );
    commit(convertWeights({ mode: 'probabilities', values: probabilities }, weights.mode), true);
  });
  buildClassInputs();
  return element('fieldset', { class: 'class-editor' }, [
    element('legend', {}, ['Class probabilities π (0 masks a class)']),
    element('div', { class: 'controls' }, [count.label, modeField, uniform, random]),
    countMessage.element,
    classes,
    message.element,
  ]);
}
