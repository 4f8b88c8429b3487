import { formatNumber, svgElement } from '../dom.js';
import { classColor } from './colors.js';

/** What {@link barChart} draws. */
export interface BarChartOptions {
  /** One bar per class, from 0 up to `max`. */
  values: number[];
  /** A black tick per class at these heights (e.g. the probabilities π). */
  reference?: number[];
  /** Top of the value axis (default 1). */
  max?: number;
  /** Accessible name: what the chart shows. */
  label: string;
  /** Write the class numbers under the bars (default true). */
  classLabels?: boolean;
  /** Size of the plotting area in viewBox units (default 100 × 40); text is 6.5 units high. */
  width?: number;
  height?: number;
}

/**
 * A bar chart with one coloured bar per class, scaled to its container's width. Its accessible name
 * lists every value, so a screen reader reads the chart as numbers.
 */
export function barChart(options: BarChartOptions): SVGSVGElement {
  const { values, reference, max = 1, classLabels = true, width = 100, height = 40 } = options;
  const labelHeight = classLabels ? 9 : 1;
  const slot = width / values.length;
  const barWidth = slot * 0.7;
  const y = (value: number) => height - (Math.min(Math.max(value, 0), max) / max) * height;
  const listed = values.map((value, k) => `class ${k + 1}: ${formatNumber(value)}`).join(', ');
  const svg = svgElement('svg', {
    class: 'chart',
    viewBox: `0 -1 ${width} ${height + labelHeight + 1}`,
    role: 'img',
    'aria-label': `${options.label}. ${listed}`,
  });
  values.forEach((value, k) => {
    const x = k * slot + (slot - barWidth) / 2;
    svg.append(
      svgElement('rect', {
        x,
        y: y(value),
        width: barWidth,
        height: Math.max(height - y(value), 0),
        fill: classColor(k),
        stroke: '#333',
        'stroke-width': 0.3,
      }),
    );
    if (reference !== undefined) {
      svg.append(
        svgElement('line', {
          x1: x - slot * 0.08,
          x2: x + barWidth + slot * 0.08,
          y1: y(reference[k]),
          y2: y(reference[k]),
          stroke: '#000',
          'stroke-width': 1.2,
        }),
      );
    }
    if (classLabels) {
      svg.append(
        svgElement(
          'text',
          {
            x: k * slot + slot / 2,
            y: height + 7.5,
            'text-anchor': 'middle',
            'font-size': 6.5,
            fill: '#333',
          },
          [String(k + 1)],
        ),
      );
    }
  });
  svg.append(
    svgElement('line', { x1: 0, x2: width, y1: height, y2: height, stroke: '#333', 'stroke-width': 0.4 }),
  );
  return svg;
}
