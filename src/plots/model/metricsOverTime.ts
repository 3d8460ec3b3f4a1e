/**
 * Small multiples of metrics over training steps: one panel per metric that some run actually
 * has, every run overlaid. A metric a record lacks is a gap, never a 0.
 */
import type { Annotation, Data, Layout, LayoutAxis } from 'plotly.js-dist-min';
import type { MetricsRecord } from '../../contracts/metrics';
import { runStyle } from '../palette';
import { axisStyle, baseLayout, escapeHover, fmt, plotTheme, type Figure } from '../theme';
import type { HistorySeries } from './alignUniform';

export interface MetricInfo {
  label: string;
  /** Which way is good, for the panel title. */
  better: 'higher' | 'lower' | null;
  /** A fixed y range (accuracies), so panels of several runs compare at a glance. */
  range?: [number, number];
}

export const METRIC_INFO: Record<string, MetricInfo> = {
  loss: { label: 'loss (evaluation)', better: 'lower' },
  alignment: { label: 'alignment', better: 'lower' },
  uniformity: { label: 'uniformity', better: 'lower' },
  effectiveRank: { label: 'effective rank', better: 'higher' },
  knnAccuracy: { label: 'k-NN accuracy', better: 'higher', range: [0, 1.02] },
  linearProbeAccuracy: { label: 'linear-probe accuracy', better: 'higher', range: [0, 1.02] },
  regressionMAE: { label: 'regression MAE', better: 'lower' },
  regressionR2: { label: 'regression R²', better: 'higher' },
  biasAlignedAccuracy: { label: 'bias-aligned accuracy', better: 'higher', range: [0, 1.02] },
  biasConflictingAccuracy: {
    label: 'bias-conflicting accuracy',
    better: 'higher',
    range: [0, 1.02],
  },
  biasPredictability: { label: 'bias predictability', better: 'lower', range: [0, 1.02] },
  commonProbe: { label: 'common-space probe', better: null, range: [0, 1.02] },
  salientProbe: { label: 'salient-space probe', better: null, range: [0, 1.02] },
};

export function metricInfo(key: string): MetricInfo {
  const [base, sub] = key.split('.', 2) as [string, string | undefined];
  const info = METRIC_INFO[base] ?? { label: base, better: null };
  return sub === undefined ? info : { ...info, label: `${info.label}: ${sub}` };
}

export interface MetricLine {
  runId: string;
  label: string;
  index: number;
  color?: string;
  steps: number[];
  values: number[];
}

export interface MetricPanel {
  /** `knnAccuracy`, or `commonProbe.digit` for a per-label probe. */
  key: string;
  title: string;
  info: MetricInfo;
  lines: MetricLine[];
}

function valueOf(record: MetricsRecord, key: string): number | undefined {
  const [base, sub] = key.split('.', 2) as [keyof MetricsRecord, string | undefined];
  const v = record[base];
  if (sub === undefined) return typeof v === 'number' ? v : undefined;
  if (v && typeof v === 'object') {
    const inner = (v as Record<string, unknown>)[sub];
    return typeof inner === 'number' ? inner : undefined;
  }
  return undefined;
}

/** Panel keys: scalar metrics as given; a record-valued metric expands to one key per label. */
function panelKeys(series: readonly HistorySeries[], metrics: readonly string[]): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  const add = (k: string) => {
    if (!seen.has(k)) {
      seen.add(k);
      keys.push(k);
    }
  };
  for (const m of metrics) {
    if (m === 'step') continue;
    let nested = false;
    const subs: string[] = [];
    for (const s of series) {
      for (const r of s.history) {
        const v = r[m as keyof MetricsRecord];
        if (v && typeof v === 'object') {
          nested = true;
          for (const k of Object.keys(v)) if (!subs.includes(k)) subs.push(k);
        }
      }
    }
    if (nested) subs.forEach((k) => add(`${m}.${k}`));
    else add(m);
  }
  return keys;
}

/**
 * The panels to draw: a metric is shown when at least one run has a finite value for it;
 * each line holds only the steps where the run has the metric.
 */
export function collectMetricPanels(
  series: readonly HistorySeries[],
  metrics: readonly string[],
): MetricPanel[] {
  const panels: MetricPanel[] = [];
  for (const key of panelKeys(series, metrics)) {
    const lines: MetricLine[] = [];
    series.forEach((s, index) => {
      const pts: [number, number][] = [];
      for (const r of s.history) {
        const v = valueOf(r, key);
        if (v !== undefined && Number.isFinite(v) && Number.isFinite(r.step)) pts.push([r.step, v]);
      }
      if (!pts.length) return;
      pts.sort((a, b) => a[0] - b[0]);
      lines.push({
        runId: s.id,
        label: s.label,
        index,
        color: s.color,
        steps: pts.map((p) => p[0]),
        values: pts.map((p) => p[1]),
      });
    });
    if (!lines.length) continue;
    const info = metricInfo(key);
    const arrow = info.better === 'higher' ? ' ↑' : info.better === 'lower' ? ' ↓' : '';
    panels.push({ key, title: `${info.label}${arrow}`, info, lines });
  }
  return panels;
}

