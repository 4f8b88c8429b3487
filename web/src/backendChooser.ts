import { BACKEND_LABELS, PAGE_BACKENDS } from './backend.js';
import { element } from './dom.js';

/** A select and a button that reload the page on another backend (`?backend=…`). */
export function mountBackendChooser(container: HTMLElement, current: string): void {
  const select = element('select', { id: 'backend-choice' }, [
    element('option', { value: '', selected: current === '' }, ['automatic']),
    ...PAGE_BACKENDS.map((name) =>
      element('option', { value: name, selected: current === name }, [BACKEND_LABELS[name]]),
    ),
  ]);
  const button = element('button', { type: 'button', class: 'secondary', id: 'backend-switch' }, [
    'Reload on it',
  ]);
  button.addEventListener('click', () => {
    const url = new URL(window.location.href);
    if (select.value === '') url.searchParams.delete('backend');
    else url.searchParams.set('backend', select.value);
    window.location.assign(url.href);
  });
  container.replaceChildren(element('label', {}, ['Backend ', select]), button);
}
