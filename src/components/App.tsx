/** The playground's layout: controls on the left, run controls on top, plots in the centre. */
import { useEffect, useMemo, useRef, type ComponentProps } from 'react';
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
import { selectActiveRun, type RunState } from '../state/store';
import { LiveLoss } from './LiveLoss';
import { SceneBar, SceneStage } from './ScenePanel';
import type { MetricsRecord } from '../contracts/metrics';
import { AlignUniformPlane, LossCurve, MetricsOverTime, SimilarityHistograms } from '../plots';
import { ErrorBoundary as PanelBoundary } from './ErrorBoundary';
import { Warnings } from './Warnings';
import { SavedRuns } from './SavedRuns';
import { PRESETS } from '../presets';
import { gateConfig } from '../contracts/configGate';
import { withDefaults } from '../ml/losses/formula';

/**
 * A panel's error boundary; a new configuration (restored defaults, a fixed value) lets every
 * failed panel try again, not only the one whose button was pressed.
 */
function ErrorBoundary(props: Omit<ComponentProps<typeof PanelBoundary>, 'resetKey'>) {
  const config = useStore((s) => s.config);
  return <PanelBoundary {...props} resetKey={config} />;
}

/** The "restore defaults" of every panel's error boundary: the first scene's configuration. */
function useRestoreDefaults(): () => void {
  const setConfig = useStore((s) => s.setConfig);
  const setMessage = useStore((s) => s.setConfigMessage);
  return () => {
    setConfig(gateConfig(PRESETS[0]!.config));
    setMessage('Defaults restored after a panel failed.');
  };
}

const PROBE_METRICS: readonly (keyof MetricsRecord)[] = [
  'knnAccuracy',
  'linearProbeAccuracy',
  'regressionMAE',
  'regressionR2',
  'biasAlignedAccuracy',
  'biasConflictingAccuracy',
  'biasPredictability',
  'effectiveRank',
];

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
  const full = message ?? notice;
  if (!full) return null;
  // Messages quote values at most 80 characters long, but one from elsewhere (a worker error
  // naming a file) is bounded here too: no alert the size of a book.
  const text = full.length > 600 ? `${full.slice(0, 599)}…` : full;
  return (
    <div className={`notice ${message ? 'error' : ''}`} role="alert" data-testid="notice">
      <span>{text}</span>
      {!message && <button onClick={() => setNotice(null)}>dismiss</button>}
    </div>
  );
}

const frozenCurves = new WeakMap<RunState['history'], RunState['lossCurve']>();

/** The loss curve as of the run's latest evaluation while it runs; the whole curve otherwise. */
function frozenCurve(run: RunState): RunState['lossCurve'] {
  if (run.status !== 'running') return run.lossCurve;
  let curve = frozenCurves.get(run.history);
  if (!curve) {
    curve = run.lossCurve;
    frozenCurves.set(run.history, curve);
  }
  return curve;
}

/** Each plot subscribes to exactly the arrays it draws, so a loss update does not redraw the others. */
function useRunLabels() {
  const ids = useStore(useShallow((s) => s.runOrder));
  const labels = useStore(useShallow((s) => s.runOrder.map((id) => s.runs[id]?.label ?? id)));
  return { ids, labels };
}

/**
 * Every run's loss curve. While a run trains it redraws at evaluations only (the live line above is
 * a cheap canvas): a Plotly redraw costs 50–200 ms on a machine without a GPU.
 */
function LossPlot() {
  const talk = useStore((s) => s.talkMode);
  const { ids, labels } = useRunLabels();
  const curves = useStore(
    useShallow((s) =>
      s.runOrder.map((id) => {
        const run = s.runs[id];
        return run ? frozenCurve(run) : [];
      }),
    ),
  );
  const series = useMemo(
    () => ids.map((id, i) => ({ id, label: labels[i] ?? id, points: curves[i] ?? [] })),
    [ids, labels, curves],
  );
  return <LossCurve series={series} talk={talk} title="Training loss" minIntervalMs={1000} />;
}

function useHistorySeries() {
  const { ids, labels } = useRunLabels();
  const histories = useStore(useShallow((s) => s.runOrder.map((id) => s.runs[id]?.history ?? [])));
  return useMemo(
    () => ids.map((id, i) => ({ id, label: labels[i] ?? id, history: histories[i] ?? [] })),
    [ids, labels, histories],
  );
}

function AlignUniformPlot() {
  const talk = useStore((s) => s.talkMode);
  const series = useHistorySeries();
  return (
    <AlignUniformPlane
      series={series}
      talk={talk}
      title="Alignment vs uniformity (lower-left is better)"
    />
  );
}

