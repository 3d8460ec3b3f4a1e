/** PNG / SVG download buttons for one plot element. */
import type { RefObject } from 'react';
import { downloadPlotImage, type ImageFormat } from './export';

export function ExportButtons({
  plotRef,
  filename,
  label,
  talk,
}: {
  plotRef: RefObject<HTMLDivElement | null>;
  filename: string;
  /** What is exported, for the buttons' accessible names. */
  label: string;
  talk?: boolean;
}) {
  const save = (format: ImageFormat) => {
    const el = plotRef.current;
    if (el) void downloadPlotImage(el, { format, filename, scale: talk ? 3 : 2 });
  };
  const style = {
    fontSize: talk ? '1.1rem' : '0.8rem',
    padding: talk ? '0.3em 0.7em' : '0.15em 0.5em',
  };
  return (
    <span className="plot-export" role="group" aria-label={`Export ${label}`}>
      <button
        type="button"
        style={style}
        onClick={() => save('png')}
        aria-label={`Download ${label} as PNG`}
      >
        PNG
      </button>{' '}
      <button
        type="button"
        style={style}
        onClick={() => save('svg')}
        aria-label={`Download ${label} as SVG`}
      >
        SVG
      </button>
    </span>
  );
}
