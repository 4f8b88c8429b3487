import { element, svgElement } from '../dom.js';
import { classColor } from './colors.js';

/** One line of a {@link seriesChart}, in plotted coordinates (already log₁₀ where the axis is). */
export interface ChartSeries {
  name: string;
  points: [number, number][];
  /** Drawn dashed (a reference line, or a τ-free estimator). */
  dashed?: boolean;
  /** Default: the series' index in the palette. */
  color?: string;
}

/** A tick: where (plotted coordinate) and what it says. */
export interface Tick {
  value: number;
  text: string;
}

/** What {@link seriesChart} draws. */
export interface SeriesChartOptions {
  series: ChartSeries[];
  /** Accessible name: what the chart shows. */
  label: string;
  xLabel: string;
  yLabel: string;
  xTicks: Tick[];
  yTicks: Tick[];
  /** A shaded region between two lines (drawn under the series), e.g. a gap. */
  band?: { upper: [number, number][]; lower: [number, number][]; name: string };
}

const WIDTH = 320;
const HEIGHT = 190;
const PLOT = { left: 44, right: 14, top: 8, bottom: 30 };

/** A number as a tick label: 3 significant digits, no trailing zeros. */
export function tickText(value: number): string {
  return Number(value.toPrecision(3)).toString().replace('-', '−');
}

/** Ticks at the powers of ten covering [low, high] (log₁₀ coordinates), at most about six. */
export function powerTicks(low: number, high: number): Tick[] {
  const first = Math.floor(low);
  const last = Math.ceil(high);
  const step = Math.max(1, Math.ceil((last - first) / 6));
  const ticks: Tick[] = [];
  for (let power = first; power <= last; power += step)
    ticks.push({ value: power, text: tickText(10 ** power) });
  return ticks;
}

/** Evenly spaced round ticks covering [low, high] (linear coordinates). */
export function linearTicks(low: number, high: number, count = 5): Tick[] {
  const raw = (high - low) / count || 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: Tick[] = [];
  for (let value = Math.floor(low / step) * step; value <= high + step / 2; value += step) {
    ticks.push({ value, text: tickText(value) });
  }
  return ticks;
}

/**
 * Lines over shared axes with ticks and a legend below (HTML, so it wraps on narrow screens), as
 * the CLI's plots draw them: one colour per series, dashed lines for references.
 */
export function seriesChart(options: SeriesChartOptions): HTMLElement {
  const { series, xTicks, yTicks, band } = options;
  const xs = [
    ...series.flatMap((line) => line.points.map(([px]) => px)),
    ...xTicks.map((t) => t.value),
  ].filter(Number.isFinite);
  const ys = [
    ...series.flatMap((line) => line.points.map(([, y]) => y)),
    ...yTicks.map((t) => t.value),
  ].filter(Number.isFinite);
  const [xLow, xHigh] = xs.length > 0 ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [yLow, yHigh] = ys.length > 0 ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const x = (value: number) =>
    PLOT.left + ((value - xLow) / (xHigh - xLow || 1)) * (WIDTH - PLOT.left - PLOT.right);
  const y = (value: number) =>
    PLOT.top + (1 - (value - yLow) / (yHigh - yLow || 1)) * (HEIGHT - PLOT.top - PLOT.bottom);
  const path = (points: [number, number][]) =>
    points
      .filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py))
      .map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`)
      .join(' ');
  const text = (content: string, attributes: Record<string, string | number>) =>
    svgElement('text', { 'font-size': 8, fill: '#333', ...attributes }, [content]);
  const svg = svgElement('svg', {
    class: 'chart series-chart',
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-label': options.label,
  });
  const bottom = HEIGHT - PLOT.bottom;
  for (const tick of yTicks) {
    svg.append(
      svgElement('line', {
        x1: PLOT.left,
        x2: WIDTH - PLOT.right,
        y1: y(tick.value),
        y2: y(tick.value),
        stroke: '#e3e5e8',
      }),
      text(tick.text, { x: PLOT.left - 3, y: y(tick.value) + 3, 'text-anchor': 'end' }),
    );
  }
  for (const tick of xTicks) {
    svg.append(text(tick.text, { x: x(tick.value), y: bottom + 10, 'text-anchor': 'middle' }));
  }
  svg.append(
    svgElement('line', {
      x1: PLOT.left,
      x2: PLOT.left,
      y1: PLOT.top,
      y2: bottom,
      stroke: '#333',
      'stroke-width': 0.6,
    }),
    svgElement('line', {
      x1: PLOT.left,
      x2: WIDTH - PLOT.right,
      y1: bottom,
      y2: bottom,
      stroke: '#333',
      'stroke-width': 0.6,
    }),
    text(options.xLabel, { x: (PLOT.left + WIDTH - PLOT.right) / 2, y: HEIGHT - 4, 'text-anchor': 'middle' }),
    text(options.yLabel, {
      x: 9,
      y: (PLOT.top + bottom) / 2,
      'text-anchor': 'middle',
      transform: `rotate(-90 9 ${(PLOT.top + bottom) / 2})`,
    }),
  );
  if (band !== undefined && band.upper.length > 1) {
    const outline = `${path(band.upper)} ${path([...band.lower].reverse())}`;
    svg.append(
      svgElement('polygon', { points: outline, fill: '#f6c9a0', 'fill-opacity': 0.6, class: 'band' }),
    );
  }
  const legend = element('ul', { class: 'legend', 'aria-hidden': 'true' });
  series.forEach((line, index) => {
    const color = line.color ?? classColor(index);
    const dash: Record<string, string> = line.dashed ? { 'stroke-dasharray': '4 2' } : {};
    svg.append(
      svgElement('polyline', {
        points: path(line.points),
        fill: 'none',
        stroke: color,
        'stroke-width': 1.4,
        ...dash,
      }),
      ...line.points
        .filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py))
        .map(([px, py]) => svgElement('circle', { cx: x(px), cy: y(py), r: 1.6, fill: color })),
    );
    legend.append(
      element('li', {}, [
        element('span', { class: `swatch${line.dashed ? ' dashed' : ''}`, style: `border-color: ${color}` }),
        line.name,
      ]),
    );
  });
  if (band !== undefined) {
    legend.append(element('li', {}, [element('span', { class: 'swatch band' }), band.name]));
  }
  return element('figure', { class: 'series-figure' }, [svg, legend]);
}
