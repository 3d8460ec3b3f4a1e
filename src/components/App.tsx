/** The playground's layout: controls on the left, run controls on top, plots in the centre. */
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/shallow';
import { ControlsPanel } from './ControlsPanel';
import { RunControls } from './RunControls';
import { PresetBar, usePresetLauncher } from './PresetBar';
import { MetricsSummary } from './MetricsSummary';
import { ComparePanel } from './ComparePanel';
import { LossPanel } from './LossPanel';
import { EmbeddingView } from './EmbeddingView';
import { ExportPanel } from './ExportPanel';
import { useController, useStore } from './storeContext';
import { selectActiveRun, selectRuns } from '../state/store';
import { AlignUniformPlane, LossCurve, MetricsOverTime, SimilarityHistograms } from '../plots';

const PROBE_METRICS = [
  'knnAccuracy',
  'linearProbeAccuracy',
  'regressionMAE',
  'regressionR2',
  'biasAlignedAccuracy',
  'biasConflictingAccuracy',
  'biasPredictability',
  'effectiveRank',
] as const;

function useKeyboardShortcuts() {
  const controller = useController();
  const launch = usePresetLauncher();
  const setTalk = useStore((s) => s.setTalkMode);
  const talk = useStore((s) => s.talkMode);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const running =
        controller.store.getState().runs[controller.store.getState().activeRunId ?? '']?.status ===
        'running';
      if (e.key === ' ') {
        e.preventDefault();
        if (running) controller.pause();
        else controller.play();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        controller.step(1);
      } else if (e.key === 'r') {
        controller.reset();
      } else if (e.key === 'f') {
        if (document.fullscreenElement) void document.exitFullscreen();
        else void document.documentElement.requestFullscreen?.().catch(() => undefined);
      } else if (e.key === 't') {
        setTalk(!talk);
      } else if (/^[1-9]$/.test(e.key)) {
        launch(Number(e.key) - 1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [controller, launch, setTalk, talk]);
}

function Notice() {
  const notice = useStore((s) => s.notice);
  const setNotice = useStore((s) => s.setNotice);
  const message = useStore((s) => {
    const run = selectActiveRun(s);
    return run && (run.status === 'paused' || run.status === 'error') ? run.message : undefined;
  });
  const text = message ?? notice;
  if (!text) return null;
  return (
    <div className={`notice ${message ? 'error' : ''}`} role="alert" data-testid="notice">
      <span>{text}</span>
      {!message && <button onClick={() => setNotice(null)}>dismiss</button>}
    </div>
  );
}

function Plots() {
  const talk = useStore((s) => s.talkMode);
  const runs = useStore(useShallow(selectRuns));
  const active = useStore(selectActiveRun);
  const lossSeries = runs.map((r) => ({ id: r.id, label: r.label, points: r.lossCurve }));
  const historySeries = runs.map((r) => ({ id: r.id, label: r.label, history: r.history }));
  const histograms = active?.snapshot?.histograms;
  const loss = active?.config.loss;
  return (
    <div className="grid">
      <EmbeddingView />
      <section className="card" aria-label="Loss curve" data-testid="plot-loss">
        <LossCurve series={lossSeries} talk={talk} title="Training loss" />
      </section>
      <section
        className="card"
        aria-label="Alignment and uniformity"
        data-testid="plot-align-uniform"
      >
        <AlignUniformPlane
          series={historySeries}
          talk={talk}
          title="Alignment vs uniformity (lower-left is better)"
        />
      </section>
      <section className="card" aria-label="Probes and bias metrics" data-testid="plot-metrics">
        <MetricsOverTime
          series={historySeries}
          metrics={[...PROBE_METRICS]}
          talk={talk}
          title="Probes and bias metrics"
        />
      </section>
      <section className="card" aria-label="Similarity histograms" data-testid="plot-histograms">
        {histograms ? (
          <SimilarityHistograms
            histograms={histograms}
            {...(loss?.name === 'eps_supinfonce' || loss?.name === 'eps_supcon'
              ? {
                  epsilon: Number(loss.epsilon ?? 0.25),
                  temperature: Number(loss.temperature ?? 0.1),
                }
              : {})}
            talk={talk}
          />
        ) : (
          <p className="caption">
            Histograms of positive and negative similarities appear with class labels.
          </p>
        )}
      </section>
    </div>
  );
}

export function App() {
  useKeyboardShortcuts();
  const talk = useStore((s) => s.talkMode);
  const setTalk = useStore((s) => s.setTalkMode);
  const rootRef = useRef<HTMLDivElement>(null);
  return (
    <div className={`app ${talk ? 'talk' : ''}`} ref={rootRef}>
      <header className="topbar">
        <h1>Contrastive Playground</h1>
        <RunControls />
        <label className="row">
          <input type="checkbox" checked={talk} onChange={(e) => setTalk(e.target.checked)} /> talk
          mode (t)
        </label>
      </header>
      <Notice />
      <ControlsPanel />
      <main className="main">
        <PresetBar />
        <MetricsSummary visible={talk} />
        <LossPanel />
        <Plots />
        <section className="card" aria-label="Compare runs">
          <h2>Compare runs</h2>
          <ComparePanel />
        </section>
        <ExportPanel />
        <p className="caption">
          Keys: space play/pause · → step · r reset · 1–9 scenes · f full screen · t talk mode.
          Brain MRI subjects are simulated on one real template (Colin27 + AAL); their ages, sites
          and diagnoses are synthetic.
        </p>
      </main>
    </div>
  );
}
