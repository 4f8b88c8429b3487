import { element } from '../dom.js';

/** A 28×28 canvas, drawn pixel for pixel and scaled up by CSS. */
export function digitCanvas(id: string, label: string, small = false): HTMLCanvasElement {
  const canvas = element('canvas', {
    id,
    class: small ? 'digit small' : 'digit',
    width: 28,
    height: 28,
    role: 'img',
    'aria-label': label,
  });
  return canvas;
}

/** Paints pixel probabilities in [0, 1] as ink: 1 black, 0 white. */
export function drawDigit(canvas: HTMLCanvasElement, pixels: ArrayLike<number>): void {
  const context = canvas.getContext('2d');
  if (context === null) return;
  const image = context.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const grey = Math.round(255 * (1 - Math.min(1, Math.max(0, pixels[i]))));
    image.data.set([grey, grey, grey, 255], i * 4);
  }
  context.putImageData(image, 0, 0);
}
