import { element } from './dom.js';

/** A labelled slider with its value written beside the label (and read out as `aria-valuetext`). */
export interface RangeField {
  element: HTMLElement;
  input: HTMLInputElement;
  /** The slider's value as the reader sees it (after `toValue`). */
  value: () => number;
  /** Moves the slider to the position of `value` (no input event). */
  set: (value: number) => void;
}

/**
 * A slider from `min` to `max` by `step` (positions); `toValue` maps a position to the value shown
 * and used (default: the position itself), `fromValue` back; `format` writes the value.
 */
export function rangeField(options: {
  id: string;
  text: string;
  min: number;
  max: number;
  step: number;
  value: number;
  format: (value: number) => string;
  toValue?: (position: number) => number;
  fromValue?: (value: number) => number;
  onInput: () => void;
}): RangeField {
  const { toValue = (x: number) => x, fromValue = (x: number) => x } = options;
  const input = element('input', {
    type: 'range',
    id: options.id,
    min: options.min,
    max: options.max,
    step: options.step,
    value: fromValue(options.value),
  });
  const readout = element('output', { for: options.id, id: `${options.id}-value` });
  const value = () => toValue(Number(input.value));
  const show = () => {
    const text = options.format(value());
    readout.textContent = text;
    input.setAttribute('aria-valuetext', text);
  };
  input.addEventListener('input', () => {
    show();
    options.onInput();
  });
  show();
  return {
    element: element('div', { class: 'field' }, [
      element('span', {}, [element('label', { for: options.id }, [options.text]), ' ', readout]),
      input,
    ]),
    input,
    value,
    set(next) {
      input.value = String(fromValue(next));
      show();
    },
  };
}
