/**
 * The one bridge between React and Plotly. Every change of (data, layout, config) is coalesced:
 * only the latest figure is drawn, in an animation frame shared with the other plots (see
 * scheduler.ts: a frame draws as many plots as fit in its budget, at least one), and at most once
 * per `minIntervalMs`, so a store that updates faster than the screen never queues redraws and
 * input is handled between frames. The plot is purged on unmount; container resizes are followed
 * with `Plots.resize`. Plotly itself is loaded on demand (plotlyLoader.ts): the first draw waits
 * for it.
 */
import type {
  Config,
  Data,
  Layout,
  PlotHoverEvent,
  PlotlyHTMLElement,
  PlotMouseEvent,
} from 'plotly.js-dist-min';
import { useEffect, useRef, type RefObject } from 'react';
import { PlotScheduler, type Job } from './scheduler';
import { loadPlotly, loadedPlotly } from './plotlyLoader';

type PlotJob = Job<Data[], Partial<Layout>, Partial<Config> | undefined>;

export interface PlotlyHandlers {
  hover?(event: PlotHoverEvent): void;
  unhover?(event: PlotMouseEvent): void;
  click?(event: PlotMouseEvent): void;
}

export interface UsePlotlyOptions {
  /** Event handlers; the latest ones are called, they are bound once. */
  handlers?: PlotlyHandlers;
  /** Minimum time between two redraws of this plot (ms); default 0: at most one per frame. */
  minIntervalMs?: number;
  /** Called once, after the first draw. */
  onFirstDraw?(): void;
  /** Draw ahead of the other plots waiting for a frame (set once, at mount). */
  priority?: boolean;
  /** Called when Plotly fails to draw; default: console.error. */
  onError?(error: unknown): void;
}

/**
 * Keeps the element `ref` showing (data, layout, config). Pass memoised values: a new object
 * identity means "redraw".
 */
export function usePlotly(
  ref: RefObject<HTMLElement | null>,
  data: Data[],
  layout: Partial<Layout>,
  config?: Partial<Config>,
  options: UsePlotlyOptions = {},
): void {
  const scheduler = useRef<PlotScheduler<PlotJob> | null>(null);
  const latest = useRef<PlotJob | null>(null);
  const handlers = useRef<PlotlyHandlers | undefined>(options.handlers);
  const minInterval = useRef(options.minIntervalMs ?? 0);
  const onError = useRef(options.onError);
  const priority = useRef(options.priority ?? false);
  const onFirstDraw = useRef(options.onFirstDraw);

  useEffect(() => {
    handlers.current = options.handlers;
    minInterval.current = options.minIntervalMs ?? 0;
    onError.current = options.onError;
    onFirstDraw.current = options.onFirstDraw;
  });

  // Mount: one scheduler per element; purge on unmount.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const s = new PlotScheduler<PlotJob>(
      // Called only once Plotly has loaded (below).
      (job) => loadedPlotly()!.react(el, job.data, job.layout, job.config),
      {
        minIntervalMs: () => minInterval.current,
        onError: (error) => (onError.current ?? console.error)(error),
        priority: priority.current,
        resize: () => {
          // Plotly rejects a resize of an undisplayed element: skip it (the next draw sizes it).
          if (!el.isConnected || el.getClientRects().length === 0) return;
          const Plotly = loadedPlotly();
          if (Plotly) void Promise.resolve(Plotly.Plots.resize(el)).catch(() => undefined);
        },
        afterFirstDraw: () => {
          const gd = el as PlotlyHTMLElement;
          gd.on('plotly_hover', (e) => handlers.current?.hover?.(e));
          gd.on('plotly_unhover', (e) => handlers.current?.unhover?.(e));
          gd.on('plotly_click', (e) => handlers.current?.click?.(e));
          onFirstDraw.current?.();
        },
      },
    );
    // Figures wait here until Plotly has loaded, then go to the frame queue together, so the
    // queue's priorities (the embedding first) decide the order of the first draws.
    let disposed = false;
    void loadPlotly().then(
      () => {
        if (disposed) return;
        scheduler.current = s;
        if (latest.current) s.update(latest.current);
      },
      (error: unknown) => (onError.current ?? console.error)(error),
    );
    let observer: ResizeObserver | null = null;
    if (typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(() => s.resize());
      observer.observe(el);
    }
    // Off-screen plots wait (scheduler.ts: the first draw happens regardless).
    let visibility: IntersectionObserver | null = null;
    if (typeof IntersectionObserver !== 'undefined') {
      visibility = new IntersectionObserver(
        (entries) => {
          const entry = entries[entries.length - 1];
          if (entry) s.setVisible(entry.isIntersecting);
        },
        { rootMargin: '200px' },
      );
      visibility.observe(el);
    }
    return () => {
      disposed = true;
      observer?.disconnect();
      visibility?.disconnect();
      s.dispose();
      scheduler.current = null;
      loadedPlotly()?.purge(el);
    };
  }, [ref]);

  // Every new figure: queue it (the scheduler keeps only the latest).
  useEffect(() => {
    latest.current = { data, layout, config };
    scheduler.current?.update(latest.current);
  }, [data, layout, config]);
}
