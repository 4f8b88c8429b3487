import { describe, expect, it } from 'vitest';
import { linePlotPng, linePlotSvg } from '../../src/viz/linePlot.js';
import {
  type LinePlotOptions,
  type LineSeries,
  linePlotLayout,
  SERIES_COLORS,
} from '../../src/viz/plotLayout.js';
import { type DecodedPng, decodePng, expectArgumentError, rgbaAt } from './png.js';

const options: LinePlotOptions = {
  title: '−ELBO and temperature τ over training steps',
  xLabel: 'step',
  yLabel: '−ELBO (nats)',
  y2Label: 'temperature τ',
  width: 480,
  height: 320,
};

const elbo: LineSeries = {
  name: '−ELBO',
  points: Array.from({ length: 51 }, (_, i): [number, number] => [i * 1000, 110 + 400 * Math.exp(-i / 3)]),
};
const temperature: LineSeries = {
  name: 'τ',
  axis: 'right',
  points: Array.from({ length: 51 }, (_, i): [number, number] => [
    i * 1000,
    Math.max(0.5, Math.exp(-0.03 * i)),
  ]),
};

/** The `d` of the line drawn for the series coloured `color` (not its legend swatch). */
function linePath(svg: string, color: string): string | undefined {
  return svg.match(new RegExp(`<path d="([^"]*)" stroke="${color}" stroke-width="2" fill="none"`))?.[1];
}

/** The vertices of an SVG path made of M and L commands. */
function vertices(path: string): number[][] {
  return [...path.matchAll(/[ML]([-\d.]+) ([-\d.]+)/g)].map((match) => [Number(match[1]), Number(match[2])]);
}

function isDark(png: DecodedPng, x: number, y: number): boolean {
  const [red, green, blue] = rgbaAt(png, x, y);
  return (red + green + blue) / 3 < 128;
}

function countDark(png: DecodedPng, top: number, bottom: number): number {
  let dark = 0;
  for (let y = top; y < bottom; y++) for (let x = 0; x < png.width; x++) if (isDark(png, x, y)) dark++;
  return dark;
}

/** `hex` ('#1f77b4') as [red, green, blue]. */
function rgbOf(hex: string): number[] {
  return [1, 3, 5].map((start) => Number.parseInt(hex.slice(start, start + 2), 16));
}

