import { describe, expect, it } from 'vitest';
import type { MetricsRecord } from '../../../src/contracts/metrics';
import {
  alignUniformTrajectory,
  buildAlignUniformFigure,
} from '../../../src/plots/model/alignUniform';
import {
  buildMetricsOverTimeFigure,
  collectMetricPanels,
  fitColumns,
  gridDomains,
  titleWidthPx,
  wrapTitle,
} from '../../../src/plots/model/metricsOverTime';

const runA: MetricsRecord[] = [
  { step: 0, loss: 5, alignment: 1.5, uniformity: -1 },
  { step: 50, loss: 4, alignment: 1.0, uniformity: -2, knnAccuracy: 0.6 },
  { step: 100, loss: 3, alignment: 0.8, uniformity: -2.5, knnAccuracy: 0.8 },
];
const runB: MetricsRecord[] = [
  { step: 0, loss: 6, regressionMAE: 9 },
  { step: 50, loss: 5, regressionMAE: 7, commonProbe: { digit: 0.2, cifar: 0.6 } },
];
const series = [
  { id: 'a', label: 'SupCon', history: runA },
  { id: 'b', label: 'y-Aware', history: runB },
];

describe('metrics over time', () => {
  it('draws a panel only for metrics some run has, and only the steps where a run has it', () => {
    const panels = collectMetricPanels(series, [
      'knnAccuracy',
      'linearProbeAccuracy',
      'regressionMAE',
      'biasPredictability',
    ]);
    expect(panels.map((p) => p.key)).toEqual(['knnAccuracy', 'regressionMAE']);
    const knn = panels[0]!;
    expect(knn.lines).toHaveLength(1); // run b has no k-NN accuracy: no line, not zeros
    expect(knn.lines[0]!.steps).toEqual([50, 100]); // step 0 lacks it: a gap, not 0
    expect(knn.lines[0]!.values).toEqual([0.6, 0.8]);
    expect(panels[1]!.lines[0]!.runId).toBe('b');
  });

  it('expands per-label probes and skips non-finite values', () => {
    const withNaN = [
      {
        id: 'c',
        label: 'c',
        history: [
          { step: 1, knnAccuracy: NaN },
          { step: 2, knnAccuracy: 0.5 },
        ],
      },
    ];
    expect(collectMetricPanels(withNaN, ['knnAccuracy'])[0]!.lines[0]!.steps).toEqual([2]);
    const panels = collectMetricPanels(series, ['commonProbe']);
    expect(panels.map((p) => p.key)).toEqual(['commonProbe.digit', 'commonProbe.cifar']);
    expect(panels[0]!.title).toContain('digit');
  });

  it('lays panels out on a grid without overlap', () => {
    const d = gridDomains(5, 3);
    expect(d).toHaveLength(5);
    for (const { x, y } of d) {
      expect(x[0]).toBeGreaterThanOrEqual(0);
      expect(x[1]).toBeLessThanOrEqual(1);
      expect(y[0]).toBeGreaterThanOrEqual(0);
      expect(y[1]).toBeLessThanOrEqual(1);
      expect(x[0]).toBeLessThan(x[1]);
      expect(y[0]).toBeLessThan(y[1]);
    }
    expect(d[0]!.x[1]).toBeLessThan(d[1]!.x[0]); // same row, side by side
    expect(d[3]!.y[1]).toBeLessThan(d[0]!.y[0]); // second row below the first
    expect(gridDomains(0, 3)).toEqual([]);
  });

  it('builds one subplot per panel with a legend entry per run', () => {
    const fig = buildMetricsOverTimeFigure(series, ['knnAccuracy', 'regressionMAE', 'loss']);
    expect(fig.panels).toHaveLength(3);
    const traces = fig.data as {
      xaxis: string;
      y: number[];
      showlegend: boolean;
      legendgroup: string;
    }[];
    expect(traces.map((t) => t.xaxis)).toEqual(['x', 'x2', 'x3', 'x3']);
    expect(traces.flatMap((t) => t.y)).not.toContain(0);
    expect(traces.filter((t) => t.showlegend).map((t) => t.legendgroup)).toEqual(['a', 'b']);
    const layout = fig.layout as Record<string, { range?: number[] }>;
    expect(layout.yaxis!.range).toEqual([0, 1.02]); // accuracies on a fixed scale
    expect(fig.summary).toContain('k-NN accuracy');
  });

  it('shows a message rather than empty axes before the first evaluation', () => {
    const fig = buildMetricsOverTimeFigure([{ id: 'a', label: 'a', history: [] }], ['knnAccuracy']);
    expect(fig.data).toEqual([]);
    expect(JSON.stringify(fig.layout.annotations)).toContain('No metric yet');
  });
});

