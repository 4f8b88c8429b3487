/**
 * Line plots with axes, round ticks, a legend and an optional second y axis, as SVG text or PNG
 * (e.g. −ELBO on the left axis and the temperature τ on the right, over training steps).
 */
import {
  finitePoints,
  type LegendEntry,
  type LinePlotLayout,
  type LinePlotOptions,
  type LineSeries,
  linePlotLayout,
  PLOT_METRICS,
} from './plotLayout.js';
import { escapeXml, SVG_FONT_FAMILY, type SvgToPngOptions, svgToPng } from './svg.js';
import { formatTick } from './ticks.js';

const { titleSize: TITLE_SIZE, textSize: TEXT_SIZE, tickSize: TICK_SIZE, swatch: SWATCH } = PLOT_METRICS;

/** Options of {@link linePlotPng}. */
export interface LinePlotPngOptions extends LinePlotOptions, SvgToPngOptions {}

/** A number for an SVG attribute: at most two decimals. */
function svgNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function textElement(text: string, x: number, y: number, attributes: string): string {
  return `<text x="${svgNumber(x)}" y="${svgNumber(y)}" ${attributes}>${escapeXml(text)}</text>`;
}

function axisElements(layout: LinePlotLayout, options: LinePlotOptions): string[] {
  const { plot, xScale, leftScale, rightScale } = layout;
  const right = plot.left + plot.width;
  const bottom = plot.top + plot.height;
  const grid: string[] = [];
  const marks: string[] = [];
  const labels: string[] = [];
  const rightStep = rightScale?.step ?? 1;
  for (const tick of xScale.ticks) {
    const x = layout.xPixel(tick);
    grid.push(`M${svgNumber(x)} ${svgNumber(plot.top)}V${svgNumber(bottom)}`);
    marks.push(`M${svgNumber(x)} ${svgNumber(bottom)}v5`);
    labels.push(
      textElement(formatTick(tick, xScale.step), x, bottom + 6 + TICK_SIZE, 'text-anchor="middle"'),
    );
  }
  for (const tick of leftScale.ticks) {
    const y = layout.yPixel(tick, 'left');
    grid.push(`M${svgNumber(plot.left)} ${svgNumber(y)}H${svgNumber(right)}`);
    marks.push(`M${svgNumber(plot.left)} ${svgNumber(y)}h-5`);
    labels.push(textElement(formatTick(tick, leftScale.step), plot.left - 8, y + 4, 'text-anchor="end"'));
  }
  for (const tick of rightScale?.ticks ?? []) {
    const y = layout.yPixel(tick, 'right');
    marks.push(`M${svgNumber(right)} ${svgNumber(y)}h5`);
    labels.push(textElement(formatTick(tick, rightStep), right + 8, y + 4, 'text-anchor="start"'));
  }
  const frame = `M${svgNumber(plot.left)} ${svgNumber(plot.top)}V${svgNumber(bottom)}H${svgNumber(right)}${rightScale ? `V${svgNumber(plot.top)}` : ''}`;
  const middleY = plot.top + plot.height / 2;
  const elements = [
    `<path d="${grid.join('')}" stroke="#e6e6e6" stroke-width="1" fill="none"/>`,
    `<path d="${frame}${marks.join('')}" stroke="#333333" stroke-width="1" fill="none"/>`,
    `<g font-size="${TICK_SIZE}" fill="#333333">${labels.join('')}</g>`,
    textElement(options.xLabel, plot.left + plot.width / 2, layout.height - 10, 'text-anchor="middle"'),
    textElement(
      options.yLabel,
      0,
      0,
      `text-anchor="middle" transform="translate(${10 + TEXT_SIZE} ${svgNumber(middleY)}) rotate(-90)"`,
    ),
  ];
  if (rightScale && options.y2Label) {
    const x = layout.width - 10 - TEXT_SIZE;
    elements.push(
      textElement(
        options.y2Label,
        0,
        0,
        `text-anchor="middle" transform="translate(${svgNumber(x)} ${svgNumber(middleY)}) rotate(90)"`,
      ),
    );
  }
  return elements;
}

function seriesElement(line: LineSeries, layout: LinePlotLayout, color: string): string {
  const axis = line.axis ?? 'left';
  const points = finitePoints(line).map(([x, y]) => [layout.xPixel(x), layout.yPixel(y, axis)]);
  if (points.length === 0) return '';
  if (points.length === 1) {
    return `<circle cx="${svgNumber(points[0][0])}" cy="${svgNumber(points[0][1])}" r="3" fill="${color}"/>`;
  }
  const path = points
    .map(([x, y], index) => `${index === 0 ? 'M' : 'L'}${svgNumber(x)} ${svgNumber(y)}`)
    .join('');
  const dash = axis === 'right' ? ' stroke-dasharray="6 3"' : '';
  return `<path d="${path}" stroke="${color}" stroke-width="2" fill="none" stroke-linejoin="round"${dash}/>`;
}

function legendElement(entry: LegendEntry): string {
  const y = entry.y - 4;
  const dash = entry.dashed ? ' stroke-dasharray="6 3"' : '';
  return (
    `<path d="M${svgNumber(entry.x)} ${svgNumber(y)}h${SWATCH}" stroke="${entry.color}" stroke-width="2"${dash}/>` +
    textElement(entry.label, entry.x + SWATCH + 6, entry.y, 'fill="#222222"')
  );
}

/**
 * Draws `series` as an SVG document of `options.width` × `options.height` pixels: a title, a
 * legend naming every series, the lines over light grid lines, the x axis and the left y axis with
 * round tick values, and a right y axis (labelled `options.y2Label`) when some series has
 * `axis: 'right'`. Points with a non-finite coordinate are skipped (the line joins their
 * neighbours); a series with one finite point is drawn as a dot; with no finite points, nothing
 * but its legend entry. An axis with no data spans [0, 1]; a constant series sits mid-axis.
 *
 * @throws {ArgumentError} for malformed series or options.
 */
export function linePlotSvg(series: LineSeries[], options: LinePlotOptions): string {
  const layout = linePlotLayout(series, options);
  const body = [
    `<rect width="${layout.width}" height="${layout.height}" fill="#ffffff"/>`,
    textElement(
      options.title,
      layout.width / 2,
      10 + TITLE_SIZE,
      `font-size="${layout.titleSize}" font-weight="bold" text-anchor="middle"`,
    ),
    ...axisElements(layout, options),
    ...series.map((line, index) => seriesElement(line, layout, layout.legend[index].color)),
    ...layout.legend.map(legendElement),
  ];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" ` +
    `viewBox="0 0 ${layout.width} ${layout.height}" font-family="${escapeXml(SVG_FONT_FAMILY)}" ` +
    `font-size="${TEXT_SIZE}" fill="#222222">\n${body.filter((element) => element !== '').join('\n')}\n</svg>\n`
  );
}

/**
 * Draws `series` as {@link linePlotSvg} does and rasterizes it with resvg: an RGBA PNG of
 * `options.width` × `options.height` pixels on white. Text uses the system's fonts plus
 * `options.fontFiles`.
 *
 * @throws {ArgumentError} for malformed series or options.
 */
export function linePlotPng(series: LineSeries[], options: LinePlotPngOptions): Buffer {
  return svgToPng(linePlotSvg(series, options), { fontFiles: options.fontFiles });
}
