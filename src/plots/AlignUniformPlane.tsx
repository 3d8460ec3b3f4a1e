/** Each run's trajectory in the alignment–uniformity plane (Wang & Isola, Fig. 2 style). */
import { useMemo, useRef } from 'react';
import { ExportButtons } from './ExportButtons';
import { PlotFrame } from './PlotFrame';
import { buildAlignUniformFigure, type HistorySeries } from './model/alignUniform';
import { plotConfig } from './theme';
import { usePlotly } from './usePlotly';

export type { HistorySeries } from './model/alignUniform';

export interface AlignUniformPlaneProps {
  series: readonly HistorySeries[];
  talk?: boolean;
  title?: string;
  /** Write each run's label next to its latest point (default: when ≤ 4 runs). */
  labelRuns?: boolean;
  height?: number | string;
  exportButtons?: boolean;
  /** Least time between two redraws of this plot, ms (default 250). */
  minIntervalMs?: number;
}

export function AlignUniformPlane({
  series,
  talk = false,
  title,
  labelRuns,
  height,
  exportButtons = true,
  minIntervalMs = 250,
}: AlignUniformPlaneProps) {
  const ref = useRef<HTMLDivElement>(null);
  const figure = useMemo(
    () => buildAlignUniformFigure(series, { talk, title, labelRuns }),
    [series, talk, title, labelRuns],
  );
  const config = useMemo(() => plotConfig('alignment-uniformity', talk), [talk]);
  usePlotly(ref, figure.data, figure.layout, config, { minIntervalMs });
  return (
    <PlotFrame
      name="align-uniform"
      label="Alignment–uniformity plane"
      summary={figure.summary}
      plotRef={ref}
      height={height ?? (talk ? 420 : 300)}
      talk={talk}
      toolbar={
        exportButtons ? (
          <ExportButtons
            plotRef={ref}
            filename="alignment-uniformity"
            label="alignment–uniformity plane"
            talk={talk}
          />
        ) : undefined
      }
    />
  );
}
