import { element } from './dom.js';

/**
 * Inline messages for the page's number fields. A value that cannot be used (empty, not a number,
 * out of range) marks the field `aria-invalid="true"`, points its `aria-describedby` at a message
 * that says what is allowed (read out by screen readers, as it is `aria-live`), and the page keeps
 * its last good state; a good value clears both.
 */
export interface FieldMessage {
  /** The message element, to place beside the field (hidden while the value is good). */
  element: HTMLElement;
  /** Marks `inputs` invalid and shows `problem`. */
  show: (problem: string) => void;
  /** Marks `inputs` valid and hides the message. */
  clear: () => void;
}

/** A message for one or more inputs; `id` names the message element. */
export function fieldMessage(id: string, inputs: () => HTMLInputElement[]): FieldMessage {
  const message = element('p', { class: 'error field-message', id, 'aria-live': 'polite' });
  message.hidden = true;
  const mark = (invalid: boolean) => {
    for (const input of inputs()) {
      input.setAttribute('aria-invalid', String(invalid));
      input.setAttribute('aria-describedby', id);
    }
  };
  return {
    element: message,
    show(problem) {
      mark(true);
      message.textContent = `Not used: ${problem}. The figures keep the last good value.`;
      message.hidden = false;
    },
    clear() {
      mark(false);
      message.hidden = true;
      message.textContent = '';
    },
  };
}

/**
 * The number in a number field, or why there is none: an empty field, or text the browser could
 * not read as a finite number (`1e400`, `NaN`, pasted words all leave `value` empty).
 */
export function readNumber(input: HTMLInputElement): { value: number } | { problem: string } {
  if (input.value.trim() === '') {
    return { problem: input.validity.badInput ? 'that is not a finite number' : 'the field is empty' };
  }
  const value = Number(input.value);
  return Number.isFinite(value) ? { value } : { problem: 'that is not a finite number' };
}

/**
 * Reads a whole number in [min, max] from `input`; shows the problem in `message` and returns
 * undefined when there is none.
 */
export function readInteger(
  input: HTMLInputElement,
  message: FieldMessage,
  min: number,
  max: number,
  name: string,
): number | undefined {
  const read = readNumber(input);
  const problem =
    'problem' in read
      ? read.problem
      : !Number.isInteger(read.value) || read.value < min || read.value > max
        ? `${name} must be a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`
        : undefined;
  if (problem !== undefined || !('value' in read)) {
    message.show(problem ?? 'not a number');
    return undefined;
  }
  message.clear();
  return read.value;
}