function ProbePlot() {
  const talk = useStore((s) => s.talkMode);
  const series = useHistorySeries();
  return (
    <MetricsOverTime
      series={series}
      metrics={PROBE_METRICS}
      talk={talk}
      title="Probes and bias metrics"
    />
  );
}

function HistogramPlot() {
  const talk = useStore((s) => s.talkMode);
  const histograms = useStore((s) => selectActiveRun(s)?.snapshot?.histograms);
  const loss = useStore((s) => selectActiveRun(s)?.config.loss);
  if (!histograms)
    return (
      <p className="caption">
        Histograms of positive and negative similarities appear with class labels.
      </p>
    );
  // A loss with a margin ε (in logit units) shows it on the histograms, at ε·τ in cosine.
  const params = loss ? withDefaults(loss.name, loss) : {};
  const margin =
    typeof params.epsilon === 'number' && typeof params.temperature === 'number'
      ? { epsilon: params.epsilon, temperature: params.temperature }
      : {};
  return <SimilarityHistograms histograms={histograms} {...margin} talk={talk} />;
}

function Plots() {
  const restore = useRestoreDefaults();
  return (
    <div className="grid">
      <ErrorBoundary name="the embedding" onRestoreDefaults={restore}>
        <EmbeddingView />
      </ErrorBoundary>
      <section className="card" aria-label="Loss curve" data-testid="plot-loss">
        <ErrorBoundary name="the loss curve" onRestoreDefaults={restore}>
          <LiveLoss />
          <LossPlot />
        </ErrorBoundary>
      </section>
      <section
        className="card"
        aria-label="Alignment and uniformity"
        data-testid="plot-align-uniform"
      >
        <ErrorBoundary name="the alignment–uniformity plot" onRestoreDefaults={restore}>
          <AlignUniformPlot />
        </ErrorBoundary>
      </section>
      <section className="card" aria-label="Probes and bias metrics" data-testid="plot-metrics">
        <ErrorBoundary name="the probe plot" onRestoreDefaults={restore}>
          <ProbePlot />
        </ErrorBoundary>
      </section>
      <section className="card" aria-label="Similarity histograms" data-testid="plot-histograms">
        <ErrorBoundary name="the histograms" onRestoreDefaults={restore}>
          <HistogramPlot />
        </ErrorBoundary>
      </section>
    </div>
  );
}

export function App() {
  useKeyboardShortcuts();
  const talk = useStore((s) => s.talkMode);
  const setTalk = useStore((s) => s.setTalkMode);
  // Talk mode with a claim scene is a stage: the scene fills the window, the controls step aside.
  const staged = useStore((s) => s.talkMode && s.scene !== null);
  const rootRef = useRef<HTMLDivElement>(null);
  const restore = useRestoreDefaults();
  return (
    <div className={`app ${talk ? 'talk' : ''} ${staged ? 'staged' : ''}`} ref={rootRef}>
      <header className="topbar">
        <h1>Contrastive Playground</h1>
        <ErrorBoundary name="the run controls" onRestoreDefaults={restore}>
          <RunControls />
        </ErrorBoundary>
        <label className="row">
          <input type="checkbox" checked={talk} onChange={(e) => setTalk(e.target.checked)} /> talk
          mode (t)
        </label>
      </header>
      <Notice />
      <ErrorBoundary name="the warnings" onRestoreDefaults={restore} className="wide">
        <Warnings />
      </ErrorBoundary>
      <ErrorBoundary name="the controls" onRestoreDefaults={restore} className="controls">
        <ControlsPanel />
      </ErrorBoundary>
      <main className="main">
        <ErrorBoundary name="the scene stage" onRestoreDefaults={restore}>
          <SceneStage />
          <SceneBar />
        </ErrorBoundary>
        <ErrorBoundary name="the scenes" onRestoreDefaults={restore}>
          <PresetBar />
          <MetricsSummary visible={talk} />
        </ErrorBoundary>
        <ErrorBoundary name="the loss panel" onRestoreDefaults={restore}>
          <LossPanel />
        </ErrorBoundary>
        <Plots />
        <section className="card" aria-label="Compare runs">
          <h2>Compare runs</h2>
          <ErrorBoundary name="the comparison" onRestoreDefaults={restore}>
            <ComparePanel />
            <SavedRuns />
          </ErrorBoundary>
        </section>
        <ErrorBoundary name="share and export" onRestoreDefaults={restore}>
          <ExportPanel />
        </ErrorBoundary>
        <p className="caption">
          Keys: space play/pause · → step · r reset · 1–9 scenes · f full screen · t talk mode.
          Brain MRI subjects are simulated on one real template (Colin27 + AAL); their ages, sites
          and diagnoses are synthetic.
        </p>
      </main>
    </div>
  );
}
