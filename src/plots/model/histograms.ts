/**
 * Histograms of cosine similarities of held-out pairs: positives against negatives, and (when
 * the data set has a bias label) each split into bias-aligned and bias-conflicting pairs. For
 * ε-SupInfoNCE the margin is drawn: ε is in logit units (the loss subtracts ε from s/τ), so in
 * cosine units the margin is ε·τ.
 */
import type { Annotation, Data, Layout, Shape } from 'plotly.js-dist-min';
import type { SimilarityHistogramsSnapshot } from '../../contracts/metrics';
import { PAIR_COLORS } from '../palette';
import { axisStyle, baseLayout, fmt, plotTheme, type Figure } from '../theme';

type Counts = ArrayLike<number>;

export function binCenters(edges: Counts): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < edges.length; i++) out.push((edges[i]! + edges[i + 1]!) / 2);
  return out;
}

export function binWidths(edges: Counts): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < edges.length; i++) out.push(edges[i + 1]! - edges[i]!);
  return out;
}

export function totalCount(counts: Counts): number {
  let t = 0;
  for (let i = 0; i < counts.length; i++) t += Math.max(0, counts[i]! || 0);
  return t;
}

/** Fractions of pairs per bin (sum 1), so histograms of very different sizes overlay. */
export function normalizeCounts(counts: Counts): number[] {
  const total = totalCount(counts);
  return Array.from({ length: counts.length }, (_, i) =>
    total > 0 ? Math.max(0, counts[i]! || 0) / total : 0,
  );
}

/**
 * The q-quantile of a histogram, linear inside the bin (mass uniform within a bin); null when
 * the histogram is empty.
 */
export function histogramQuantile(edges: Counts, counts: Counts, q: number): number | null {
  const total = totalCount(counts);
  if (total <= 0 || edges.length !== counts.length + 1) return null;
  const target = Math.min(Math.max(q, 0), 1) * total;
  let acc = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = Math.max(0, counts[i]! || 0);
    if (c > 0 && acc + c >= target) {
      const frac = (target - acc) / c;
      return edges[i]! + frac * (edges[i + 1]! - edges[i]!);
    }
    acc += c;
  }
  // q = 1 with trailing empty bins: the upper edge of the last non-empty bin.
  for (let i = counts.length - 1; i >= 0; i--) if ((counts[i] ?? 0) > 0) return edges[i + 1]!;
  return null;
}

export function histogramMean(edges: Counts, counts: Counts): number | null {
  const total = totalCount(counts);
  if (total <= 0) return null;
  const centers = binCenters(edges);
  let s = 0;
  for (let i = 0; i < counts.length; i++) s += Math.max(0, counts[i]! || 0) * centers[i]!;
  return s / total;
}

export interface EpsilonBand {
  epsilon: number;
  temperature: number;
  /** ε·τ: the margin in cosine units. */
  marginCos: number;
  /** Where the band starts: the `negQuantile` quantile of the negatives. */
  anchor: number;
  /** anchor + ε·τ, clamped to [−1, 1]. */
  target: number;
  /** The band as an interval, x0 ≤ x1 (ε < 0 makes it extend to the left). */
  x0: number;
  x1: number;
  /** The achieved pooled gap: `posQuantile` of positives minus `anchor`; null without positives. */
  gap: number | null;
  /** Whether gap ≥ ε·τ (pooled over anchors; the loss asks it per anchor). */
  satisfied: boolean | null;
  negQuantile: number;
  posQuantile: number;
}

/**
 * The ε margin as a band on the cosine axis: from the upper tail of the negatives (their
 * `negQuantile` quantile) to ε·τ above it, where the bulk of the positives should lie.
 * Null when ε or τ is missing or non-finite, or there are no negatives.
 */
