/**
 * The positives' weight matrix of a batch as a heatmap: row a = anchor, column b = candidate,
 * view-major (row v·N + i is view v of sample i), 0 on the diagonal (an anchor is never its own
 * positive). Lines between view blocks make the layout readable.
 */
import type { Data, Layout, Shape } from 'plotly.js-dist-min';
import { SIGNED_WEIGHT_SCALE, WEIGHT_SCALE } from '../palette';
import { axisStyle, baseLayout, escapeHover, fmt, plotTheme, type Figure } from '../theme';

export interface WeightMatrixInput {
  /** size × size, row-major. */
  matrix: Float64Array | Float32Array;
  size: number;
  title: string;
  rowLabels?: readonly string[];
  /** Number of views V: draws the view blocks of a view-major batch (N = size / V). */
  views?: number;
  talk?: boolean;
}

export interface WeightStats {
  size: number;
  min: number;
  max: number;
  /** Off-diagonal entries that are non-zero, as a fraction of size·(size − 1). */
  positiveFraction: number;
  /** Mean over anchors of the number of candidates with a non-zero weight. */
  positivesPerAnchor: number;
  /** Mean over anchors of the sum of weights. */
  meanRowSum: number;
  diagonalZero: boolean;
}

export function weightStats(matrix: ArrayLike<number>, size: number): WeightStats {
  let min = Infinity;
  let max = -Infinity;
  let nonzero = 0;
  let total = 0;
  let diagonalZero = true;
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      const v = matrix[a * size + b] ?? 0;
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      if (a === b) {
        if (v !== 0) diagonalZero = false;
        continue;
      }
      if (v !== 0) nonzero++;
      total += v;
    }
  }
  const off = size * (size - 1);
  return {
    size,
    min: min <= max ? min : 0,
    max: min <= max ? max : 0,
    positiveFraction: off > 0 ? nonzero / off : 0,
    positivesPerAnchor: size > 0 ? nonzero / size : 0,
    meanRowSum: size > 0 ? total / size : 0,
    diagonalZero,
  };
}

export function describeWeightMatrix(input: WeightMatrixInput): string {
  const s = weightStats(input.matrix, input.size);
  const v = input.views && input.views > 0 ? input.views : undefined;
  const layout = v
    ? ` The batch is view-major: ${v} blocks of ${Math.round(input.size / v)} samples.`
    : '';
  return (
    `${input.title}: ${input.size} × ${input.size} weights of positives (rows are anchors, ` +
    `columns candidates), from ${fmt(s.min)} to ${fmt(s.max)}. ` +
    `${fmt(s.positivesPerAnchor)} positives per anchor on average (${fmt(100 * s.positiveFraction)}% ` +
    `of pairs), mean weight sum per anchor ${fmt(s.meanRowSum)}. ` +
    `The diagonal is ${s.diagonalZero ? '0' : 'not 0'}.${layout}`
  );
}

function indexLabel(i: number, size: number, views?: number): string {
  if (!views || views <= 1 || size % views !== 0) return `row ${i}`;
  const n = size / views;
  return `view ${Math.floor(i / n)} of sample ${i % n}`;
}

export function buildWeightHeatmapFigure(input: WeightMatrixInput): Figure {
  const { matrix, size } = input;
  const talk = input.talk ?? false;
  const theme = plotTheme(talk);
  const stats = weightStats(matrix, size);
  const signed = stats.min < 0;
  const z: number[][] = [];
  // Per-cell hover text only for small batches (size² strings otherwise).
  const withText = size <= 64;
  const text: string[][] = [];
  const labels = Array.from({ length: size }, (_, i) =>
    escapeHover(input.rowLabels?.[i] ?? indexLabel(i, size, input.views)),
  );
  for (let a = 0; a < size; a++) {
    const row: number[] = [];
    const trow: string[] = [];
    for (let b = 0; b < size; b++) {
      const v = matrix[a * size + b] ?? 0;
      row.push(v);
      if (!withText) continue;
      trow.push(
        a === b
          ? `anchor ${labels[a]}: itself (excluded, 0)`
          : `anchor ${labels[a]}<br>candidate ${labels[b]}<br>weight ${fmt(v)}`,
      );
    }
    z.push(row);
    if (withText) text.push(trow);
  }
  const bound = Math.max(Math.abs(stats.min), Math.abs(stats.max)) || 1;
  const data: Data[] = [
    {
      type: 'heatmap',
      z,
      ...(withText
        ? { text, hovertemplate: '%{text}<extra></extra>' }
        : { hovertemplate: 'anchor %{y} · candidate %{x}<br>weight %{z:.3g}<extra></extra>' }),
      colorscale: signed ? SIGNED_WEIGHT_SCALE : WEIGHT_SCALE,
      zmin: signed ? -bound : 0,
      zmax: signed ? bound : stats.max > 0 ? stats.max : 1,
      xgap: size <= 32 ? 1 : 0,
      ygap: size <= 32 ? 1 : 0,
      colorbar: { title: { text: 'weight' }, thickness: talk ? 20 : 12 },
    } as Data,
  ];
  const shapes: Partial<Shape>[] = [];
  const v = input.views;
  if (v && v > 1 && size % v === 0) {
    const n = size / v;
    for (let k = 1; k < v; k++) {
      const at = k * n - 0.5;
      shapes.push(
        {
          type: 'line',
          xref: 'x',
          yref: 'y',
          x0: at,
          x1: at,
          y0: -0.5,
          y1: size - 0.5,
          line: { color: '#444444', width: talk ? 2 : 1 },
        },
        {
          type: 'line',
          xref: 'x',
          yref: 'y',
          x0: -0.5,
          x1: size - 0.5,
          y0: at,
          y1: at,
          line: { color: '#444444', width: talk ? 2 : 1 },
        },
      );
    }
  }
  const axis = axisStyle(talk);
  const tickvals =
    input.rowLabels && size <= 24 ? Array.from({ length: size }, (_, i) => i) : undefined;
  const base = baseLayout(talk, input.title);
  const layout: Partial<Layout> = {
    ...base,
    uirevision: `weights-${size}`,
    font: { ...base.font, size: theme.fontSize },
    xaxis: {
      ...axis,
      title: { text: 'candidate b' },
      showgrid: false,
      zeroline: false,
      constrain: 'domain',
      ...(tickvals ? { tickvals, ticktext: labels, automargin: true } : {}),
    },
    yaxis: {
      ...axis,
      title: { text: 'anchor a' },
      autorange: 'reversed',
      showgrid: false,
      zeroline: false,
      scaleanchor: 'x',
      scaleratio: 1,
      constrain: 'domain',
      ...(tickvals ? { tickvals, ticktext: labels, automargin: true } : {}),
    },
    shapes,
  };
  return { data, layout, summary: describeWeightMatrix(input) };
}
