/**
 * Where the parts of a line plot go: scales with round ticks, margins that fit the tick labels, a
 * legend that wraps, and the data-to-pixel mapping (`linePlot.ts` draws it).
 */
import { ArgumentError } from '../validate.js';
import { checkInteger } from './checks.js';
import { formatTick, type NiceScale, niceTicks } from './ticks.js';

/** One line: `(x, y)` points drawn in order; points with a non-finite coordinate are skipped. */
export interface LineSeries {
  /** Shown in the legend. */
  name: string;
  points: [number, number][];
  /** Which y axis the series is measured on (default `'left'`); right-axis lines are dashed. */
  axis?: 'left' | 'right';
}

/** Options of {@link linePlotLayout} and `linePlotSvg`. */
export interface LinePlotOptions {
  title: string;
  xLabel: string;
  /** Label of the left y axis. */
  yLabel: string;
  /** Label of the right y axis, drawn when some series has `axis: 'right'`. */
  y2Label?: string;
  /** Pixels (default 640, at least 200). */
  width?: number;
  /** Pixels (default 400, at least 150). */
  height?: number;
}

/** A rectangle in pixels, from the top-left corner of the picture. */
export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** One legend entry and where it is drawn (the left end of its line swatch, on the text baseline). */
export interface LegendEntry {
  label: string;
  color: string;
  dashed: boolean;
  x: number;
  y: number;
}

/** Where everything in a line plot goes; `linePlotSvg` draws exactly this. */
export interface LinePlotLayout {
  width: number;
  height: number;
  /** The area inside the axes. */
  plot: PixelRect;
  xScale: NiceScale;
  leftScale: NiceScale;
  /** Present when some series is on the right axis. */
  rightScale?: NiceScale;
  legend: LegendEntry[];
  /** The title's font size: {@link PLOT_METRICS}' `titleSize`, or less (down to 8) so it fits the width. */
  titleSize: number;
  /** The horizontal pixel of data value `x`. */
  xPixel(x: number): number;
  /** The vertical pixel of data value `y` measured on `axis`. */
  yPixel(y: number, axis?: 'left' | 'right'): number;
}

/** Line colours, in series order (Tableau 10; told apart by most colour-blind readers). */
export const SERIES_COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;

/** Font sizes and legend metrics of line plots, in pixels. */
export const PLOT_METRICS = {
  /** The title's font size (shrunk for a long title: see {@link LinePlotLayout.titleSize}). */
  titleSize: 16,
  /** Axis labels and legend text. */
  textSize: 12,
  /** Tick labels. */
  tickSize: 11,
  /** Baseline-to-baseline distance of legend rows. */
  legendRow: 18,
  /** Length of the line drawn before each legend label. */
  swatch: 22,
} as const;

const {
  titleSize: TITLE_SIZE,
  textSize: TEXT_SIZE,
  tickSize: TICK_SIZE,
  legendRow: LEGEND_ROW,
  swatch: SWATCH,
} = PLOT_METRICS;
/** A rough average advance of the font, as a fraction of its size, to reserve room for text. */
const CHARACTER_WIDTH = 0.6;
/** The same for bold text (the title). */
const BOLD_CHARACTER_WIDTH = 0.68;

function textWidth(text: string, size: number): number {
  return text.length * size * CHARACTER_WIDTH;
}

function titleSizeFor(title: string, width: number): number {
  const fitting = (width - 20) / (Math.max(1, title.length) * BOLD_CHARACTER_WIDTH);
  return Math.round(Math.max(8, Math.min(TITLE_SIZE, fitting)) * 10) / 10;
}

function checkSeries(series: LineSeries[]): void {
  if (!Array.isArray(series)) throw new ArgumentError('series', 'must be an array of line series');
  series.forEach((line, index) => {
    const name = `series[${index}]`;
    if (typeof line !== 'object' || line === null || typeof line.name !== 'string') {
      throw new ArgumentError(name, 'must be an object with a string name and points');
    }
    if (line.axis !== undefined && line.axis !== 'left' && line.axis !== 'right') {
      throw new ArgumentError(`${name}.axis`, `must be 'left' or 'right', got ${String(line.axis)}`);
    }
    if (!Array.isArray(line.points)) throw new ArgumentError(`${name}.points`, 'must be an array');
    line.points.forEach((point, pointIndex) => {
      if (!Array.isArray(point) || point.length !== 2 || point.some((value) => typeof value !== 'number')) {
        throw new ArgumentError(`${name}.points[${pointIndex}]`, 'must be an [x, y] pair of numbers');
      }
    });
  });
}

