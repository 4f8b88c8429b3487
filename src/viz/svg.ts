/** SVG text helpers and SVG → PNG rasterization with resvg (Node only). */
import { Resvg } from '@resvg/resvg-js';

/**
 * The fonts asked for in the SVGs written here, first found wins: DejaVu Sans is on most Linux
 * systems (Debian's `fonts-dejavu-core`), Arial and Helvetica on Windows and macOS.
 */
export const SVG_FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

/** Escapes `text` for use in SVG/XML text content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Options of {@link svgToPng}. */
export interface SvgToPngOptions {
  /**
   * Font files (`.ttf`, `.otf`) to load besides the system's fonts: needed only where no system
   * font is installed, else text is silently left out.
   */
  fontFiles?: string[];
}

/**
 * Rasterizes an SVG document at its own `width` × `height` (1 SVG unit = 1 pixel) on a white
 * background and encodes it as an RGBA PNG. Text uses the system's fonts plus `options.fontFiles`.
 */
export function svgToPng(svg: string, options: SvgToPngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'original' },
    font: { loadSystemFonts: true, fontFiles: options.fontFiles ?? [] },
    logLevel: 'error',
  });
  return resvg.render().asPng();
}