describe('linePlotSvg', () => {
  it('holds the title, axis labels, legend names and round tick labels, escaped', () => {
    const svg = linePlotSvg([elbo, temperature], options);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320"')).toBe(true);
    for (const text of ['−ELBO and temperature τ over training steps', '>step<', '>−ELBO (nats)<']) {
      expect(svg).toContain(text);
    }
    expect(svg).toContain('>temperature τ<');
    expect(svg).toContain('>−ELBO<');
    expect(svg).toContain('>τ (right axis)<');
    // Left ticks 100…600, right ticks 0.5…1.0 and x ticks every 10000 steps.
    for (const tick of ['>100<', '>600<', '>0.5<', '>1.0<', '>0<', '>50000<']) expect(svg).toContain(tick);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    const strange = { name: 'a < b & "c"', points: [] };
    const escaped = linePlotSvg([strange], { ...options, title: "<script> & 'x'" });
    expect(escaped).toContain('>a &lt; b &amp; &quot;c&quot;<');
    expect(escaped).toContain('>&lt;script&gt; &amp; &apos;x&apos;<');
    expect(escaped).not.toContain('<script>');
  });

  it('measures a right-axis series on the right scale and dashes it', () => {
    const layout = linePlotLayout([elbo, temperature], options);
    expect(layout.leftScale.ticks).toEqual([100, 200, 300, 400, 500, 600]);
    expect(layout.rightScale?.min).toBe(0.5);
    expect(layout.rightScale?.max).toBe(1);
    const svg = linePlotSvg([elbo, temperature], options);
    expect(svg).toMatch(
      new RegExp(`stroke="${SERIES_COLORS[1]}" stroke-width="2" fill="none" [^>]*stroke-dasharray`),
    );
    const [first] = vertices(linePath(svg, SERIES_COLORS[1]) ?? '');
    // τ = 1 at step 0: the top-left corner of the plot area, measured on the right axis.
    expect(first[0]).toBeCloseTo(layout.plot.left, 1);
    expect(first[1]).toBeCloseTo(layout.plot.top, 1);
    // Without a right-axis series there is no right scale and no right label.
    expect(linePlotLayout([elbo], options).rightScale).toBeUndefined();
    expect(linePlotSvg([elbo], options)).not.toContain('>temperature τ<');
  });

  it('skips points with a NaN or infinite coordinate, joining their neighbours', () => {
    const gappy: LineSeries = {
      name: 'gappy',
      points: [
        [0, 1],
        [1, Number.NaN],
        [2, 3],
        [Number.NaN, 4],
        [3, Number.POSITIVE_INFINITY],
        [4, 2],
      ],
    };
    const layout = linePlotLayout([gappy], options);
    expect([layout.leftScale.min, layout.leftScale.max]).toEqual([1, 3]);
    const path = linePath(linePlotSvg([gappy], options), SERIES_COLORS[0]) ?? '';
    const drawn = vertices(path);
    expect(drawn).toHaveLength(3);
    expect(drawn.map(([x]) => x)).toEqual([0, 2, 4].map((x) => Math.round(layout.xPixel(x) * 100) / 100));
    expect(drawn.map(([, y]) => y)).toEqual([1, 3, 2].map((y) => Math.round(layout.yPixel(y) * 100) / 100));
  });

  it('draws a single point as a dot and a series of only NaN not at all, without dividing by zero', () => {
    const single: LineSeries = { name: 'single', points: [[7, 3]] };
    const nothing: LineSeries = { name: 'nothing', points: [[Number.NaN, Number.NaN]] };
    const layout = linePlotLayout([single, nothing], options);
    const svg = linePlotSvg([single, nothing], options);
    expect(svg).not.toMatch(/NaN|Infinity/);
    const dot = svg.match(/<circle cx="([-\d.]+)" cy="([-\d.]+)" r="3" fill="([^"]+)"/);
    expect(dot?.slice(1).map((value, index) => (index < 2 ? Number(value) : value))).toEqual([
      Math.round(layout.xPixel(7) * 100) / 100,
      Math.round(layout.yPixel(3) * 100) / 100,
      SERIES_COLORS[0],
    ]);
    expect(linePath(svg, SERIES_COLORS[1])).toBeUndefined();
    expect(svg).toContain('>nothing<');
  });

  it('handles no series at all: axes over [0, 1], no legend', () => {
    const layout = linePlotLayout([], options);
    expect(layout.legend).toEqual([]);
    expect([layout.xScale.min, layout.xScale.max, layout.leftScale.min, layout.leftScale.max]).toEqual([
      0, 1, 0, 1,
    ]);
    expect(linePlotSvg([], options)).not.toMatch(/NaN|Infinity|<circle/);
  });

  it('wraps a legend too wide for one row onto more rows', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ name: `series number ${i}`, points: [] }));
    const legend = linePlotLayout(many, options).legend;
    const rows = new Set(legend.map((entry) => entry.y));
    expect(rows.size).toBeGreaterThan(1);
    for (const entry of legend) expect(entry.x).toBeLessThan(480);
  });

  it('rejects malformed series and options, naming the argument', () => {
    expectArgumentError(() => linePlotSvg({} as never, options), 'series');
    expectArgumentError(() => linePlotSvg([{ points: [] } as never], options), 'series[0]');
    expectArgumentError(() => linePlotSvg([{ ...elbo, axis: 'top' as never }], options), 'series[0].axis');
    expectArgumentError(
      () => linePlotSvg([elbo, { name: 'bad', points: [[1] as never] }], options),
      'series[1].points[0]',
    );
    expectArgumentError(() => linePlotSvg([elbo], { ...options, width: 50 }), 'options.width', />= 200/);
    expectArgumentError(() => linePlotSvg([elbo], { ...options, height: 300.5 }), 'options.height');
    expectArgumentError(
      () => linePlotSvg([elbo], { ...options, title: undefined as never }),
      'options.title',
    );
  });
});

describe('linePlotPng', () => {
  it('is width × height pixels, white where nothing is drawn, with text rendered from a system font', () => {
    const png = decodePng(linePlotPng([elbo, temperature], options));
    expect([png.width, png.height]).toEqual([480, 320]);
    expect(rgbaAt(png, 2, 2)).toEqual([255, 255, 255, 255]);
    const layout = linePlotLayout([elbo, temperature], options);
    // The title (above the legend) has dark pixels only if a font was found to draw it.
    expect(countDark(png, 0, layout.legend[0].y - 14)).toBeGreaterThan(100);
    // The left axis line is dark halfway down.
    expect(
      isDark(png, Math.floor(layout.plot.left), Math.round(layout.plot.top + layout.plot.height / 2)),
    ).toBe(true);
  });

  it('draws a constant series as a line at its value, mid-axis', () => {
    const constant: LineSeries = {
      name: 'constant',
      points: [
        [0, 5],
        [10, 5],
      ],
    };
    const layout = linePlotLayout([constant], options);
    const y = layout.yPixel(5);
    expect(y).toBeCloseTo(layout.plot.top + layout.plot.height / 2, 6);
    const png = decodePng(linePlotPng([constant], options));
    const color = rgbOf(SERIES_COLORS[0]);
    // The 2-pixel-wide stroke covers the pixel row holding y; check a few columns along it.
    for (const fraction of [0.25, 0.5, 0.75]) {
      const x = Math.round(layout.plot.left + fraction * layout.plot.width);
      const [red, green, blue] = rgbaAt(png, x, Math.floor(y));
      expect(Math.abs(red - color[0]) + Math.abs(green - color[1]) + Math.abs(blue - color[2])).toBeLessThan(
        30,
      );
      // … and nothing of it 10 pixels above or below (only background or a light grid line).
      expect(isDark(png, x, Math.floor(y) - 10)).toBe(false);
      expect(isDark(png, x, Math.floor(y) + 10)).toBe(false);
    }
  });

  it('renders an empty plot without failing', () => {
    const png = decodePng(linePlotPng([], { ...options, width: 200, height: 150 }));
    expect([png.width, png.height]).toEqual([200, 150]);
    expect(countDark(png, 0, 150)).toBeGreaterThan(0);
  });
});
