/** Small DOM helpers: build elements with attributes and children, find them by id. */

type Child = Node | string;

/** An HTML element with attributes (set as attributes, not properties) and children. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean> = {},
  children: Child[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}

const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and children. */
export function svgElement<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  children: Child[] = [],
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NAMESPACE, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/** The element with `id`, which the page must have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no element #${id}`);
  return node as T;
}

/** A number with `digits` decimals, or '−∞' / '∞'. */
export function formatNumber(value: number, digits = 2): string {
  if (value === Number.NEGATIVE_INFINITY) return '−∞';
  if (value === Number.POSITIVE_INFINITY) return '∞';
  return value.toFixed(digits).replace('-', '−');
}

/** A labelled number input: a `<label>` holding the text and the input. */
export function numberField(
  text: string,
  attributes: Record<string, string | number | boolean>,
): { label: HTMLLabelElement; input: HTMLInputElement } {
  const input = element('input', { type: 'number', ...attributes });
  const label = element('label', {}, [text, input]);
  return { label, input };
}
