/**
 * Plotly (about 4.6 MB of script) is loaded on demand, as its own chunk, so the page's main
 * bundle stays small. Evaluating it takes one long task of the main thread (1–5 s on the 2-core
 * reference machine), during which the page can neither draw nor hand messages to its workers; so
 * it waits at a gate until the first embedding picture is up (a plain canvas preview, see
 * EmbeddingPlot) or `openPlotlyGate()` is called otherwise (a fallback timer at start-up, an
 * export). Every user of Plotly awaits `loadPlotly()`.
 */
import type PlotlyModule from 'plotly.js-dist-min';

export type Plotly = typeof PlotlyModule;

let loaded: Plotly | null = null;
let loading: Promise<Plotly> | null = null;
let openGate: () => void = () => undefined;
const gate = new Promise<void>((resolve) => (openGate = resolve));

/** Lets Plotly load (idempotent). */
export function openPlotlyGate(): void {
  openGate();
}

/** Plotly, once the gate is open (or at once with `now`, which opens it). */
export function loadPlotly({ now = false }: { now?: boolean } = {}): Promise<Plotly> {
  if (now) openPlotlyGate();
  loading ??= gate
    .then(() => import('plotly.js-dist-min'))
    .then((m) => {
      loaded = ((m as { default?: Plotly }).default ?? m) as Plotly;
      return loaded;
    });
  return loading;
}

/** Plotly if it has finished loading, else null (for purging and resizing what was drawn). */
export function loadedPlotly(): Plotly | null {
  return loaded;
}
