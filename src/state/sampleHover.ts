/**
 * The embedding's hover card, outside React: a hovered point asks the training worker for its
 * held-out image and augmented views — debounced, so sweeping the pointer over a cloud of points
 * sends one request, not one per point — and keeps the answers in a small cache keyed by run and
 * index. The card lives in the store (`hoverCard`); the page only draws it.
 */
import type { HeldOutSample } from '../contracts/protocol';
import type { HoverCardState, StoreApi } from './store';

export type FetchSample = (runId: string, index: number) => Promise<HeldOutSample>;

export interface SampleHoverOptions {
  /** Time the pointer must rest on a point before its sample is requested (ms). */
  debounceMs?: number;
  /** Time before the card goes after the pointer leaves (ms): moving between points does not flicker. */
  hideDelayMs?: number;
  /** Samples kept (least recently used dropped first). */
  cacheSize?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class SampleHover {
  private readonly cache = new Map<string, HeldOutSample>();
  private readonly inFlight = new Map<string, Promise<HeldOutSample>>();
  private timer: unknown = null;
  private current: { runId: string; index: number } | null = null;
  private readonly debounceMs: number;
  private readonly hideDelayMs: number;
  private readonly cacheSize: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(
    private readonly store: StoreApi,
    private readonly fetchSample: FetchSample,
    options: SampleHoverOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 80;
    this.hideDelayMs = options.hideDelayMs ?? 250;
    this.cacheSize = options.cacheSize ?? 64;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer =
      options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** The pointer is on point `index` of run `runId`'s embedding, or left it (`null`). */
  hover(runId: string | null, index: number | null): void {
    this.cancelTimer();
    if (runId === null || index === null || !Number.isInteger(index) || index < 0) {
      this.current = null;
      this.timer = this.setTimer(() => {
        this.timer = null;
        if (!this.current) this.set(null);
      }, this.hideDelayMs);
      return;
    }
    this.current = { runId, index };
    const cached = this.cache.get(key(runId, index));
    if (cached) {
      // Refresh its place in the LRU order.
      this.cache.delete(key(runId, index));
      this.cache.set(key(runId, index), cached);
      this.set({ runId, index, status: 'ready', sample: cached });
      return;
    }
    this.timer = this.setTimer(() => {
      this.timer = null;
      void this.load(runId, index);
    }, this.debounceMs);
  }

  /** Drops the card and everything cached for `runId` (or for every run). */
  forget(runId?: string): void {
    for (const k of [...this.cache.keys()])
      if (runId === undefined || k.startsWith(`${runId}:`)) this.cache.delete(k);
    const card = this.store.getState().hoverCard;
    if (card && (runId === undefined || card.runId === runId)) {
      this.current = null;
      this.set(null);
    }
  }

  /** Requests in flight or answered, for tests. */
  get cachedCount(): number {
    return this.cache.size;
  }

  private async load(runId: string, index: number): Promise<void> {
    const k = key(runId, index);
    const isCurrent = () => this.current?.runId === runId && this.current.index === index;
    const shown = this.store.getState().hoverCard;
    // Keep the previous card's pictures while the new one loads (less flicker), marked loading.
    this.set({
      runId,
      index,
      status: 'loading',
      ...(shown?.sample && shown.runId === runId ? { sample: shown.sample } : {}),
    });
    let request = this.inFlight.get(k);
    if (!request) {
      request = this.fetchSample(runId, index);
      this.inFlight.set(k, request);
    }
    try {
      const sample = await request;
      this.cache.set(k, sample);
      while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
      if (isCurrent()) this.set({ runId, index, status: 'ready', sample });
    } catch (error) {
      if (isCurrent())
        this.set({
          runId,
          index,
          status: 'error',
          message: error instanceof Error ? error.message : String(error),
        });
    } finally {
      this.inFlight.delete(k);
    }
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  private set(card: HoverCardState | null): void {
    this.store.getState().setHoverCard(card);
  }
}

function key(runId: string, index: number): string {
  return `${runId}:${index}`;
}
