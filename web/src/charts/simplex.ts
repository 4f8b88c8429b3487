import { viridis } from './colors.js';

/** Pixel grid of a triangle: class 1 bottom left, class 2 bottom right, class 3 at the top. */
export interface SimplexGrid {
  /** Canvas size in pixels. */
  width: number;
  height: number;
  /** Barycentric coordinates (y1, y2, y3) of every pixel inside the triangle, three numbers each. */
  points: Float32Array;
  /** The canvas pixel index (row · width + column) of each point. */
  pixels: Int32Array;
  /** The triangle's corners in canvas pixels, class 1, 2, 3. */
  corners: [number, number][];
}

const MARGIN = 16;

/** The points of the open simplex at the centres of the pixels of a triangle `side` pixels wide. */
export function simplexGrid(side: number): SimplexGrid {
  const triangleHeight = Math.round((side * Math.sqrt(3)) / 2);
  const width = side + 2 * MARGIN;
  const height = triangleHeight + 2 * MARGIN;
  const corners: [number, number][] = [
    [MARGIN, MARGIN + triangleHeight],
    [MARGIN + side, MARGIN + triangleHeight],
    [MARGIN + side / 2, MARGIN],
  ];
  const points: number[] = [];
  const pixels: number[] = [];
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const weights = barycentric(column + 0.5, row + 0.5, corners);
      if (weights.every((w) => w > 1e-4)) {
        points.push(...weights);
        pixels.push(row * width + column);
      }
    }
  }
  return { width, height, points: Float32Array.from(points), pixels: Int32Array.from(pixels), corners };
}

/** Barycentric coordinates of (x, y) in the triangle `corners`, summing to 1. */
function barycentric(x: number, y: number, corners: [number, number][]): [number, number, number] {
  const [[x1, y1], [x2, y2], [x3, y3]] = corners;
  const determinant = (y2 - y3) * (x1 - x3) + (x3 - x2) * (y1 - y3);
  const a = ((y2 - y3) * (x - x3) + (x3 - x2) * (y - y3)) / determinant;
  const b = ((y3 - y1) * (x - x3) + (x1 - x3) * (y - y3)) / determinant;
  return [a, b, 1 - a - b];
}

/** The canvas position of a point (y1, y2, y3) of the simplex. */
export function simplexPosition(point: number[], corners: [number, number][]): [number, number] {
  const x = corners.reduce((sum, corner, k) => sum + corner[0] * point[k], 0);
  const y = corners.reduce((sum, corner, k) => sum + corner[1] * point[k], 0);
  return [x, y];
}

/**
 * Paints log densities on the grid's pixels, the top `range` nats of them from dark to bright
 * (anything lower is darkest), marks `samples` as white dots and labels the corners.
 */
export function drawSimplexDensity(
  canvas: HTMLCanvasElement,
  grid: SimplexGrid,
  logDensity: Float32Array,
  samples: number[][],
  range = 10,
): void {
  canvas.width = grid.width;
  canvas.height = grid.height;
  const context = canvas.getContext('2d');
  if (context === null) return;
  const image = context.createImageData(grid.width, grid.height);
  let top = Number.NEGATIVE_INFINITY;
  for (const value of logDensity) if (Number.isFinite(value) && value > top) top = value;
  image.data.fill(255);
  grid.pixels.forEach((pixel, i) => {
    const value = logDensity[i];
    const t = Number.isFinite(value) ? (value - (top - range)) / range : 0;
    const [r, g, b] = viridis(t);
    image.data.set([r, g, b, 255], pixel * 4);
  });
  context.putImageData(image, 0, 0);
  context.lineWidth = 1.5;
  for (const sample of samples) {
    const [x, y] = simplexPosition(sample, grid.corners);
    context.beginPath();
    context.arc(x, y, 3.5, 0, 2 * Math.PI);
    context.fillStyle = '#fff';
    context.strokeStyle = '#000';
    context.fill();
    context.stroke();
  }
  context.fillStyle = '#1a1a1a';
  context.font = '13px system-ui, sans-serif';
  context.textAlign = 'center';
  const [c1, c2, c3] = grid.corners;
  context.fillText('1', c1[0] - 6, c1[1] + 12);
  context.fillText('2', c2[0] + 6, c2[1] + 12);
  context.fillText('3', c3[0], c3[1] - 4);
}
