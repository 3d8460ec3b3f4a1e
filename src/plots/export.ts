/**
 * Exports: a plot as PNG or SVG (Plotly's own renderer, no network), any text (CSV, JSON) as a
 * downloaded file through a Blob URL, and the tidy metrics CSV.
 */
import { loadPlotly } from './plotlyLoader';
import { safeFilename, toJson } from './serialize';

export { metricsToCsv, parseCsv, safeFilename, toJson, type CsvRunSeries } from './serialize';

export type ImageFormat = 'png' | 'svg';

/**
 * Downloads the plot drawn in `div` (the element given to usePlotly). Width and height default
 * to the plot's current size; PNG is rendered at `scale` × (2 by default) for slides.
 */
export async function downloadPlotImage(
  div: HTMLElement,
  options: {
    format?: ImageFormat;
    filename?: string;
    width?: number | null;
    height?: number | null;
    scale?: number;
  } = {},
): Promise<void> {
  const format = options.format ?? 'png';
  const Plotly = await loadPlotly({ now: true });
  await Plotly.downloadImage(div, {
    format,
    filename: safeFilename(options.filename ?? 'plot'),
    width: options.width ?? null,
    height: options.height ?? null,
    ...(format === 'png' ? { scale: options.scale ?? 2 } : {}),
  } as Parameters<typeof Plotly.downloadImage>[1]);
}

/** Downloads `text` as a file (no network: a same-origin blob: URL, revoked afterwards). */
export function downloadText(text: string, filename: string, mime = 'text/plain'): void {
  downloadBlob(new Blob([text], { type: `${mime};charset=utf-8` }), filename);
}

/** Downloads bytes (a zip) as a file, the same way. */
export function downloadBytes(bytes: Uint8Array, filename: string, mime: string): void {
  downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }), filename);
}

function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadCsv(csv: string, filename = 'metrics.csv'): void {
  downloadText(csv, filename.endsWith('.csv') ? filename : `${filename}.csv`, 'text/csv');
}

export function downloadJson(value: unknown, filename = 'run.json'): void {
  downloadText(
    toJson(value),
    filename.endsWith('.json') ? filename : `${filename}.json`,
    'application/json',
  );
}
