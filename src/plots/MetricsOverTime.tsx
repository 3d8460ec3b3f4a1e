/** Small multiples: one panel per metric present in some run, every run overlaid. */
import { useEffect, useMemo, useRef, useState } from 'react';
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
  const width = useWidth(ref);
  const figure = useMemo(
    () =>
      buildMetricsOverTimeFigure(series, metrics, {
        talk,
        columns,
        title,
        ...(width ? { width } : {}),
      }),
    [series, metrics, talk, columns, title, width],
  );
  const config = useMemo(() => plotConfig('metrics', talk), [talk]);
  usePlotly(ref, figure.data, figure.layout, config, { minIntervalMs });
  const cols = figure.columns;
  return (
    <PlotFrame
      name="metrics"
      label="Metrics over training"
      summary={figure.summary}
      plotRef={ref}
      height={height ?? metricsHeight(figure.panels.length, cols, talk, figure.titleLines)}
      talk={talk}
      toolbar={
        exportButtons ? (
          <ExportButtons plotRef={ref} filename="metrics" label="metrics plot" talk={talk} />
        ) : undefined
      }
    />
  );
}

/** The element's width in px, in steps of 20 px (a redraw per pixel of a resize is not needed). */
function useWidth(ref: React.RefObject<HTMLElement | null>): number | undefined {
  const [width, setWidth] = useState<number | undefined>(undefined);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      const w = Math.floor(el.getBoundingClientRect().width / 20) * 20;
      if (w > 0) setWidth(w);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
