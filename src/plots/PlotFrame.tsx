/**
 * The container every plot draws into: a labelled region for assistive technology, the plot
 * element, and a visually hidden text summary of what the plot shows.
 */
import { useId, type ReactNode, type RefObject } from 'react';
import { VISUALLY_HIDDEN } from './theme';

export interface PlotFrameProps {
  /** What the plot is, for the accessible name (e.g. "Loss curve"). */
  label: string;
  /** The text summary of what is shown (numbers included). */
  summary: string;
  plotRef: RefObject<HTMLDivElement | null>;
  /** CSS height of the plot area. */
  height: number | string;
  talk?: boolean;
  /** Name for tests and styling: `data-plot` attribute. */
  name: string;
  className?: string;
  /** Controls shown above the plot (toggles, export buttons). */
  toolbar?: ReactNode;
  /** Drawn over the plot area (e.g. a preview until the plot has drawn). */
  overlay?: ReactNode;
}

export function PlotFrame({
  label,
  summary,
  plotRef,
  height,
  talk,
  name,
  className,
  toolbar,
  overlay,
}: PlotFrameProps) {
  const summaryId = useId();
  const classes = ['plot', `plot-${name}`, talk ? 'talk' : '', className ?? '']
    .filter(Boolean)
    .join(' ');
  return (
    <figure
      className={classes}
      data-plot={name}
      aria-label={label}
      style={{ margin: 0, position: 'relative', minWidth: 0 }}
    >
      {toolbar ? <div className="plot-toolbar">{toolbar}</div> : null}
      <div style={{ position: 'relative' }}>
        <div
          ref={plotRef}
          className="plot-area"
          role="img"
          aria-label={label}
          aria-describedby={summaryId}
          style={{ width: '100%', height }}
        />
        {overlay}
      </div>
      <figcaption id={summaryId} className="visually-hidden" style={VISUALLY_HIDDEN}>
        {summary}
      </figcaption>
    </figure>
  );
}