export function epsilonBand(
  histograms: SimilarityHistogramsSnapshot,
  epsilon: number | undefined,
  temperature: number | undefined,
  { negQuantile = 0.95, posQuantile = 0.05 } = {},
): EpsilonBand | null {
  if (epsilon === undefined || temperature === undefined) return null;
  if (!Number.isFinite(epsilon) || !Number.isFinite(temperature) || temperature <= 0) return null;
  const anchor = histogramQuantile(histograms.edges, histograms.negative, negQuantile);
  if (anchor === null) return null;
  const marginCos = epsilon * temperature;
  const target = Math.min(1, Math.max(-1, anchor + marginCos));
  const posLow = histogramQuantile(histograms.edges, histograms.positive, posQuantile);
  const gap = posLow === null ? null : posLow - anchor;
  return {
    epsilon,
    temperature,
    marginCos,
    anchor,
    target,
    x0: Math.min(anchor, target),
    x1: Math.max(anchor, target),
    gap,
    satisfied: gap === null ? null : gap >= marginCos,
    negQuantile,
    posQuantile,
  };
}

/** The words that explain ε in logits vs cosine, for titles and hover text. */
export function epsilonExplanation(epsilon: number, temperature: number | undefined): string {
  if (temperature === undefined || !Number.isFinite(temperature)) {
    return `ε = ${fmt(epsilon)} (in logit units: the loss subtracts ε from s/τ; τ unknown, so the cosine margin is not drawn)`;
  }
  return (
    `ε = ${fmt(epsilon)} in logit units (subtracted from s/τ), so the margin in cosine ` +
    `similarity is ε·τ = ${fmt(epsilon)} × ${fmt(temperature)} = ${fmt(epsilon * temperature)}`
  );
}

function describeOne(name: string, edges: Counts, counts: Counts): string {
  const n = totalCount(counts);
  if (n <= 0) return `${name}: none`;
  const mean = histogramMean(edges, counts);
  const lo = histogramQuantile(edges, counts, 0.05);
  const hi = histogramQuantile(edges, counts, 0.95);
  return `${name}: ${Math.round(n)} pairs, mean cosine ${fmt(mean)}, 90% between ${fmt(lo)} and ${fmt(hi)}`;
}

export function describeHistograms(
  h: SimilarityHistogramsSnapshot,
  band: EpsilonBand | null,
  epsilon?: number,
  temperature?: number,
): string {
  const parts = [
    describeOne('positive pairs', h.edges, h.positive),
    describeOne('negative pairs', h.edges, h.negative),
  ];
  if (h.byBias) {
    parts.push(
      describeOne('positive bias-aligned', h.edges, h.byBias.positiveAligned),
      describeOne('positive bias-conflicting', h.edges, h.byBias.positiveConflicting),
      describeOne('negative bias-aligned', h.edges, h.byBias.negativeAligned),
      describeOne('negative bias-conflicting', h.edges, h.byBias.negativeConflicting),
    );
  }
  let text = `Histograms of cosine similarity of held-out pairs. ${parts.join('; ')}.`;
  if (epsilon !== undefined && Number.isFinite(epsilon)) {
    text += ` ${epsilonExplanation(epsilon, temperature)}.`;
    if (band && band.gap !== null) {
      text +=
        ` The lower 5% of positives sits ${fmt(band.gap)} above the upper 5% of negatives: ` +
        (band.satisfied ? 'the margin is met (pooled).' : 'the margin is not met yet (pooled).');
    }
  }
  return text;
}

interface BarSpec {
  name: string;
  counts: Counts;
  color: string;
  pattern?: boolean;
  axis: string;
  group: string;
}

