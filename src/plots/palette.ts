/**
 * Colour-blind-safe colours and marker symbols shared by every plot.
 *
 * - Categories: Okabe & Ito (2008) for up to 8 categories; beyond that Paul Tol's discrete
 *   rainbow (SRON/EPS/TN/09-002, fig. 22), which is designed to stay distinguishable for the
 *   common colour-vision deficiencies up to 23 colours; past 23 it cycles, and the symbols carry
 *   the rest.
 * - Runs (overlaid curves): Okabe–Ito without yellow (too pale for lines), cycling line dashes.
 * - Continuous values: Cividis (perceptually uniform and readable with deuteranopia); Viridis as
 *   the alternative.
 */

/** Okabe–Ito, in the order categories take them (yellow late: it is pale on white). */
export const OKABE_ITO = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#D55E00', // vermillion
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#F0E442', // yellow
  '#000000', // black
] as const;

export const OKABE_ITO_NAMES = [
  'blue',
  'orange',
  'bluish green',
  'vermillion',
  'reddish purple',
  'sky blue',
  'yellow',
  'black',
] as const;

/** Points whose category is missing or out of range. */
export const MISSING_COLOR = '#BBBBBB';

/** Paul Tol's 29 discrete-rainbow colours (index i here is Tol's colour i + 1). */
export const TOL_DISCRETE_RAINBOW = [
  '#E8ECFB',
  '#D9CCE3',
  '#D1BBD7',
  '#CAACCB',
  '#BA8DB4',
  '#AE76A3',
  '#AA6F9E',
  '#994F88',
  '#882E72',
  '#1965B0',
  '#437DBF',
  '#5289C7',
  '#6195CF',
  '#7BAFDE',
  '#4EB265',
  '#90C987',
  '#CAE0AB',
  '#F7F056',
  '#F7CB45',
  '#F6C141',
  '#F4A736',
  '#F1932D',
  '#EE8026',
  '#E8601C',
  '#E65518',
  '#DC050C',
  '#A5170E',
  '#72190E',
  '#42150A',
] as const;

/** Tol's choice of colours (1-based) for 9…23 categories. */
const TOL_RAINBOW_PICKS: Record<number, readonly number[]> = {
  9: [9, 10, 14, 15, 17, 18, 23, 26, 28],
  10: [9, 10, 14, 15, 17, 18, 21, 24, 26, 28],
  11: [9, 10, 12, 14, 15, 17, 18, 21, 24, 26, 28],
  12: [3, 6, 9, 10, 12, 14, 15, 17, 18, 21, 24, 26],
  13: [3, 6, 9, 10, 12, 14, 15, 16, 17, 18, 21, 24, 26],
  14: [3, 6, 9, 10, 12, 14, 15, 16, 17, 18, 20, 22, 24, 26],
  15: [3, 6, 9, 10, 12, 14, 15, 16, 17, 18, 20, 22, 24, 26, 28],
  16: [3, 5, 7, 9, 10, 12, 14, 15, 16, 17, 18, 20, 22, 24, 26, 28],
  17: [3, 5, 7, 8, 9, 10, 12, 14, 15, 16, 17, 18, 20, 22, 24, 26, 28],
  18: [3, 5, 7, 8, 9, 10, 12, 14, 15, 16, 17, 18, 20, 22, 24, 26, 27, 28],
  19: [2, 4, 5, 7, 8, 9, 10, 12, 14, 15, 16, 17, 18, 20, 22, 24, 26, 27, 28],
  20: [2, 4, 5, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 20, 22, 24, 26, 27, 28],
  21: [2, 4, 5, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 21, 23, 25, 26, 27, 28],
  22: [2, 4, 5, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 21, 23, 25, 26, 27, 28, 29],
  23: [1, 2, 4, 5, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 21, 23, 25, 26, 27, 28, 29],
};

/** The largest category count with a distinct colour for each category. */
export const MAX_DISTINCT_COLORS = 23;

/**
 * `k` colours for `k` categories: Okabe–Ito for k ≤ 8, Tol's discrete rainbow for 9…23, and
 * Tol's 23 cycled beyond that (pair them with symbols).
 */
export function categoricalPalette(k: number): string[] {
  if (!Number.isFinite(k) || k <= 0) return [];
  const count = Math.floor(k);
  if (count <= OKABE_ITO.length) return OKABE_ITO.slice(0, count);
  const picks = TOL_RAINBOW_PICKS[Math.min(count, MAX_DISTINCT_COLORS)]!;
  const base = picks.map((i) => TOL_DISCRETE_RAINBOW[i - 1]!);
  return Array.from({ length: count }, (_, i) => base[i % base.length]!);
}

/** Colour of category `value` among `k`; missing (negative, non-integer, ≥ k) gets grey. */
export function categoryColor(value: number, k: number, palette = categoricalPalette(k)): string {
  if (!Number.isInteger(value) || value < 0 || value >= k) return MISSING_COLOR;
  return palette[value] ?? MISSING_COLOR;
}

/** Marker symbols that scattergl draws, most distinct first. */
export const SYMBOLS_2D = [
  'circle',
  'square',
  'diamond',
  'triangle-up',
  'x',
  'cross',
  'triangle-down',
  'star',
  'hexagon',
  'pentagon',
] as const;

/** The symbols scatter3d supports. */
export const SYMBOLS_3D = [
  'circle',
  'square',
  'diamond',
  'x',
  'cross',
  'circle-open',
  'square-open',
  'diamond-open',
] as const;

/** Symbol of category `value` (cycling when there are more categories than symbols). */
export function symbolFor(value: number, dims: 2 | 3): string {
  const list: readonly string[] = dims === 3 ? SYMBOLS_3D : SYMBOLS_2D;
  if (!Number.isInteger(value) || value < 0) return list[0]!;
  return list[value % list.length]!;
}

/** Colours for overlaid runs: Okabe–Ito without yellow. */
export const RUN_COLORS = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#000000',
] as const;

export const RUN_DASHES = ['solid', 'dash', 'dot', 'dashdot'] as const;

export interface RunStyle {
  color: string;
  dash: (typeof RUN_DASHES)[number];
}

/** Style of the `index`-th run: a colour, then a dash pattern once the colours are used up. */
export function runStyle(index: number, color?: string): RunStyle {
  const i = Math.max(0, Math.floor(index));
  return {
    color: color ?? RUN_COLORS[i % RUN_COLORS.length]!,
    dash: RUN_DASHES[Math.floor(i / RUN_COLORS.length) % RUN_DASHES.length]!,
  };
}

/** Colour-blind-safe continuous scales (Plotly names). */
export const CONTINUOUS_SCALE = 'Cividis';
export const CONTINUOUS_SCALE_ALT = 'Viridis';

/** Positive vs negative pairs (blue vs orange, the safest pair), aligned vs conflicting shades. */
export const PAIR_COLORS = {
  positive: '#0072B2',
  negative: '#E69F00',
  positiveAligned: '#0072B2',
  positiveConflicting: '#56B4E9',
  negativeAligned: '#D55E00',
  negativeConflicting: '#E69F00',
  margin: '#009E73',
} as const;

/** Sequential white → blue → navy (monotone lightness) for non-negative weights. */
export const WEIGHT_SCALE: [number, string][] = [
  [0, '#FFFFFF'],
  [0.5, '#56B4E9'],
  [1, '#00366C'],
];

/** Diverging vermillion ← white → blue for signed weights. */
export const SIGNED_WEIGHT_SCALE: [number, string][] = [
  [0, '#D55E00'],
  [0.5, '#FFFFFF'],
  [1, '#0072B2'],
];
