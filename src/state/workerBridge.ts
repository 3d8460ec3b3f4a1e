/**
 * The worker's events, turned into store updates: a run becomes ready, reads files, trains
 * (progress, throttled), is evaluated, pauses, finishes, changes backend or fails. A fatal error
 * restarts the worker: every other live run then says it was stopped.
 */
import { collapseWarning } from '../contracts/configWarnings';
import type { TrainingChannel } from '../contracts/protocol';
import { ProgressThrottle } from './progressThrottle';
import type { ScriptWaiters } from './scriptWaiters';
import type { StoreApi } from './store';

export function bridgeWorkerEvents(
  client: TrainingChannel,
  store: StoreApi,
  waiters: ScriptWaiters,
  /** Runs the current worker has been sent; cleared when it restarts (a new one knows none). */
  liveRuns: Set<string>,
): ProgressThrottle {
  const s = () => store.getState();
  const progress = new ProgressThrottle(store);
  // A `play` sent while the run was still loading has already marked it running; `ready` must
  // not turn that back into 'ready' while the worker trains.
  client.on('ready', (e) =>
    s().updateRun(e.runId, {
      status: s().runs[e.runId]?.status === 'running' ? 'running' : 'ready',
      backend: e.backend,
      dataset: e.dataset,
      snapshotLabels: e.snapshotLabels,
      dataErrors: e.dataErrors,
    }),
  );
  client.on('loading', (e) =>
    s().updateRun(e.runId, { filesRead: { read: e.filesRead, total: e.filesTotal } }),
  );
  client.on('progress', (e) => progress.push(e));
  client.on('evaluation', (e) => {
    progress.flush();
    s().recordEvaluation(e.runId, e.metrics, e.snapshot);
    const run = s().runs[e.runId];
    if (run && !run.collapse) {
      const collapse = collapseWarning(e.metrics, run.config.embeddingDim);
      if (collapse) s().updateRun(e.runId, { collapse });
    }
    waiters.settle(e.runId, 'evaluation');
  });
  client.on('paused', (e) => {
    progress.flush();
    s().updateRun(e.runId, {
      status: 'paused',
      step: e.step,
      message: e.reason,
      stopRequestedAt: undefined,
    });
    waiters.settle(e.runId, 'stop', undefined);
  });
  client.on('finished', (e) => {
    progress.flush();
    s().updateRun(e.runId, { status: 'finished', step: e.step, stopRequestedAt: undefined });
    waiters.settle(e.runId, 'stop');
  });
  client.on('backend-changed', (e) => {
    s().updateRun(e.runId, {
      backend: e.backend,
      message: e.reason,
      ...(e.resumed ? { status: 'running' as const, stopRequestedAt: undefined } : {}),
    });
    s().setNotice(e.reason);
  });
  client.on('error', (e) => {
    let message = e.message;
    if (e.fatal) {
      // The backend may be poisoned (issue 13: after one out-of-memory every later run failed
      // the same way): end this worker; the next command starts a fresh one.
      const restarted = client.restart();
      if (restarted) {
        message = `${e.message} — the training backend failed, so it was restarted; the next run starts on a fresh one.`;
        for (const id of liveRuns) {
          const run = s().runs[id];
          if (id !== e.runId && run && ['loading', 'ready', 'running'].includes(run.status))
            s().updateRun(id, {
              status: 'paused',
              message: 'Stopped: the training worker was restarted after a failure.',
            });
          if (id !== e.runId) waiters.settle(id, 'stop');
        }
        liveRuns.clear();
      }
    }
    if (e.runId) s().updateRun(e.runId, { status: 'error', message, stopRequestedAt: undefined });
    // A run that was already replaced keeps its message to itself (its card says it).
    if (!e.runId || e.runId === s().activeRunId) s().setNotice(message);
    if (e.runId) waiters.settle(e.runId, 'stop', message);
  });
  return progress;
}
