/**
 * The scripting API's promises (window.playground.train, .evaluate): each waits for its run's next
 * evaluation or stop, and settles with the run's latest metrics or the run's error.
 */
import type { MetricsRecord } from '../contracts/metrics';
import type { StoreApi } from './store';

interface Waiter {
  runId: string;
  resolve: (m: MetricsRecord | undefined) => void;
  reject: (e: Error) => void;
  /** Settles at the next evaluation (evaluate), else only when the run stops (train). */
  evaluation: boolean;
}

export class ScriptWaiters {
  private waiters: Waiter[] = [];

  constructor(private readonly store: StoreApi) {}

  waitFor(runId: string, evaluation: boolean): Promise<MetricsRecord | undefined> {
    return new Promise((resolve, reject) =>
      this.waiters.push({ runId, resolve, reject, evaluation }),
    );
  }

  settle(runId: string, which: 'evaluation' | 'stop', error?: string): void {
    const metrics = this.store.getState().runs[runId]?.history.at(-1);
    this.waiters = this.waiters.filter((w) => {
      if (w.runId !== runId) return true;
      if (error) w.reject(new Error(error));
      else if (which === 'stop' || w.evaluation) w.resolve(metrics);
      else return true;
      return false;
    });
  }
}
