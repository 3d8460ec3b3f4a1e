/**
 * Frame-paced drawing, free of Plotly and the DOM (frame functions are injectable) so it is
 * testable in Node.
 *
 * - A PlotScheduler keeps only the latest figure of one plot: never two draws of it at once,
 *   never two within its `minIntervalMs`.
 * - All plots share one FrameQueue that draws in animation frames, oldest request first, and
 *   stops starting new draws once a frame has used its budget: on a slow machine each frame
 *   draws one plot, so a frame (one task of the main thread) never costs more than one Plotly
 *   redraw, and input is handled between frames.
 */
export interface Job<D = unknown, L = unknown, C = unknown> {
  data: D;
  layout: L;
  config: C;
}

const defaultNow = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

interface Flushable {
  flush(): void;
}

export interface FrameQueueOptions {
  requestFrame?: (cb: () => void) => number;
  cancelFrame?: (id: number) => void;
  now?: () => number;
  /** Start no new draw in a frame after this many ms of drawing (default 8). */
  budgetMs?: number;
}

export class FrameQueue {
  private readonly queue: Flushable[] = [];
  private frame: number | null = null;

  constructor(private readonly options: FrameQueueOptions = {}) {}

  /**
   * Asks for `item.flush()` in a coming frame (once, however often it is asked). A `priority`
   * item goes ahead of the others (the embedding, the plot people wait for).
   */
  enqueue(item: Flushable, priority = false): void {
    if (!this.queue.includes(item)) {
      if (priority) this.queue.unshift(item);
      else this.queue.push(item);
    }
    this.kick();
  }

  remove(item: Flushable): void {
    const i = this.queue.indexOf(item);
    if (i >= 0) this.queue.splice(i, 1);
    if (!this.queue.length && this.frame !== null) {
      (this.options.cancelFrame ?? cancelAnimationFrame)(this.frame);
      this.frame = null;
    }
  }

  get size(): number {
    return this.queue.length;
  }

  private now(): number {
    return (this.options.now ?? defaultNow)();
  }

  private kick(): void {
    if (this.frame !== null || !this.queue.length) return;
    const request = this.options.requestFrame ?? requestAnimationFrame;
    this.frame = request(() => {
      this.frame = null;
      this.run();
    });
  }

  private run(): void {
    const start = this.now();
    const budget = this.options.budgetMs ?? 8;
    // Items enqueued while this frame runs wait for the next frame.
    const batch = this.queue.splice(0);
    let i = 0;
    for (; i < batch.length; i++) {
      if (i > 0 && this.now() - start >= budget) break;
      batch[i]!.flush();
    }
    // Not reached this frame: first in line next frame.
    const rest = batch.slice(i).filter((item) => !this.queue.includes(item));
    this.queue.unshift(...rest);
    this.kick();
  }
}

let sharedQueue: FrameQueue | null = null;
let globalMinIntervalMs = 0;

/**
 * A floor on every plot's redraw interval (ms), e.g. to redraw less often during training on a
 * slow machine; 0 (the default) leaves each plot's own interval.
 */
export function setGlobalPlotInterval(ms: number): void {
  globalMinIntervalMs = Number.isFinite(ms) && ms > 0 ? ms : 0;
}

export function globalPlotInterval(): number {
  return globalMinIntervalMs;
}

let offscreenGating = true;

/** Whether plots scrolled out of view skip their redraws until seen again (default true). */
export function setOffscreenGating(on: boolean): void {
  offscreenGating = on;
}

/** The queue every plot of the page shares. */
export function sharedFrameQueue(): FrameQueue {
  sharedQueue ??= new FrameQueue();
  return sharedQueue;
}

export interface PlotSchedulerOptions {
  minIntervalMs: () => number;
  afterFirstDraw?: () => void;
  resize?: () => void;
  onError?: (error: unknown) => void;
  queue?: FrameQueue;
  now?: () => number;
  /** Drawn ahead of the other plots waiting for a frame. */
  priority?: boolean;
}

/** Draws one plot: the latest figure only, one draw at a time. */
export class PlotScheduler<J = Job> implements Flushable {
  private pending: J | null = null;
  private drawing = false;
  private lastDraw = -Infinity;
  private drawn = false;
  private disposed = false;
  private resizeQueued = false;
  private visible = true;
  private readonly queue: FrameQueue;

  constructor(
    private readonly draw: (job: J) => Promise<unknown> | unknown,
    private readonly options: PlotSchedulerOptions,
  ) {
    this.queue = options.queue ?? sharedFrameQueue();
  }

  update(job: J): void {
    if (this.disposed) return;
    this.pending = job;
    this.schedule();
  }

  /** Asks for a resize (served by the next draw, or done alone after the first draw). */
  resize(): void {
    if (this.disposed) return;
    this.resizeQueued = true;
    this.schedule();
  }

  /**
   * Off-screen plots keep their latest figure and draw it when they come back into view, so
   * hidden panels cost nothing.
   */
  setVisible(visible: boolean): void {
    if (this.visible === visible) return;
    this.visible = visible;
    if (this.pending !== null || this.resizeQueued) this.schedule();
  }

  dispose(): void {
    this.disposed = true;
    this.pending = null;
    this.queue.remove(this);
  }

  get hasDrawn(): boolean {
    return this.drawn;
  }

  private clock(): number {
    return (this.options.now ?? defaultNow)();
  }

  private schedule(): void {
    if (!this.disposed && !this.drawing && this.canDraw())
      this.queue.enqueue(this, this.options.priority ?? false);
  }

  /** The first draw happens even off-screen (the plot exists); later ones wait to be seen. */
  private canDraw(): boolean {
    return this.visible || !this.drawn || !offscreenGating;
  }

  private interval(): number {
    return Math.max(this.options.minIntervalMs(), globalMinIntervalMs);
  }

  /** Called by the queue in an animation frame. */
  flush(): void {
    void this.flushAsync();
  }

  private async flushAsync(): Promise<void> {
    if (this.disposed || this.drawing || !this.canDraw()) return;
    if (this.pending !== null) {
      if (this.clock() - this.lastDraw < this.interval()) {
        this.schedule();
        return;
      }
      const job = this.pending;
      this.pending = null;
      // A draw lays out at the current size: earlier resize requests are served by it.
      this.resizeQueued = false;
      this.drawing = true;
      this.lastDraw = this.clock();
      try {
        await this.draw(job);
        if (!this.drawn && !this.disposed) {
          this.drawn = true;
          this.options.afterFirstDraw?.();
        }
      } catch (error) {
        (this.options.onError ?? console.error)(error);
      } finally {
        this.drawing = false;
      }
      if (this.disposed) return;
      if (this.pending !== null || this.resizeQueued) this.schedule();
      return;
    }
    if (this.resizeQueued && this.drawn) {
      this.resizeQueued = false;
      try {
        this.options.resize?.();
      } catch (error) {
        (this.options.onError ?? console.error)(error);
      }
    }
  }
}
