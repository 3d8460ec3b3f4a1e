/**
 * One store made of typed slices (values and actions apart): `config` (the only slice in the URL),
 * `runs` (every run kept for comparison, with its history and latest snapshot) and `ui`.
 * Panels read it through the named selectors at the bottom; the worker bridge writes it.
 */
import { create } from 'zustand';
import type { TrainingConfig } from '../contracts/trainingConfig';
import type { EmbeddingSnapshot, MetricsRecord } from '../contracts/metrics';
import type { BackendChoice } from '../contracts/backend';
import type { DataError, DatasetInfo } from '../contracts/dataset';
import type { HeldOutSample, SnapshotLabels } from '../contracts/protocol';
import type { UploadSummary } from './uploads';
import type { ConfigWarning } from '../contracts/configWarnings';

export type RunStatus = 'loading' | 'ready' | 'running' | 'paused' | 'finished' | 'error';

export interface RunState {
  id: string;
  label: string;
  config: TrainingConfig;
  status: RunStatus;
  step: number;
  stepsPerSecond: number;
  /** Every step's loss, for the loss curve (thinned when long). */
  lossCurve: { step: number; loss: number }[];
  history: MetricsRecord[];
  snapshot?: EmbeddingSnapshot;
  snapshotLabels?: SnapshotLabels;
  dataset?: DatasetInfo;
  /** Files or CSV lines the data set skipped while loading, each with its problem. */
  dataErrors?: DataError[];
  /** While a user data set loads: files read so far, of those chosen. */
  filesRead?: { read: number; total: number };
  backend?: BackendChoice;
  /** Why the run paused or failed, in words. */
  message?: string;
  startedAt: number;
  /** Refused before it started (its estimated memory does not fit the backend); never sent. */
  refused?: boolean;
  /** Restored from this browser's storage: shown and compared, not loaded in the worker. */
  restored?: boolean;
  /** When a pause or reset was asked for while the run trained (cleared when it stops). */
  stopRequestedAt?: number;
  /** When the step now in progress began (play, or the latest progress event). */
  stepStartedAt?: number;
  /** The collapse detector's warning, raised once per run. */
  collapse?: ConfigWarning;
}

export interface ConfigSlice {
  config: TrainingConfig;
  presetId: string | null;
  /** A problem with the configuration or the URL, shown to the user. */
  configMessage: string | null;
}

export interface ConfigActions {
  setConfig(config: TrainingConfig, presetId?: string | null): void;
  setConfigMessage(message: string | null): void;
}

export interface RunsSlice {
  runs: Record<string, RunState>;
  runOrder: string[];
  activeRunId: string | null;
}

export interface RunsActions {
  addRun(run: Pick<RunState, 'id' | 'label' | 'config'>): void;
  updateRun(id: string, patch: Partial<RunState>): void;
  appendLoss(id: string, step: number, loss: number, stepsPerSecond: number): void;
  recordEvaluation(id: string, metrics: MetricsRecord, snapshot: EmbeddingSnapshot): void;
  removeRun(id: string): void;
  /** Puts back runs saved in this browser (after the current ones, none of them active). */
  restoreRuns(runs: RunState[]): void;
  setActiveRun(id: string | null): void;
}

export type ProjectionMethod = 'native' | 'pca' | 'umap' | 'tsne';

/** The hover card of the embedding: the hovered held-out sample, its image and augmented views. */
export interface HoverCardState {
  runId: string;
  /** Row of the snapshot = index of the held-out sample. */
  index: number;
  status: 'loading' | 'ready' | 'error';
  sample?: HeldOutSample;
  message?: string;
}

/** The scene being shown: its arms' runs (arm id → run id), trained side by side from one seed. */
export interface ActiveScene {
  id: string;
  seed: number;
  runs: Record<string, string>;
  /** Started from the scene's trained results: each arm's trained budget (its verdict is final there). */
  trained?: Record<string, number>;
}

export interface UiSlice {
  talkMode: boolean;
  scene: ActiveScene | null;
  projection: ProjectionMethod;
  colorBy: string | null;
  /** Steps per `play` chunk: the speed control. */
  speed: number;
  notice: string | null;
  hoverCard: HoverCardState | null;
  /** The user's chosen files, summarised (the files themselves stay with the controller). */
  uploads: UploadSummary | null;
  /** Runs saved in this browser and about how many bytes they take; null before the first read. */
  savedRuns: { runs: number; bytes: number } | null;
}

