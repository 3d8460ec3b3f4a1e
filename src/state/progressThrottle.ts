/**
 * Steps can come faster than a screen needs them: the progress events are buffered and applied in
 * one store update at most every PROGRESS_INTERVAL_MS, so the page re-renders rarely.
 */
import type { WorkerEventOf } from '../contracts/protocol';
import type { StoreApi } from './store';

export const PROGRESS_INTERVAL_MS = 250;

export class ProgressThrottle {
  private buffered: WorkerEventOf<'progress'>[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly store: StoreApi) {}

  push(event: WorkerEventOf<'progress'>): void {
    this.buffered.push(event);
    this.timer ??= setTimeout(() => this.flush(), PROGRESS_INTERVAL_MS);
  }

  /** Applies what is buffered now (before an evaluation or a stop, so the curve is complete). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffered;
    this.buffered = [];
    const s = this.store.getState();
    for (const e of batch) s.appendLoss(e.runId, e.step, e.loss, e.stepsPerSecond);
    const now = Date.now();
    for (const runId of new Set(batch.map((e) => e.runId)))
      this.store.getState().updateRun(runId, { stepStartedAt: now });
  }
}
