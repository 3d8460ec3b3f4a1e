/**
 * The one bridge between React and Plotly. Every change of (data, layout, config) is coalesced:
 * only the latest figure is drawn, in an animation frame shared with the other plots (see
 * scheduler.ts: a frame draws as many plots as fit in its budget, at least one), and at most once
 * per `minIntervalMs`, so a store that updates faster than the screen never queues redraws and
 * input is handled between frames. The plot is purged on unmount; container resizes are followed
 * with `Plots.resize`.
 */
import Plotly from 'plotly.js-dist-min';
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
  const handlers = useRef<PlotlyHandlers | undefined>(options.handlers);
  const minInterval = useRef(options.minIntervalMs ?? 0);
  const onError = useRef(options.onError);

  useEffect(() => {
    handlers.current = options.handlers;
    minInterval.current = options.minIntervalMs ?? 0;
    onError.current = options.onError;
  });

  // Mount: one scheduler per element; purge on unmount.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const s = new PlotScheduler<PlotJob>(
      (job) => Plotly.react(el, job.data, job.layout, job.config),
      {
        minIntervalMs: () => minInterval.current,
        onError: (error) => (onError.current ?? console.error)(error),
        resize: () => {
          // Plotly rejects a resize of an undisplayed element: skip it (the next draw sizes it).
          if (!el.isConnected || el.getClientRects().length === 0) return;
          void Promise.resolve(Plotly.Plots.resize(el)).catch(() => undefined);
        },
        afterFirstDraw: () => {
          const gd = el as PlotlyHTMLElement;
          gd.on('plotly_hover', (e) => handlers.current?.hover?.(e));
          gd.on('plotly_unhover', (e) => handlers.current?.unhover?.(e));
          gd.on('plotly_click', (e) => handlers.current?.click?.(e));
        },
      },
    );
    scheduler.current = s;
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
      observer?.disconnect();
      visibility?.disconnect();
      s.dispose();
      scheduler.current = null;
      Plotly.purge(el);
    };
  }, [ref]);

  // Every new figure: queue it (the scheduler keeps only the latest).
  useEffect(() => {
    scheduler.current?.update({ data, layout, config });
  }, [data, layout, config]);
}
