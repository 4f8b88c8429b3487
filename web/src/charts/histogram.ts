import { formatNumber, svgElement } from '../dom.js';

/** Mean and standard deviation (divided by n − 1; 0 for a single value). */
export function meanAndSd(values: ArrayLike<number>): { mean: number; sd: number } {
  const count = values.length;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[i];
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += (values[i] - mean) ** 2;
  return { mean, sd: count > 1 ? Math.sqrt(squares / (count - 1)) : 0 };
}

/**
 * Counts of `values` in `bins` equal bins on [low, high]; values outside go to the end bins, so
 * nothing drawn disappears.
 */
export function binCounts(values: ArrayLike<number>, low: number, high: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (high - low) / bins;
  for (let i = 0; i < values.length; i++) {
    const bin = Math.floor((values[i] - low) / width);
    counts[Math.min(bins - 1, Math.max(0, bin))] += 1;
  }
  return counts;
}

/** What {@link histogramChart} draws. */
export interface HistogramOptions {
  values: ArrayLike<number>;
  /** The x range drawn, split into `bins` bars. */
  low: number;
  high: number;
  bins: number;
  /** A density to draw over the bars (the bars are scaled as a density too). */
  density?: (x: number) => number;
  /** A vertical line at this x (e.g. the exact value an estimate aims at). */
  marker?: number;
  /** Accessible name. */
  label: string;
  color?: string;
}

/** A histogram scaled as a density (area 1), with an optional density curve and marker line. */
export function histogramChart(options: HistogramOptions): SVGSVGElement {
  const { values, low, high, bins, density, marker, color = '#0072B2' } = options;
  const width = 200;
  const height = 70;
  const bottom = 10;
  const counts = binCounts(values, low, high, bins);
  const binWidth = (high - low) / bins;
  const heights = counts.map((count) => count / (values.length * binWidth));
  const curve =
    density === undefined
      ? []
      : Array.from({ length: 101 }, (_, i) => {
          const x = low + ((high - low) * i) / 100;
          return [x, density(x)] as const;
        });
  const top = Math.max(...heights, ...curve.map(([, y]) => y)) * 1.1 || 1;
  const px = (x: number) => ((x - low) / (high - low)) * width;
  const py = (y: number) => height - (Math.min(y, top) / top) * height;
  const svg = svgElement('svg', {
    class: 'chart',
    viewBox: `0 -1 ${width} ${height + bottom + 1}`,
    role: 'img',
    'aria-label': `${options.label}. ${values.length.toLocaleString('en')} values from ${formatNumber(low)} to ${formatNumber(high)} in ${bins} bins`,
  });
  heights.forEach((value, k) => {
    svg.append(
      svgElement('rect', {
        x: px(low + k * binWidth),
        y: py(value),
        width: (width / bins) * 0.95,
        height: height - py(value),
        fill: color,
      }),
    );
  });
  if (curve.length > 0) {
    const points = curve.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    svg.append(svgElement('polyline', { points, fill: 'none', stroke: '#000', 'stroke-width': 1.2 }));
  }
  if (marker !== undefined && marker >= low && marker <= high) {
    svg.append(
      svgElement('line', {
        x1: px(marker),
        x2: px(marker),
        y1: 0,
        y2: height,
        stroke: '#D55E00',
        'stroke-width': 1.5,
      }),
    );
  }
  const text = (content: string, x: number, anchor: string) =>
    svgElement('text', { x, y: height + 8, 'font-size': 7, fill: '#333', 'text-anchor': anchor }, [content]);
  svg.append(
    svgElement('line', { x1: 0, x2: width, y1: height, y2: height, stroke: '#333', 'stroke-width': 0.4 }),
    text(formatNumber(low, 1), 0, 'start'),
    text(formatNumber(high, 1), width, 'end'),
  );
  return svg;
}
