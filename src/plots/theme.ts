/**
 * Shared look of the plots: fonts, margins and the Plotly config, in a normal and a talk size.
 * Type-only imports from Plotly, so this module (and the figure builders) load without a DOM.
 */
import type { Config, Data, Layout } from 'plotly.js-dist-min';

export interface PlotTheme {
  fontSize: number;
  titleSize: number;
  lineWidth: number;
  markerSize: number;
  gridColor: string;
  textColor: string;
}

export function plotTheme(talk = false): PlotTheme {
  return talk
    ? {
        fontSize: 18,
        titleSize: 22,
        lineWidth: 3.5,
        markerSize: 9,
        gridColor: '#BDBDBD',
        textColor: '#000000',
      }
    : {
        fontSize: 12,
        titleSize: 14,
        lineWidth: 2,
        markerSize: 6,
        gridColor: '#E5E5E5',
        textColor: '#222222',
      };
}

export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** A layout every plot starts from; builders spread their own axes over it. */
export function baseLayout(talk = false, title?: string): Partial<Layout> {
  const t = plotTheme(talk);
  return {
    autosize: true,
    font: { family: FONT_FAMILY, size: t.fontSize, color: t.textColor },
    title: title
      ? { text: title, font: { size: t.titleSize }, x: 0.01, xanchor: 'left' }
      : undefined,
    margin: { l: talk ? 84 : 60, r: 16, t: title ? (talk ? 56 : 40) : 16, b: talk ? 72 : 52 },
    paper_bgcolor: '#FFFFFF',
    plot_bgcolor: '#FFFFFF',
    hoverlabel: { font: { family: FONT_FAMILY, size: t.fontSize } },
    // On the right: Plotly widens the margin for it, so it never covers an axis title.
    legend: {
      orientation: 'v',
      x: 1.02,
      xanchor: 'left',
      y: 1,
      yanchor: 'top',
      font: { size: t.fontSize },
    },
  };
}

/** Axis defaults (grid, ticks, zero line). */
export function axisStyle(talk = false) {
  const t = plotTheme(talk);
  return {
    gridcolor: t.gridColor,
    zerolinecolor: t.gridColor,
    linecolor: '#444444',
    showline: true,
    ticks: 'outside' as const,
    // Fixed margins (baseLayout) instead of automargin: automargin costs extra layout passes on
    // every redraw.
    automargin: false,
  };
}

/**
 * The Plotly config: no logo, no link out, the camera button exports PNG at twice the size.
 * `responsive` keeps the plot sized to its container.
 */
export function plotConfig(filename = 'plot', talk = false): Partial<Config> {
  return {
    displaylogo: false,
    responsive: true,
    showTips: false,
    scrollZoom: false,
    toImageButtonOptions: { format: 'png', filename, scale: talk ? 3 : 2 },
    modeBarButtonsToRemove: ['select2d', 'lasso2d'],
  };
}

/** Style that hides text visually but keeps it for screen readers. */
export const VISUALLY_HIDDEN = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0, 0, 0, 0)',
  whiteSpace: 'nowrap',
  border: 0,
} as const;

/** Rounds for display: 3 significant digits, no exponent for ordinary magnitudes. */
export function fmt(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return '–';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const s =
    abs >= 1e5 || abs < 1e-3 ? value.toExponential(digits - 1) : String(+value.toPrecision(digits));
  return s.replace(/-/g, '−');
}

/** A figure: what Plotly draws and what a screen reader hears. */
export interface Figure {
  data: Data[];
  layout: Partial<Layout>;
  /** Plain-text description of what is shown, for the visually hidden caption. */
  summary: string;
}

/** Run labels go into hover templates: keep Plotly's template and HTML syntax out. */
export function escapeHover(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/%\{/g, '%&#123;');
}