function checkOptions(options: LinePlotOptions): { width: number; height: number } {
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError('options', 'must be an object with title, xLabel and yLabel');
  }
  for (const key of ['title', 'xLabel', 'yLabel'] as const) {
    if (typeof options[key] !== 'string') throw new ArgumentError(`options.${key}`, 'must be a string');
  }
  const { width = 640, height = 400 } = options;
  checkInteger(width, 'options.width', 200);
  checkInteger(height, 'options.height', 150);
  return { width, height };
}

/** The points of `line` with both coordinates finite, in order. */
export function finitePoints(line: LineSeries): [number, number][] {
  return line.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
}

/** Round ticks over the values `coordinate` picks from the finite points of `lines`; [0, 1] if none. */
function scaleOf(lines: LineSeries[], coordinate: 0 | 1, intervalCount: number): NiceScale {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const line of lines) {
    for (const point of finitePoints(line)) {
      min = Math.min(min, point[coordinate]);
      max = Math.max(max, point[coordinate]);
    }
  }
  return min <= max ? niceTicks(min, max, intervalCount) : niceTicks(0, 1, intervalCount);
}

function longestTickLabel(scale: NiceScale): number {
  return Math.max(...scale.ticks.map((tick) => formatTick(tick, scale.step).length));
}

/** Places legend entries left to right from `left`, wrapping before `right`, first baseline at `top`. */
function legendOf(series: LineSeries[], left: number, right: number, top: number): LegendEntry[] {
  const entries: LegendEntry[] = [];
  let x = left;
  let y = top;
  series.forEach((line, index) => {
    const label = line.axis === 'right' ? `${line.name} (right axis)` : line.name;
    const entryWidth = SWATCH + 6 + textWidth(label, TEXT_SIZE) + 18;
    if (x > left && x + entryWidth > right) {
      x = left;
      y += LEGEND_ROW;
    }
    const color = SERIES_COLORS[index % SERIES_COLORS.length];
    entries.push({ label, color, dashed: line.axis === 'right', x, y });
    x += entryWidth;
  });
  return entries;
}

/**
 * Computes where the axes, ticks, legend and lines of a plot go: the scales cover every finite
 * point (round ends from {@link niceTicks}; [0, 1] for an axis with no finite point), the margins
 * fit the tick labels, and the legend wraps over as many rows as it needs above the plot.
 *
 * @throws {ArgumentError} for malformed series or options.
 */
export function linePlotLayout(series: LineSeries[], options: LinePlotOptions): LinePlotLayout {
  checkSeries(series);
  const { width, height } = checkOptions(options);
  const leftLines = series.filter((line) => line.axis !== 'right');
  const rightLines = series.filter((line) => line.axis === 'right');
  const xScale = scaleOf(series, 0, Math.max(2, Math.round(width / 110)));
  const yIntervalCount = Math.max(2, Math.round(height / 70));
  const leftScale = scaleOf(leftLines, 1, yIntervalCount);
  const rightScale = rightLines.length > 0 ? scaleOf(rightLines, 1, yIntervalCount) : undefined;

  const marginLeft = 10 + TEXT_SIZE + 10 + longestTickLabel(leftScale) * TICK_SIZE * CHARACTER_WIDTH + 10;
  const marginRight = rightScale
    ? 10 + TEXT_SIZE + 10 + longestTickLabel(rightScale) * TICK_SIZE * CHARACTER_WIDTH + 10
    : 24;
  const legendTop = 10 + TITLE_SIZE + 8 + TEXT_SIZE;
  const legend = legendOf(series, marginLeft, width - marginRight, legendTop);
  const legendBottom = legend.length > 0 ? legend[legend.length - 1].y + 6 : legendTop - TEXT_SIZE;
  const top = legendBottom + 14;
  const bottom = height - (6 + TICK_SIZE + 8 + TEXT_SIZE + 10);
  if (bottom - top < 20 || width - marginRight - marginLeft < 20) {
    throw new ArgumentError('options', `leave no room for the plot at ${width} × ${height} pixels`);
  }
  const plot = { left: marginLeft, top, width: width - marginRight - marginLeft, height: bottom - top };
  const xPixel = (x: number) => plot.left + (plot.width * (x - xScale.min)) / (xScale.max - xScale.min);
  const yPixel = (y: number, axis: 'left' | 'right' = 'left') => {
    const scale = axis === 'right' && rightScale ? rightScale : leftScale;
    return plot.top + (plot.height * (scale.max - y)) / (scale.max - scale.min);
  };
  const titleSize = titleSizeFor(options.title, width);
  return { width, height, plot, xScale, leftScale, rightScale, legend, titleSize, xPixel, yPixel };
}
