import { formatNumber, svgElement } from '../dom.js';

/** What {@link lineChart} draws. */
export interface LineChartOptions {
  /** y values at x = 1, 2, 3, … */
  values: number[];
  /** Accessible name. */
  label: string;
  /** x-axis length to draw (default: the number of values). */
  length?: number;
}

/** A line chart with its y range and x length written at the axes, scaled to its container's width. */
export function lineChart(options: LineChartOptions): SVGSVGElement {
  const { values } = options;
  const length = Math.max(options.length ?? values.length, 2);
  const width = 200;
  const height = 90;
  const left = 26;
  const bottom = 12;
  const finite = values.filter(Number.isFinite);
  const low = finite.length > 0 ? Math.min(...finite) : 0;
  const high = finite.length > 0 ? Math.max(...finite) : 1;
  const span = high - low || 1;
  const x = (i: number) => left + (i / (length - 1)) * (width - left - 2);
  const y = (value: number) => 2 + (1 - (value - low) / span) * (height - bottom - 4);
  const last = values.length > 0 ? `, last ${formatNumber(values[values.length - 1], 1)}` : '';
  const svg = svgElement('svg', {
    class: 'chart',
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `${options.label}: ${values.length} points${last}`,
  });
  const text = (content: string, attributes: Record<string, string | number>) =>
    svgElement('text', { 'font-size': 7, fill: '#333', ...attributes }, [content]);
  svg.append(
    svgElement('line', {
      x1: left,
      x2: left,
      y1: 2,
      y2: height - bottom,
      stroke: '#333',
      'stroke-width': 0.5,
    }),
    svgElement('line', {
      x1: left,
      x2: width - 2,
      y1: height - bottom,
      y2: height - bottom,
      stroke: '#333',
      'stroke-width': 0.5,
    }),
    text(formatNumber(high, 0), { x: left - 2, y: 8, 'text-anchor': 'end' }),
    text(formatNumber(low, 0), { x: left - 2, y: height - bottom, 'text-anchor': 'end' }),
    text('1', { x: left, y: height - 3, 'text-anchor': 'middle' }),
    text(String(length), { x: width - 2, y: height - 3, 'text-anchor': 'end' }),
  );
  if (values.length > 1) {
    const points = values
      .map((value, i) => (Number.isFinite(value) ? `${x(i).toFixed(1)},${y(value).toFixed(1)}` : ''))
      .filter((point) => point !== '')
      .join(' ');
    svg.append(svgElement('polyline', { points, fill: 'none', stroke: '#0b57d0', 'stroke-width': 1 }));
  }
  return svg;
}
