/**
 * Pictures of training results: image grids and line plots as PNG files, and crash-safe writes.
 * Node only (PNG encoding returns Buffers; resvg is a native addon), so the core `index.ts` does
 * not re-export it.
 * @packageDocumentation
 */

export type { GreyImages, ImageGridOptions, PairedGridOptions } from './imageGrid.js';
export { imageGridPng, pairedGridPng } from './imageGrid.js';
export type { LinePlotPngOptions } from './linePlot.js';
export { linePlotPng, linePlotSvg } from './linePlot.js';
export type {
  LegendEntry,
  LinePlotLayout,
  LinePlotOptions,
  LineSeries,
  PixelRect,
} from './plotLayout.js';
export { finitePoints, linePlotLayout, PLOT_METRICS, SERIES_COLORS } from './plotLayout.js';
export type { SvgToPngOptions } from './svg.js';
export { escapeXml, SVG_FONT_FAMILY, svgToPng } from './svg.js';
export type { NiceScale } from './ticks.js';
export { formatTick, niceTicks } from './ticks.js';
export type { FileContents } from './writeFileAtomic.js';
export { writeFileAtomic, writeFileAtomicSync } from './writeFileAtomic.js';
