import { element } from '../dom.js';

/** The code as a grid of radio buttons: one row (radio group) per latent variable, one column per class. */
export interface LatentGrid {
  element: HTMLElement;
  /** The chosen class of every variable. */
  code: () => number[];
  /** Checks the buttons of `code`. */
  setCode: (code: number[]) => void;
}

/**
 * Builds the grid. Every row is a native radio group, so Tab moves between variables and the arrow
 * keys change a variable's class; each button is labelled "variable n, class k".
 */
export function latentGrid(variables: number, categories: number, onChange: () => void): LatentGrid {
  const header = element('div', { class: 'header', 'aria-hidden': 'true' }, [
    element('span', {}, ['']),
    ...Array.from({ length: categories }, (_, k) => element('span', {}, [String(k)])),
  ]);
  const rows = Array.from({ length: variables }, (_, n) => {
    const rowName = element('span', { class: 'row-name', id: `latent-${n + 1}-name` }, [`z${n + 1}`]);
    const buttons = Array.from({ length: categories }, (_, k) => {
      const input = element('input', {
        type: 'radio',
        name: `latent-${n + 1}`,
        value: k,
        'aria-label': `variable ${n + 1}, class ${k}`,
      });
      input.addEventListener('change', onChange);
      return element('label', {}, [input]);
    });
    return element(
      'div',
      { class: 'latent-row', role: 'radiogroup', 'aria-labelledby': `latent-${n + 1}-name` },
      [rowName, ...buttons],
    );
  });
  const grid = element('div', { class: 'latent-grid', id: 'latent-grid' }, [header, ...rows]);
  const inputsOf = (n: number) => Array.from(rows[n].querySelectorAll('input'));
  return {
    element: grid,
    code: () =>
      rows.map((_, n) =>
        Math.max(
          0,
          inputsOf(n).findIndex((input) => input.checked),
        ),
      ),
    setCode: (code) => {
      code.forEach((k, n) => {
        inputsOf(n)[k].checked = true;
      });
    },
  };
}