export interface UiActions {
  setTalkMode(on: boolean): void;
  setScene(scene: ActiveScene | null): void;
  setProjection(method: ProjectionMethod): void;
  setColorBy(key: string | null): void;
  setSpeed(speed: number): void;
  setNotice(notice: string | null): void;
  setHoverCard(card: HoverCardState | null): void;
  setUploads(uploads: UploadSummary | null): void;
  setSavedRuns(saved: { runs: number; bytes: number } | null): void;
}

export type Store = ConfigSlice & ConfigActions & RunsSlice & RunsActions & UiSlice & UiActions;

const MAX_CURVE_POINTS = 4000;

export function createStore(initialConfig: TrainingConfig) {
  return create<Store>()((set) => ({
    config: initialConfig,
    presetId: null,
    configMessage: null,
    setConfig: (config, presetId = null) => set({ config, presetId }),
    setConfigMessage: (configMessage) => set({ configMessage }),

    runs: {},
    runOrder: [],
    activeRunId: null,
    addRun: ({ id, label, config }) =>
      set((s) => ({
        runs: {
          ...s.runs,
          [id]: {
            id,
            label,
            config,
            status: 'loading',
            step: 0,
            stepsPerSecond: 0,
            lossCurve: [],
            history: [],
            startedAt: Date.now(),
          },
        },
        runOrder: [...s.runOrder, id],
        activeRunId: id,
      })),
    updateRun: (id, patch) =>
      set((s) => (s.runs[id] ? { runs: { ...s.runs, [id]: { ...s.runs[id]!, ...patch } } } : {})),
    appendLoss: (id, step, loss, stepsPerSecond) =>
      set((s) => {
        const run = s.runs[id];
        if (!run) return {};
        let curve = [...run.lossCurve, { step, loss }];
        // Thin old points rather than drop them, so a long run's curve keeps its shape.
        if (curve.length > MAX_CURVE_POINTS)
          curve = curve.filter((_, i) => i % 2 === 0 || i === curve.length - 1);
        return { runs: { ...s.runs, [id]: { ...run, step, stepsPerSecond, lossCurve: curve } } };
      }),
    recordEvaluation: (id, metrics, snapshot) =>
      set((s) => {
        const run = s.runs[id];
        if (!run) return {};
        const history = run.history.filter((m) => m.step !== metrics.step);
        return { runs: { ...s.runs, [id]: { ...run, history: [...history, metrics], snapshot } } };
      }),
    removeRun: (id) =>
      set((s) => {
        const { [id]: _removed, ...runs } = s.runs;
        const runOrder = s.runOrder.filter((r) => r !== id);
        return {
          runs,
          runOrder,
          activeRunId: s.activeRunId === id ? (runOrder.at(-1) ?? null) : s.activeRunId,
        };
      }),
    restoreRuns: (restored) =>
      set((s) => {
        const fresh = restored.filter((r) => !s.runs[r.id]);
        if (!fresh.length) return {};
        const runs = { ...s.runs };
        for (const r of fresh) runs[r.id] = r;
        // Restored runs come first: they are older than anything this page has started.
        return { runs, runOrder: [...fresh.map((r) => r.id), ...s.runOrder] };
      }),
    setActiveRun: (activeRunId) => set({ activeRunId }),

    talkMode: false,
    scene: null,
    projection: 'pca',
    colorBy: null,
    speed: 10,
    notice: null,
    hoverCard: null,
    uploads: null,
    setTalkMode: (talkMode) => set({ talkMode }),
    setScene: (scene) => set({ scene }),
    setProjection: (projection) => set({ projection }),
    setColorBy: (colorBy) => set({ colorBy }),
    setSpeed: (speed) => set({ speed }),
    setNotice: (notice) => set({ notice }),
    setHoverCard: (hoverCard) => set({ hoverCard }),
    setUploads: (uploads) => set({ uploads }),
    savedRuns: null,
    setSavedRuns: (savedRuns) => set({ savedRuns }),
  }));
}

export type StoreApi = ReturnType<typeof createStore>;

// Named selectors: panels subscribe to exactly what they draw.
export const selectActiveRun = (s: Store): RunState | undefined =>
  s.activeRunId ? s.runs[s.activeRunId] : undefined;
export const selectRuns = (s: Store): RunState[] =>
  s.runOrder.map((id) => s.runs[id]!).filter(Boolean);
export const selectConfig = (s: Store) => s.config;
export const selectUploads = (s: Store) => s.uploads;
export const selectLatestMetrics = (s: Store): MetricsRecord | undefined =>
  selectActiveRun(s)?.history.at(-1);
