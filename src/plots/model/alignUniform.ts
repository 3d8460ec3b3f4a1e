/**
 * The alignment–uniformity plane (Wang & Isola, ICML 2020, Fig. 2 style): x = L_align,
 * y = L_uniform, both lower is better, one trajectory per run from its first to its latest
 * evaluation, the latest point emphasised, an arrow "better" toward the lower left.
 */
import type { Annotation, Data, Layout } from 'plotly.js-dist-min';
import type { MetricsRecord } from '../../contracts/metrics';
import { runStyle } from '../palette';
import { axisStyle, baseLayout, escapeHover, fmt, plotTheme, type Figure } from '../theme';

export interface HistorySeries {
  id: string;
  label: string;
  history: readonly MetricsRecord[];
  color?: string;
}

export interface TrajectoryPoint {
  step: number;
  alignment: number;
  uniformity: number;
}

/** The records that have both metrics as finite numbers, in step order. */
export function alignUniformTrajectory(history: readonly MetricsRecord[]): TrajectoryPoint[] {
  const out: TrajectoryPoint[] = [];
  for (const r of history) {
    const { alignment, uniformity } = r;
    if (
      typeof alignment === 'number' &&
      typeof uniformity === 'number' &&
      Number.isFinite(alignment) &&
      Number.isFinite(uniformity)
    ) {
      out.push({ step: r.step, alignment, uniformity });
    }
  }
  return out.sort((a, b) => a.step - b.step);
}

export function describeAlignUniform(series: readonly HistorySeries[]): string {
  const rows = series
    .map((s) => ({ s, t: alignUniformTrajectory(s.history) }))
    .filter((r) => r.t.length > 0);
  if (!rows.length) return 'Alignment–uniformity plane: no evaluation with both metrics yet.';
  const parts = rows.map(({ s, t }) => {
    const first = t[0]!;
    const last = t[t.length - 1]!;
    const move =
      t.length > 1
        ? ` (from alignment ${fmt(first.alignment)}, uniformity ${fmt(first.uniformity)} at step ${first.step})`
        : '';
    return `${s.label}: alignment ${fmt(last.alignment)}, uniformity ${fmt(last.uniformity)} at step ${last.step}${move}`;
  });
  return (
    'Alignment (x) against uniformity (y), lower is better for both, so better runs sit lower ' +
    `left. ${parts.join('; ')}.`
  );
}

export function buildAlignUniformFigure(
  series: readonly HistorySeries[],
  options: { talk?: boolean; title?: string; labelRuns?: boolean } = {},
): Figure {
  const talk = options.talk ?? false;
  const theme = plotTheme(talk);
  const data: Data[] = [];
  const rows = series.map((s, index) => ({ s, index, t: alignUniformTrajectory(s.history) }));
  const drawn = rows.filter((r) => r.t.length > 0);
  const labelRuns = options.labelRuns ?? drawn.length <= 4;
  for (const { s, index, t } of drawn) {
    const style = runStyle(index, s.color);
    const n = t.length;
    const name = escapeHover(s.label);
    // Older points smaller and fainter: the eye follows the direction of travel.
    const sizes = t.map((_, i) => theme.markerSize * (0.6 + (0.6 * i) / Math.max(1, n - 1)));
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name,
      legendgroup: s.id,
      x: t.map((p) => p.alignment),
      y: t.map((p) => p.uniformity),
      customdata: t.map((p) => p.step),
      line: { color: style.color, width: theme.lineWidth * 0.75, dash: style.dash },
      marker: { color: style.color, size: sizes, opacity: 0.75 },
      hovertemplate: `${name}<br>step %{customdata}<br>alignment %{x:.4g}<br>uniformity %{y:.4g}<extra></extra>`,
    });
    const last = t[n - 1]!;
    data.push({
      type: 'scatter',
      mode: labelRuns ? 'text+markers' : 'markers',
      name: `${name} (latest)`,
      legendgroup: s.id,
      showlegend: false,
      x: [last.alignment],
      y: [last.uniformity],
      customdata: [last.step],
      text: [name],
      textposition: 'top right',
      textfont: { color: style.color, size: theme.fontSize },
      marker: {
        color: style.color,
        size: theme.markerSize * 2.2,
        symbol: 'circle',
        line: { color: '#000000', width: talk ? 3 : 2 },
      },
      hovertemplate: `${name} (latest)<br>step %{customdata}<br>alignment %{x:.4g}<br>uniformity %{y:.4g}<extra></extra>`,
    });
  }
  const better: Partial<Annotation> = {
    xref: 'paper',
    yref: 'paper',
    x: 0.02,
    y: 0.04,
    ax: talk ? 70 : 50,
    ay: talk ? -70 : -50,
    showarrow: true,
    arrowhead: 2,
    arrowsize: talk ? 1.6 : 1.2,
    arrowwidth: talk ? 3 : 2,
    arrowcolor: '#444444',
    text: 'better (both lower)',
    font: { size: theme.fontSize, color: '#444444' },
    xanchor: 'left',
    yanchor: 'bottom',
  };
  const axis = axisStyle(talk);
  const layout: Partial<Layout> = {
    ...baseLayout(talk, options.title),
    uirevision: 'align-uniform',
    hovermode: 'closest',
    showlegend: drawn.length > 1,
    xaxis: { ...axis, title: { text: 'alignment ℒ<sub>align</sub>' } },
    yaxis: { ...axis, title: { text: 'uniformity ℒ<sub>uniform</sub>' } },
    annotations: drawn.length ? [better] : [],
  };
  return { data, layout, summary: describeAlignUniform(series) };
}
