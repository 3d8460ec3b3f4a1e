/** The loss curves of every run, overlaid: raw (faint) and smoothed (bold). */
import type { Data, Layout } from 'plotly.js-dist-min';
import { runStyle } from '../palette';
import { axisStyle, baseLayout, escapeHover, fmt, plotTheme, type Figure } from '../theme';

export interface LossPoint {
  step: number;
  loss: number;
}

export interface LossSeries {
  id: string;
  label: string;
  points: readonly LossPoint[];
  /** Pins the run's colour (default: by position in the list). */
  color?: string;
}

export interface LossCurveOptions {
  logY?: boolean;
  /** Exponential smoothing weight in [0, 1); 0 draws the raw curve only. Default 0.6. */
  smoothing?: number;
  talk?: boolean;
  title?: string;
}

/** Above this many points in total the curves use WebGL. */
export const WEBGL_THRESHOLD = 1500;

/**
 * Debiased exponential moving average (as TensorBoard): s_k = w·s_{k−1} + (1−w)·v_k divided by
 * 1 − w^k, so the start is not pulled toward 0. Non-finite values are skipped (kept as NaN).
 */
export function emaSmooth(values: readonly number[], weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  const out: number[] = [];
  let acc = 0;
  let count = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      out.push(NaN);
      continue;
    }
    acc = w * acc + (1 - w) * v;
    count++;
    out.push(w === 0 ? v : acc / (1 - w ** count));
  }
  return out;
}

/** Finite points only (a NaN step of a paused run is not drawn). */
export function finitePoints(points: readonly LossPoint[]): LossPoint[] {
  return points.filter((p) => Number.isFinite(p.step) && Number.isFinite(p.loss));
}

/** A log axis needs every drawn loss > 0 (uniformity-type and ε losses can be ≤ 0). */
export function canUseLogY(series: readonly LossSeries[]): boolean {
  let any = false;
  for (const s of series) {
    for (const p of finitePoints(s.points)) {
      if (p.loss <= 0) return false;
      any = true;
    }
  }
  return any;
}

export function describeLossCurves(series: readonly LossSeries[]): string {
  const drawn = series.map((s) => ({ s, pts: finitePoints(s.points) })).filter((r) => r.pts.length);
  if (!drawn.length) return 'Loss curve: no training steps yet.';
  const parts = drawn.map(({ s, pts }) => {
    const first = pts[0]!;
    const last = pts[pts.length - 1]!;
    const min = pts.reduce((m, p) => (p.loss < m.loss ? p : m), first);
    return (
      `${s.label}: loss ${fmt(last.loss)} at step ${last.step} ` +
      `(started at ${fmt(first.loss)}, lowest ${fmt(min.loss)} at step ${min.step})`
    );
  });
  return `Training loss against step for ${drawn.length} run${drawn.length > 1 ? 's' : ''}. ${parts.join('; ')}.`;
}

export function buildLossCurveFigure(
  series: readonly LossSeries[],
  options: LossCurveOptions = {},
): Figure {
  const talk = options.talk ?? false;
  const theme = plotTheme(talk);
  const smoothing = options.smoothing ?? 0.6;
  const logY = (options.logY ?? false) && canUseLogY(series);
  const total = series.reduce((n, s) => n + s.points.length, 0);
  const type = total > WEBGL_THRESHOLD ? 'scattergl' : 'scatter';
  const data: Data[] = [];
  series.forEach((s, index) => {
    const pts = finitePoints(s.points);
    if (!pts.length) return;
    const style = runStyle(index, s.color);
    const x = pts.map((p) => p.step);
    const y = pts.map((p) => p.loss);
    const smooth = smoothing > 0 && pts.length > 2;
    data.push({
      type,
      mode: 'lines',
      name: s.label,
      legendgroup: s.id,
      showlegend: !smooth,
      x,
      y,
      line: {
        color: style.color,
        width: smooth ? Math.max(1, theme.lineWidth / 2) : theme.lineWidth,
        dash: style.dash,
      },
      opacity: smooth ? 0.3 : 1,
      hovertemplate: `${escapeHover(s.label)}<br>step %{x}<br>loss %{y:.4g}<extra></extra>`,
    });
    if (smooth) {
      data.push({
        type,
        mode: 'lines',
        name: s.label,
        legendgroup: s.id,
        x,
        y: emaSmooth(y, smoothing),
        line: { color: style.color, width: theme.lineWidth, dash: style.dash },
        hovertemplate: `${escapeHover(s.label)} (smoothed)<br>step %{x}<br>loss %{y:.4g}<extra></extra>`,
      });
    }
  });
  const axis = axisStyle(talk);
  const layout: Partial<Layout> = {
    ...baseLayout(talk, options.title),
    uirevision: 'loss-curve',
    showlegend: series.length > 1,
    xaxis: { ...axis, title: { text: 'step' }, rangemode: 'tozero' },
    yaxis: {
      ...axis,
      title: { text: logY ? 'loss (log scale)' : 'loss' },
      type: logY ? 'log' : 'linear',
    },
    hovermode: 'closest',
  };
  return { data, layout, summary: describeLossCurves(series) };
}
