/** The positives' weight matrix of a batch (anchors × candidates, view-major, 0 on the diagonal). */
import { useMemo, useRef } from 'react';
import { ExportButtons } from './ExportButtons';
import { PlotFrame } from './PlotFrame';
import { buildWeightHeatmapFigure, type WeightMatrixInput } from './model/weightHeatmap';
import { plotConfig } from './theme';
import { usePlotly } from './usePlotly';

export interface WeightHeatmapProps extends WeightMatrixInput {
  height?: number | string;
  exportButtons?: boolean;
  /** Least time between two redraws of this plot, ms (default 100). */
  minIntervalMs?: number;
}

export function WeightHeatmap({
  matrix,
  size,
  title,
  rowLabels,
  views,
  talk = false,
  height,
  exportButtons = true,
  minIntervalMs = 100,
}: WeightHeatmapProps) {
  const ref = useRef<HTMLDivElement>(null);
  const figure = useMemo(
    () => buildWeightHeatmapFigure({ matrix, size, title, rowLabels, views, talk }),
    [matrix, size, title, rowLabels, views, talk],
  );
  const config = useMemo(() => plotConfig('positives-weights', talk), [talk]);
  usePlotly(ref, figure.data, figure.layout, config, { minIntervalMs });
  return (
    <PlotFrame
      name="weight-heatmap"
      label={`Heatmap: ${title}`}
      summary={figure.summary}
      plotRef={ref}
      height={height ?? (talk ? 440 : 320)}
      talk={talk}
      toolbar={
        exportButtons ? (
          <ExportButtons
            plotRef={ref}
            filename="positives-weights"
            label="weight matrix"
            talk={talk}
          />
        ) : undefined
      }
    />
  );
}