export interface Domain {
  x: [number, number];
  y: [number, number];
}

/**
 * Domains of a grid of `count` panels, `columns` per row, filled row by row from the top
 * (paper coordinates; `titleSpace` above each panel is left for its title).
 */
export function gridDomains(
  count: number,
  columns: number,
  { gapX = 0.08, gapY = 0.12, titleSpace = 0.04 } = {},
): Domain[] {
  if (count <= 0) return [];
  const cols = Math.max(1, Math.min(columns, count));
  const rows = Math.ceil(count / cols);
  const width = (1 - gapX * (cols - 1)) / cols;
  const height = (1 - gapY * (rows - 1)) / rows;
  const out: Domain[] = [];
  for (let i = 0; i < count; i++) {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const x0 = c * (width + gapX);
    const top = 1 - r * (height + gapY);
    out.push({
      x: [round(x0), round(x0 + width)],
      y: [
        round(Math.max(0, top - height)),
        round(Math.max(0, top - Math.min(titleSpace, height / 4))),
      ],
    });
  }
  return out;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function describeMetrics(panels: readonly MetricPanel[]): string {
  if (!panels.length) return 'Metrics over time: no evaluation yet.';
  const parts = panels.map((p) => {
    const runs = p.lines.map((l) => {
      const i = l.values.length - 1;
      return `${l.label} ${fmt(l.values[i])} at step ${l.steps[i]}`;
    });
    return `${p.info.label}${p.info.better ? ` (${p.info.better} is better)` : ''}: ${runs.join(', ')}`;
  });
  return `Metrics over training steps, latest values. ${parts.join('; ')}.`;
}

export function buildMetricsOverTimeFigure(
  series: readonly HistorySeries[],
  metrics: readonly string[],
  options: { talk?: boolean; columns?: number; title?: string } = {},
): Figure & { panels: MetricPanel[] } {
  const talk = options.talk ?? false;
  const theme = plotTheme(talk);
  const panels = collectMetricPanels(series, metrics);
  const columns = options.columns ?? (talk ? 2 : 3);
  const domains = gridDomains(panels.length, columns, { gapY: talk ? 0.16 : 0.12 });
  const axis = axisStyle(talk);
  const data: Data[] = [];
  const layout: Partial<Layout> & Record<string, unknown> = {
    ...baseLayout(talk, options.title),
    uirevision: 'metrics',
    hovermode: 'closest',
    showlegend: series.length > 1,
  };
  const annotations: Partial<Annotation>[] = [];
  const legendShown = new Set<string>();
  panels.forEach((panel, p) => {
    const suffix = p === 0 ? '' : String(p + 1);
    const domain = domains[p]!;
    const xa: Partial<LayoutAxis> = {
      ...axis,
      domain: domain.x,
      anchor: `y${suffix}` as LayoutAxis['anchor'],
      rangemode: 'tozero',
    };
    const ya: Partial<LayoutAxis> = {
      ...axis,
      domain: domain.y,
      anchor: `x${suffix}` as LayoutAxis['anchor'],
      ...(panel.info.range ? { range: panel.info.range, autorange: false } : {}),
    };
    layout[`xaxis${suffix}`] = xa;
    layout[`yaxis${suffix}`] = ya;
    annotations.push({
      text: `<b>${escapeHover(panel.title)}</b>`,
      xref: 'paper',
      yref: 'paper',
      x: domain.x[0],
      y: domain.y[1],
      xanchor: 'left',
      yanchor: 'bottom',
      showarrow: false,
      font: { size: theme.fontSize },
    });
    for (const line of panel.lines) {
      const style = runStyle(line.index, line.color);
      const name = escapeHover(line.label);
      data.push({
        type: 'scatter',
        mode: line.values.length > 1 ? 'lines+markers' : 'markers',
        name,
        legendgroup: line.runId,
        showlegend: !legendShown.has(line.runId),
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        x: line.steps,
        y: line.values,
        line: { color: style.color, width: theme.lineWidth, dash: style.dash },
        marker: { color: style.color, size: theme.markerSize * 0.8 },
        hovertemplate: `${name}<br>${escapeHover(panel.info.label)}<br>step %{x}: %{y:.4g}<extra></extra>`,
      });
      legendShown.add(line.runId);
    }
  });
  layout.annotations = annotations;
  if (!panels.length) {
    layout.xaxis = { visible: false };
    layout.yaxis = { visible: false };
    layout.annotations = [
      {
        text: 'No metric yet: metrics appear after the first evaluation.',
        xref: 'paper',
        yref: 'paper',
        x: 0.5,
        y: 0.5,
        showarrow: false,
        font: { size: theme.fontSize },
      },
    ];
  }
  return { data, layout, summary: describeMetrics(panels), panels };
}

/** Suggested height for `count` panels. */
export function metricsHeight(count: number, columns: number, talk = false): number {
  const rows = Math.max(1, Math.ceil(count / Math.max(1, columns)));
  return rows * (talk ? 260 : 190) + 80;
}
