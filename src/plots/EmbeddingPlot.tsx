/**
 * The embedding: scattergl in 2-D, scatter3d in 3-D; colours by category (Okabe–Ito, then Tol's
 * discrete rainbow) or by a continuous value (Cividis); shapes by a second category; the unit
 * circle / sphere for native embeddings. Ranges stay put between frames (reset when `revision`
 * changes, e.g. a new projection method or run).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { PlotDatum } from 'plotly.js-dist-min';
import { ExportButtons } from './ExportButtons';
import { PlotFrame } from './PlotFrame';
import {
  EMPTY_RANGES,
  buildEmbeddingFigure,
  type EmbeddingInput,
  type EmbeddingRanges,
} from './model/embedding';
import { plotConfig } from './theme';
import { usePlotly, type PlotlyHandlers } from './usePlotly';
import { EmbeddingPreview } from './EmbeddingPreview';
import { openPlotlyGate } from './plotlyLoader';

export interface EmbeddingPlotProps extends EmbeddingInput {
  /** Called with the hovered point's index (row of `coords`), or null when the pointer leaves. */
  onHover?(index: number | null): void;
  /** Changing it resets the axis ranges and the camera / zoom. */
  revision?: string | number;
  height?: number | string;
  exportButtons?: boolean;
  /** Least time between two redraws of this plot, ms (default 0 in 2-D, 200 in 3-D: a 3-D
   * scene redraw is far more expensive). */
  minIntervalMs?: number;
  /** Accessible name (default "Embedding"). */
  label?: string;
}

function pointIndex(point: PlotDatum | undefined): number | null {
  const c = point?.customdata;
  return typeof c === 'number' && Number.isInteger(c) ? c : null;
}

export function EmbeddingPlot(props: EmbeddingPlotProps) {
  const {
    onHover,
    revision = 0,
    height,
    exportButtons = true,
    label = 'Embedding',
    talk = false,
    minIntervalMs = props.components === 3 ? 200 : 0,
  } = props;
  const ref = useRef<HTMLDivElement>(null);
  const ranges = useRef<{ key: string; value: EmbeddingRanges }>({ key: '', value: EMPTY_RANGES });
  const key = `${revision}|${props.components}|${props.sphere ? 1 : 0}`;
  const figure = useMemo(() => {
    const prev = ranges.current.key === key ? ranges.current.value : EMPTY_RANGES;
    const fig = buildEmbeddingFigure(props, prev);
    ranges.current = { key, value: fig.ranges };
    fig.layout.uirevision = key;
    return fig;
    // The figure depends on the data props only (not on onHover / height).
  }, [
    key,
    props.coords,
    props.components,
    props.colorValues,
    props.colorKind,
    props.categoryNames,
    props.symbolValues,
    props.symbolNames,
    props.hoverText,
    props.sphere,
    props.colorTitle,
    props.symbolTitle,
    props.title,
    props.highlight,
    talk,
  ]);
  const config = useMemo(() => plotConfig('embedding', talk), [talk]);
  const handlers = useMemo<PlotlyHandlers | undefined>(
    () =>
      onHover
        ? {
            hover: (e) => onHover(pointIndex(e.points[0])),
            unhover: () => onHover(null),
          }
        : undefined,
    [onHover],
  );
  // Until Plotly has loaded and drawn, a 2-D embedding shows as a plain canvas of its points; the
  // page lets Plotly load once that first picture is up (plotlyLoader.ts), or at once in 3-D.
  const [plotlyDrawn, setPlotlyDrawn] = useState(false);
  const previewInput = useMemo(
    () => ({
      coords: props.coords,
      components: props.components,
      colorValues: props.colorValues,
      colorKind: props.colorKind,
      ...(props.categoryNames ? { categoryNames: props.categoryNames } : {}),
    }),
    [props.coords, props.components, props.colorValues, props.colorKind, props.categoryNames],
  );
  const preview = !plotlyDrawn && props.components === 2;
  useEffect(() => {
    if (props.components === 3) openPlotlyGate();
  }, [props.components]);
  // The plot people wait for at start-up: drawn ahead of the others.
  usePlotly(ref, figure.data, figure.layout, config, {
    handlers,
    minIntervalMs,
    priority: true,
    onFirstDraw: () => setPlotlyDrawn(true),
  });
  return (
    <PlotFrame
      name="embedding"
      label={label}
      summary={figure.summary}
      plotRef={ref}
      height={height ?? (talk ? 520 : 380)}
      talk={talk}
      overlay={
        preview ? (
          <EmbeddingPreview
            input={previewInput}
            ranges={figure.ranges}
            radius={talk ? 4 : 3}
            label={label}
            onDrawn={openPlotlyGate}
          />
        ) : undefined
      }
      toolbar={
        exportButtons ? (
          <ExportButtons
            plotRef={ref}
            filename="embedding"
            label={label.toLowerCase()}
            talk={talk}
          />
        ) : undefined
      }
    />
  );
}
