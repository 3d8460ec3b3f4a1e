/** Small multiples: one panel per metric present in some run, every run overlaid. */
import { useMemo, useRef } from 'react';
import type { MetricsRecord } from '../contracts/metrics';
import { ExportButtons } from './ExportButtons';
import { PlotFrame } from './PlotFrame';
import type { HistorySeries } from './model/alignUniform';
import { buildMetricsOverTimeFigure, metricsHeight } from './model/metricsOverTime';
import { plotConfig } from './theme';
import { usePlotly } from './usePlotly';

export interface MetricsOverTimeProps {
  series: readonly HistorySeries[];
  /** Metrics to consider, in panel order; those no run has are not drawn. */
  metrics: readonly (keyof MetricsRecord)[];
  /** Panels per row (default 3, 2 in talk mode). */
  columns?: number;
  talk?: boolean;
  title?: string;
  /** Default: grows with the number of panel rows. */
  height?: number | string;
  exportButtons?: boolean;
  /** Least time between two redraws of this plot, ms (default 250). */
  minIntervalMs?: number;
}

export function MetricsOverTime({
  series,
  metrics,
  columns,
  talk = false,
  title,
  height,
  exportButtons = true,
  minIntervalMs = 250,
}: MetricsOverTimeProps) {
  const ref = useRef<HTMLDivElement>(null);
  const figure = useMemo(
    () => buildMetricsOverTimeFigure(series, metrics, { talk, columns, title }),
    [series, metrics, talk, columns, title],
  );
  const config = useMemo(() => plotConfig('metrics', talk), [talk]);
  usePlotly(ref, figure.data, figure.layout, config, { minIntervalMs });
  const cols = columns ?? (talk ? 2 : 3);
  return (
    <PlotFrame
      name="metrics"
      label="Metrics over training"
      summary={figure.summary}
      plotRef={ref}
      height={height ?? metricsHeight(figure.panels.length, cols, talk)}
      talk={talk}
      toolbar={
        exportButtons ? (
          <ExportButtons plotRef={ref} filename="metrics" label="metrics plot" talk={talk} />
        ) : undefined
      }
    />
  );
}
