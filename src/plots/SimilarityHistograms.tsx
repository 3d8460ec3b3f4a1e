/**
 * Positive vs negative cosine-similarity histograms (fractions of pairs, overlaid), a second row
 * split by bias group when the snapshot has it, and the ε-SupInfoNCE margin as a band: ε is in
 * logit units, so the band is ε·τ wide in cosine.
 */
import { useMemo, useRef } from 'react';
import type { SimilarityHistogramsSnapshot } from '../contracts/metrics';
import { ExportButtons } from './ExportButtons';
import { PlotFrame } from './PlotFrame';
import { buildSimilarityHistogramsFigure } from './model/histograms';
import { plotConfig } from './theme';
import { usePlotly } from './usePlotly';

export interface SimilarityHistogramsProps {
  histograms: SimilarityHistogramsSnapshot;
  /** ε of ε-SupInfoNCE / ε-SupCon, in logit units. */
  epsilon?: number;
  /** τ of the loss: converts ε to the cosine margin ε·τ. */
  temperature?: number;
  talk?: boolean;
  title?: string;
  height?: number | string;
  exportButtons?: boolean;
  /** Least time between two redraws of this plot, ms (default 250). */
  minIntervalMs?: number;
}

export function SimilarityHistograms({
  histograms,
  epsilon,
  temperature,
  talk = false,
  title,
  height,
  exportButtons = true,
  minIntervalMs = 250,
}: SimilarityHistogramsProps) {
  const ref = useRef<HTMLDivElement>(null);
  const figure = useMemo(
    () => buildSimilarityHistogramsFigure(histograms, { epsilon, temperature, talk, title }),
    [histograms, epsilon, temperature, talk, title],
  );
  const config = useMemo(() => plotConfig('similarity-histograms', talk), [talk]);
  usePlotly(ref, figure.data, figure.layout, config, { minIntervalMs });
  const split = Boolean(histograms.byBias);
  return (
    <PlotFrame
      name="similarity-histograms"
      label="Histograms of positive and negative similarities"
      summary={figure.summary}
      plotRef={ref}
      height={height ?? (split ? (talk ? 560 : 420) : talk ? 360 : 260)}
      talk={talk}
      toolbar={
        exportButtons ? (
          <ExportButtons
            plotRef={ref}
            filename="similarity-histograms"
            label="similarity histograms"
            talk={talk}
          />
        ) : undefined
      }
    />
  );
}
