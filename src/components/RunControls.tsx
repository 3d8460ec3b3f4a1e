/** Play/pause, step, reset, speed, progress and the backend badge: always in view. */
import { useController, useStore } from './storeContext';
import { useEffect, useState } from 'react';
import { selectActiveRun } from '../state/store';
import { LONG_STEP_MS } from '../state/controller';

/** While a pause waits for a long step (over 2 s) to end, says so, with how long it has run. */
function StopWaiting() {
  const requested = useStore((s) => selectActiveRun(s)?.stopRequestedAt);
  const stepStarted = useStore((s) => selectActiveRun(s)?.stepStartedAt);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (requested === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [requested]);
  if (requested === undefined || stepStarted === undefined) return null;
  const running = now - stepStarted;
  if (running < LONG_STEP_MS) return null;
  return (
    <span className="badge" role="status" data-testid="stop-waiting">
      waiting for the current step to finish ({(running / 1000).toFixed(0)} s so far); the pause
      takes effect at the next step boundary
    </span>
  );
}

export function BackendBadge() {
  const backend = useStore((s) => selectActiveRun(s)?.backend);
  if (!backend) return <span className="badge">backend: starting…</span>;
  const gpu = backend.backend === 'webgpu' || backend.backend === 'webgl';
  return (
    <span
      className={`badge ${gpu ? 'gpu' : 'cpu'}`}
      title={backend.reason}
      data-testid="backend-badge"
    >
      {backend.backend.toUpperCase()}{' '}
      <span className="sr-only">backend, because {backend.reason}</span>
    </span>
  );
}

export function RunControls() {
  const controller = useController();
  const run = useStore(selectActiveRun);
  const steps = useStore((s) => s.config.steps);
  const running = run?.status === 'running';
  const total = run?.config.steps ?? steps;
  return (
    <div className="row" role="toolbar" aria-label="Run controls">
      <button
        className="primary"
        onClick={() => (running ? controller.pause() : controller.play())}
        aria-keyshortcuts="Space"
        data-testid="play"
      >
        {running ? '❚❚ Pause' : '▶ Play'}
      </button>
      <button
        onClick={() => controller.step(1)}
        aria-keyshortcuts="ArrowRight"
        disabled={running}
        data-testid="step"
      >
        Step →
      </button>
      <button onClick={() => controller.reset()} aria-keyshortcuts="r" data-testid="reset">
        ↺ Reset
      </button>
      <button
        onClick={() => controller.startRun()}
        title="start a new run with the current settings; the others stay for comparison"
      >
        + New run
      </button>
      <label className="row">
        <span>progress</span>
        <progress
          className="progress"
          max={total || 1}
          value={run?.step ?? 0}
          aria-label="training progress"
        />
      </label>
      <span aria-live="off" data-testid="step-count">
        step {run?.step ?? 0}/{total}
        {run && run.stepsPerSecond > 0 ? ` · ${run.stepsPerSecond.toFixed(1)} steps/s` : ''}
        {run?.status === 'loading' && run.filesRead
          ? ` · reading your files ${run.filesRead.read}/${run.filesRead.total}`
          : ''}
      </span>
      <span className="badge" data-testid="run-status">
        {run?.status ?? 'no run'}
      </span>
      <BackendBadge />
      <StopWaiting />
    </div>
  );
}