describe('alignment–uniformity plane', () => {
  it('keeps the records with both metrics, in step order', () => {
    const t = alignUniformTrajectory([
      { step: 100, alignment: 0.5, uniformity: -3 },
      { step: 0, alignment: 1, uniformity: -1 },
      { step: 50, alignment: 0.7 },
      { step: 70, alignment: NaN, uniformity: -2 },
    ]);
    expect(t.map((p) => p.step)).toEqual([0, 100]);
  });

  it('draws a trajectory and an emphasised latest point per run, and the "better" arrow', () => {
    const fig = buildAlignUniformFigure(series);
    // Run b has neither metric: not drawn at all.
    expect(fig.data).toHaveLength(2);
    const [line, last] = fig.data as {
      x: number[];
      y: number[];
      marker: { size: number | number[]; line?: { width: number } };
    }[];
    expect(line!.x).toEqual([1.5, 1.0, 0.8]);
    expect(line!.y).toEqual([-1, -2, -2.5]);
    expect(last!.x).toEqual([0.8]);
    expect(last!.y).toEqual([-2.5]);
    const sizes = line!.marker.size as number[];
    expect(last!.marker.size as number).toBeGreaterThan(Math.max(...sizes));
    expect(last!.marker.line!.width).toBeGreaterThan(0);
    const arrow = fig.layout.annotations![0]!;
    expect(arrow.text).toMatch(/^better/);
    expect(arrow.showarrow).toBe(true);
    // Arrow head lower-left, tail up-right (pixel offsets: +x right, −y up).
    expect(arrow.x as number).toBeLessThan(0.5);
    expect(arrow.y as number).toBeLessThan(0.5);
    expect(arrow.ax as number).toBeGreaterThan(0);
    expect(arrow.ay as number).toBeLessThan(0);
    expect(fig.summary).toMatch(/lower left/);
  });
});

describe('probe-plot titles fit their panels', () => {
  const titles = [
    'k-NN accuracy\u00a0↑',
    'bias-conflicting accuracy\u00a0↑',
    'bias predictability\u00a0↓',
  ];
  const margins = { l: 84, r: 16 };

  it('wraps at spaces only, keeping the arrow on its word', () => {
    expect(wrapTitle('bias-conflicting accuracy\u00a0↑', 200, 18)).toEqual([
      'bias-conflicting',
      'accuracy\u00a0↑',
    ]);
    expect(wrapTitle('k-NN accuracy', 1000, 18)).toEqual(['k-NN accuracy']);
  });

  it('takes fewer columns on a narrow plot, and every line fits the room of its panel', () => {
    for (const width of [400, 600, 900, 1400]) {
      const { columns, lines } = fitColumns(titles, width, 3, 18, margins);
      const area = width - margins.l - margins.r;
      const n = Math.min(columns, titles.length);
      const room = (area * (1 - 0.08 * (n - 1))) / n + (n > 1 ? area * 0.08 * 0.8 : 0);
      for (const ls of lines)
        for (const l of ls) expect(titleWidthPx(l, 18)).toBeLessThanOrEqual(room);
      if (columns > 1) for (const ls of lines) expect(ls.length).toBeLessThanOrEqual(2);
    }
    expect(fitColumns(titles, 400, 3, 18, margins).columns).toBe(1);
    expect(fitColumns(titles, 1400, 3, 18, margins).columns).toBe(3);
  });

  it('with a width, the figure uses the fitted columns and puts the legend below', () => {
    const series = [
      {
        id: 'a',
        label: 'a',
        history: [
          { step: 1, knnAccuracy: 0.5, biasPredictability: 0.9, biasConflictingAccuracy: 0.1 },
        ],
      },
      {
        id: 'b',
        label: 'b',
        history: [
          { step: 1, knnAccuracy: 0.6, biasPredictability: 0.8, biasConflictingAccuracy: 0.2 },
        ],
      },
    ];
    const metrics = ['knnAccuracy', 'biasConflictingAccuracy', 'biasPredictability'];
    const narrow = buildMetricsOverTimeFigure(series, metrics, { talk: true, width: 420 });
    expect(narrow.columns).toBe(1);
    expect(narrow.layout.legend?.orientation).toBe('h');
    const wide = buildMetricsOverTimeFigure(series, metrics, {
      talk: true,
      width: 1400,
      columns: 3,
    });
    expect(wide.columns).toBe(3);
    // Panels of one row never overlap, and each title starts at its panel.
    const xs = [wide.layout.xaxis, wide.layout.xaxis2, wide.layout.xaxis3].map((a) => a!.domain!);
    for (let i = 1; i < xs.length; i++) expect(xs[i]![0]).toBeGreaterThan(xs[i - 1]![1]);
    expect(wide.layout.annotations!.map((a) => a.x)).toEqual(xs.map((d) => d[0]));
  });
});
