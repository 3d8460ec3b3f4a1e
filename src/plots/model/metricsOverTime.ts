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
    // A no-break space: a wrapped title keeps its arrow on the last word's line.
    const arrow = info.better === 'higher' ? '\u00a0↑' : info.better === 'lower' ? '\u00a0↓' : '';
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

/** Width of a bold title in px, generously estimated (system fonts run 0.5–0.62 em a character). */
export function titleWidthPx(text: string, fontSize: number): number {
  return text.length * fontSize * 0.64;
}

const GAP_X = 0.08;

/**
 * Panels per row for a plot `width` px wide, and each panel's title in lines: as many panels as
 * `preferred` allows while every title fits over its panel in at most two lines (titles of
 * neighbouring panels must not run into each other); one column wraps as much as it must.
 */
export function fitColumns(
  titles: readonly string[],
  width: number,
  preferred: number,
  fontSize: number,
  margins: { l: number; r: number },
): { columns: number; lines: string[][] } {
  const area = Math.max(1, width - margins.l - margins.r);
  const layoutFor = (cols: number) => {
    const n = Math.max(1, Math.min(cols, titles.length));
    // A title may run over the gap to the next panel, not into it.
    const room = (area * (1 - GAP_X * (n - 1))) / n + (n > 1 ? area * GAP_X * 0.8 : 0);
    const lines = titles.map((t) => wrapTitle(t, room, fontSize));
    const fits = lines.every(
      (ls) => ls.length <= 2 && ls.every((l) => titleWidthPx(l, fontSize) <= room),
    );
    return { columns: cols, lines, fits };
  };
  for (let cols = Math.max(1, preferred); cols > 1; cols--) {
    const l = layoutFor(cols);
    if (l.fits) return { columns: cols, lines: l.lines };
  }
  const one = layoutFor(1);
  return { columns: 1, lines: one.lines };
}

/** Breaks a title at spaces into lines that fit `maxPx` (a single long word stays whole). */
export function wrapTitle(text: string, maxPx: number, fontSize: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && titleWidthPx(next, fontSize) > maxPx) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

export function buildMetricsOverTimeFigure(
  series: readonly HistorySeries[],
  metrics: readonly string[],
  options: {
    talk?: boolean;
    columns?: number;
    title?: string;
    /** The plot's width in px, when known: fewer columns so the panel titles fit. */
    width?: number;
  } = {},
): Figure & { panels: MetricPanel[]; columns: number; titleLines: number } {
  const talk = options.talk ?? false;
  const theme = plotTheme(talk);
  const panels = collectMetricPanels(series, metrics);
  const base = baseLayout(talk, options.title);
  const margins = { l: base.margin?.l ?? 60, r: base.margin?.r ?? 16 };
  // With a known width the legend goes below the panels (a right-hand legend of long run labels
  // would take half a narrow plot), and the columns are as many as the titles allow.
  const sized = options.width !== undefined && options.width > 0;
  const preferred = options.columns ?? (talk ? 2 : 3);
  const fitted = sized
    ? fitColumns(
        panels.map((p) => p.title),
        options.width!,
        preferred,
        theme.fontSize,
        margins,
      )
    : { columns: preferred, lines: panels.map((p) => [p.title]) };
  const columns = fitted.columns;
  const titleLines = fitted.lines;
  const maxLines = Math.max(1, ...titleLines.map((l) => l.length));
  // Row gaps hold the tick labels above; each panel's top keeps room for its title lines (px as
  // shares of the plot area, so many rows do not shrink the panels to slivers).
  const rows = Math.max(1, Math.ceil(panels.length / Math.max(1, columns)));
  const areaPx = Math.max(
    100,
    metricsHeight(panels.length, columns, talk, maxLines) -
      (base.margin?.t ?? 16) -
      (base.margin?.b ?? 52),
  );
  const linePx = theme.fontSize * 1.3;
  const domains = gridDomains(panels.length, columns, {
    gapX: GAP_X,
    gapY: rows > 1 ? (talk ? 56 : 40) / areaPx : 0,
    titleSpace: (linePx * maxLines) / areaPx,
  });
  const axis = axisStyle(talk);
  const data: Data[] = [];
  const layout: Partial<Layout> & Record<string, unknown> = {
    ...base,
    uirevision: 'metrics',
    hovermode: 'closest',
    showlegend: series.length > 1,
    ...(sized
      ? {
          legend: {
            ...base.legend,
            orientation: 'h',
            x: 0,
            xanchor: 'left',
            // Below the lowest panels' tick labels and axis (paper units of the plot's height).
            y: -(talk ? 70 : 50) / areaPx,
            yanchor: 'top',
          },
        }
      : {}),
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
      text: titleLines[p]!.map((l) => `<b>${escapeHover(l)}</b>`).join('<br>'),
      xref: 'paper',
      yref: 'paper',
      x: domain.x[0],
      y: domain.y[1],
      xanchor: 'left',
      yanchor: 'bottom',
      align: 'left',
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
  return { data, layout, summary: describeMetrics(panels), panels, columns, titleLines: maxLines };
}

/** Suggested height for `count` panels (with `titleLines` lines of panel titles). */
export function metricsHeight(
  count: number,
  columns: number,
  talk = false,
  titleLines = 1,
): number {
  const rows = Math.max(1, Math.ceil(count / Math.max(1, columns)));
  return rows * ((talk ? 260 : 190) + (titleLines - 1) * (talk ? 24 : 16)) + 80;
}