export function buildSimilarityHistogramsFigure(
  h: SimilarityHistogramsSnapshot,
  options: { epsilon?: number; temperature?: number; talk?: boolean; title?: string } = {},
): Figure & { band: EpsilonBand | null } {
  const talk = options.talk ?? false;
  const theme = plotTheme(talk);
  const centers = binCenters(h.edges);
  const widths = binWidths(h.edges);
  const split = Boolean(h.byBias);
  const bars: BarSpec[] = [
    {
      name: 'positive pairs',
      counts: h.positive,
      color: PAIR_COLORS.positive,
      axis: '',
      group: 'all',
    },
    {
      name: 'negative pairs',
      counts: h.negative,
      color: PAIR_COLORS.negative,
      axis: '',
      group: 'all',
    },
  ];
  if (h.byBias) {
    bars.push(
      {
        name: 'positive, bias-aligned',
        counts: h.byBias.positiveAligned,
        color: PAIR_COLORS.positiveAligned,
        axis: '2',
        group: 'pos',
      },
      {
        name: 'positive, bias-conflicting',
        counts: h.byBias.positiveConflicting,
        color: PAIR_COLORS.positiveConflicting,
        pattern: true,
        axis: '2',
        group: 'pos',
      },
      {
        name: 'negative, bias-aligned',
        counts: h.byBias.negativeAligned,
        color: PAIR_COLORS.negativeAligned,
        axis: '3',
        group: 'neg',
      },
      {
        name: 'negative, bias-conflicting',
        counts: h.byBias.negativeConflicting,
        color: PAIR_COLORS.negativeConflicting,
        pattern: true,
        axis: '3',
        group: 'neg',
      },
    );
  }
  const data: Data[] = bars.map((b) => {
    const frac = normalizeCounts(b.counts);
    const raw = Array.from({ length: frac.length }, (_, i) => Math.round(b.counts[i] ?? 0));
    return {
      type: 'bar',
      name: b.name,
      legendgroup: b.group,
      x: centers,
      y: frac,
      width: widths,
      customdata: raw,
      xaxis: `x${b.axis}`,
      yaxis: `y${b.axis}`,
      opacity: 0.6,
      marker: {
        color: b.color,
        line: { color: b.color, width: 1 },
        ...(b.pattern
          ? { pattern: { shape: '/', fgcolor: '#FFFFFF', size: 6, solidity: 0.3 } }
          : {}),
      },
      hovertemplate: `${b.name}<br>cosine %{x:.2f}<br>%{y:.1%} of pairs (%{customdata})<extra></extra>`,
    } as Data;
  });

  const band = epsilonBand(h, options.epsilon, options.temperature);
  const epsilonTitle =
    options.epsilon !== undefined && Number.isFinite(options.epsilon) && options.epsilon !== 0
      ? band
        ? `ε margin ε·τ = ${fmt(band.marginCos)} in cosine (ε = ${fmt(band.epsilon)} logits, τ = ${fmt(band.temperature)})`
        : `ε = ${fmt(options.epsilon)} (logit units)`
      : undefined;
  const title = [options.title, epsilonTitle].filter(Boolean).join(' · ') || undefined;
  const axis = axisStyle(talk);
  const xRange: [number, number] = [-1.02, 1.02];
  const topDomain: [number, number] = split ? [0.58, 1] : [0, 1];
  const layout: Partial<Layout> & Record<string, unknown> = {
    ...baseLayout(talk, title),
    uirevision: 'similarity-histograms',
    barmode: 'overlay',
    bargap: 0,
    hovermode: 'closest',
    xaxis: {
      ...axis,
      range: xRange,
      domain: [0, 1],
      anchor: 'y',
      title: { text: split ? '' : 'cosine similarity' },
    },
    yaxis: {
      ...axis,
      domain: topDomain,
      anchor: 'x',
      title: { text: 'fraction of pairs' },
      rangemode: 'tozero',
    },
  };
  const annotations: Partial<Annotation>[] = [];
  if (split) {
    layout.xaxis2 = {
      ...axis,
      range: xRange,
      domain: [0, 0.47],
      anchor: 'y2',
      title: { text: 'cosine similarity' },
    };
    layout.yaxis2 = {
      ...axis,
      domain: [0, 0.4],
      anchor: 'x2',
      title: { text: 'fraction' },
      rangemode: 'tozero',
    };
    layout.xaxis3 = {
      ...axis,
      range: xRange,
      domain: [0.53, 1],
      anchor: 'y3',
      title: { text: 'cosine similarity' },
    };
    layout.yaxis3 = { ...axis, domain: [0, 0.4], anchor: 'x3', rangemode: 'tozero' };
    for (const [text, x] of [
      ['positives by bias group', 0],
      ['negatives by bias group', 0.53],
    ] as const) {
      annotations.push({
        text: `<b>${text}</b>`,
        xref: 'paper',
        yref: 'paper',
        x,
        y: 0.42,
        xanchor: 'left',
        yanchor: 'bottom',
        showarrow: false,
        font: { size: theme.fontSize },
      });
    }
  }

  const shapes: Partial<Shape>[] = [];
  if (band) {
    const yDomain = topDomain;
    shapes.push(
      {
        type: 'rect',
        xref: 'x',
        yref: 'paper',
        x0: band.x0,
        x1: band.x1,
        y0: yDomain[0],
        y1: yDomain[1],
        fillcolor: PAIR_COLORS.margin,
        opacity: 0.18,
        line: { width: 0 },
        layer: 'below',
      },
      {
        type: 'line',
        xref: 'x',
        yref: 'paper',
        x0: band.target,
        x1: band.target,
        y0: yDomain[0],
        y1: yDomain[1],
        line: { color: PAIR_COLORS.margin, width: talk ? 3 : 2, dash: 'dash' },
      },
    );
    annotations.push({
      text: `ε·τ = ${fmt(band.marginCos)}`,
      xref: 'x',
      yref: 'paper',
      x: band.target,
      y: yDomain[1],
      xanchor: band.marginCos >= 0 ? 'left' : 'right',
      yanchor: 'top',
      showarrow: false,
      font: { size: theme.fontSize, color: '#00664A' },
      hovertext: hoverBandText(band),
    } as Partial<Annotation>);
    // An invisible trace across the band, so hovering the band explains it.
    const steps = 12;
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'ε margin',
      showlegend: false,
      x: Array.from({ length: steps + 1 }, (_, i) => band.x0 + ((band.x1 - band.x0) * i) / steps),
      y: Array.from({ length: steps + 1 }, () => 0),
      marker: { size: 14, opacity: 0, color: PAIR_COLORS.margin },
      hovertemplate: `${hoverBandText(band)}<extra></extra>`,
      xaxis: 'x',
      yaxis: 'y',
    });
  } else if (
    options.epsilon !== undefined &&
    Number.isFinite(options.epsilon) &&
    options.epsilon !== 0
  ) {
    annotations.push({
      text: 'ε margin not drawn: τ unknown or no negative pairs',
      xref: 'paper',
      yref: 'paper',
      x: 0,
      y: topDomain[1],
      xanchor: 'left',
      yanchor: 'top',
      showarrow: false,
      font: { size: theme.fontSize * 0.9, color: '#555555' },
    });
  }
  layout.shapes = shapes;
  layout.annotations = annotations;
  return {
    data,
    layout,
    band,
    summary: describeHistograms(h, band, options.epsilon, options.temperature),
  };
}

function hoverBandText(band: EpsilonBand): string {
  return (
    `ε margin: ε = ${fmt(band.epsilon)} is in logit units (subtracted from s/τ),<br>` +
    `so in cosine it is ε·τ = ${fmt(band.epsilon)} × ${fmt(band.temperature)} = ${fmt(band.marginCos)}.<br>` +
    `Band: from the top ${Math.round((1 - band.negQuantile) * 100)}% of negatives (${fmt(band.anchor)}) ` +
    `to ${fmt(band.target)}; positives should sit right of the dashed line.<br>` +
    (band.gap === null
      ? 'No positive pairs yet.'
      : `Achieved (pooled over anchors): ${fmt(band.gap)} ${band.satisfied ? '≥' : '<'} ${fmt(band.marginCos)}.`)
  );
}
