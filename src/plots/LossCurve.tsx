/** The training loss of every run against step, overlaid; optional log scale and smoothing. */
import { useMemo, useRef, useState } from 'react';
import { ExportButtons } from './ExportButtons';
import { PlotFrame } from './PlotFrame';
import { buildLossCurveFigure, canUseLogY, type LossSeries } from './model/lossCurve';
import { plotConfig } from './theme';
import { usePlotly } from './usePlotly';

export type { LossSeries, LossPoint } from './model/lossCurve';

export interface LossCurveProps {
  series: readonly LossSeries[];
  /** Initial state of the log-y toggle (the toggle is shown unless `showLogToggle` is false). */
  logY?: boolean;
  showLogToggle?: boolean;
  /** Exponential smoothing weight in [0, 1); default 0.6, 0 = raw only. */
  smoothing?: number;
  talk?: boolean;
  title?: string;
  height?: number | string;
  exportButtons?: boolean;
  /** Least time between two redraws of this plot, ms (default 150). */
  minIntervalMs?: number;
}

export function LossCurve({
  series,
  logY: initialLogY = false,
  showLogToggle = true,
  smoothing,
  talk = false,
  title,
  height,
  exportButtons = true,
  minIntervalMs = 150,
}: LossCurveProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [logY, setLogY] = useState(initialLogY);
  const logPossible = canUseLogY(series);
  const figure = useMemo(
    () => buildLossCurveFigure(series, { logY, smoothing, talk, title }),
    [series, logY, smoothing, talk, title],
  );
  const config = useMemo(() => plotConfig('loss-curve', talk), [talk]);
  usePlotly(ref, figure.data, figure.layout, config, { minIntervalMs });
  const toolbar = (
    <>
      {showLogToggle ? (
        <label
          style={{ fontSize: talk ? '1.1rem' : '0.85rem' }}
          title={logPossible ? undefined : 'A log scale needs every loss > 0'}
        >
          <input
            type="checkbox"
            checked={logY && logPossible}
            disabled={!logPossible}
            onChange={(e) => setLogY(e.target.checked)}
          />{' '}
          log scale
        </label>
      ) : null}{' '}
      {exportButtons ? (
        <ExportButtons plotRef={ref} filename="loss-curve" label="loss curve" talk={talk} />
      ) : null}
    </>
  );
  return (
    <PlotFrame
      name="loss-curve"
      label="Loss curve"
      summary={figure.summary}
      plotRef={ref}
      height={height ?? (talk ? 380 : 260)}
      talk={talk}
      toolbar={toolbar}
    />
  );
}
