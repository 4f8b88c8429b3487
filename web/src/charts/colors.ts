/**
 * One colour per class, the same in every chart: Okabe and Ito's palette (distinguishable with the
 * common colour-vision deficiencies) plus two of Paul Tol's. Bars also get a dark outline, so even
 * the light colours stand out from the white background.
 */
export const CLASS_COLORS = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#882255',
  '#44AA99',
  '#999999',
] as const;

/** The colour of class `index` (0-based). */
export function classColor(index: number): string {
  return CLASS_COLORS[index % CLASS_COLORS.length];
}

/** Viridis at five stops, interpolated linearly: t in [0, 1] → [r, g, b]. */
const VIRIDIS: readonly [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** A perceptually ordered colour for t in [0, 1] (dark purple → yellow). */
export function viridis(t: number): [number, number, number] {
  const position = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const low = Math.min(Math.floor(position), VIRIDIS.length - 2);
  const fraction = position - low;
  const a = VIRIDIS[low];
  const b = VIRIDIS[low + 1];
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * fraction)) as [number, number, number];
}
