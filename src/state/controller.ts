/**
 * The actions the UI, the keyboard and window.playground share: they update the store and send
 * commands to the training worker; the worker's events come back through the same object (the
 * bridge). Lives outside React.
 */
import type { TrainingClient } from '../worker/client';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { parseTrainingConfig } from '../contracts/trainingConfig';
import type { MetricsRecord } from '../contracts/metrics';
import type { BackendRequest } from '../contracts/backend';
import type { StoreApi } from './store';
import { SampleHover } from './sampleHover';
import { isUserDataset } from '../contracts/datasets';
import { suggestedCsv, summarizeUploads } from './uploads';

let runCounter = 0;
const PROGRESS_INTERVAL_MS = 250;

/** Augmented views shown on the hover card (the run's `views`, within these bounds). */
const HOVER_VIEWS = { min: 2, max: 4 };

export class PlaygroundController {
  /** The embedding's hover card: debounced sample requests to the worker, cached by run and index. */
  readonly hover: SampleHover;
  private flushProgress: () => void = () => undefined;
  /** The user's chosen files, for user data sets; kept here, out of the store and the URL. */
  private uploads: File[] = [];
  /** Bumped at every choice of files; each user-data run remembers the choice it read. */
  private uploadsVersion = 0;
  private readonly runUploads = new Map<string, number>();
  private waiters: {
    runId: string;
    resolve: (m: MetricsRecord | undefined) => void;
    reject: (e: Error) => void;
    evaluation: boolean;
  }[] = [];

  constructor(
    readonly store: StoreApi,
    private readonly client: TrainingClient,
    private readonly backend: BackendRequest = 'auto',
    /** Where the data assets are served (the worker has no document to resolve them against). */
    private readonly dataUrl = new URL('data/', globalThis.document?.baseURI ?? 'http://localhost/')
      .href,
  ) {
    this.hover = new SampleHover(store, (runId, index) => {
      const views = this.store.getState().runs[runId]?.config.views ?? HOVER_VIEWS.min;
      const v = Math.min(HOVER_VIEWS.max, Math.max(HOVER_VIEWS.min, views));
      return this.client.sample(runId, index, v);
    });
    this.bridge();
  }

  /** The pointer rests on point `index` of run `runId`'s embedding, or left the points (null). */
  hoverSample(runId: string | null, index: number | null): void {
    this.hover.hover(runId, index);
  }

  private get activeId(): string | null {
    return this.store.getState().activeRunId;
  }

  /** Starts a new run from the current configuration (the previous one stays for comparison). */
  startRun(config: TrainingConfig = this.store.getState().config, label?: string): string {
    const id = `run-${Date.now().toString(36)}-${runCounter++}`;
    const state = this.store.getState();
    state.addRun({ id, label: label ?? describeConfig(config), config });
    const files = isUserDataset(config.dataset.name) ? this.uploads : [];
    if (isUserDataset(config.dataset.name)) this.runUploads.set(id, this.uploadsVersion);
    this.client.send({
      type: 'start',
      runId: id,
      config,
      backend: this.backend,
      dataUrl: this.dataUrl,
      ...(files.length ? { files: [...files] } : {}),
    });
    return id;
  }

  /**
   * The user chose files (a folder, or images and their CSV) for a user data set. They replace the
   * previous choice; when the configuration names a user data set, its `csv` is pointed at the
   * chosen CSV (the default name, or the only one). Returns the summary the page shows.
   */
  chooseFiles(files: Iterable<File>): ReturnType<typeof summarizeUploads> {
    this.uploads = [...files];
    this.uploadsVersion++;
    const summary = summarizeUploads(this.uploads);
    const state = this.store.getState();
    state.setUploads(summary);
    // A message about the previous files (or a link without them) no longer applies.
    state.setNotice(null);
    const dataset = state.config.dataset;
    if (isUserDataset(dataset.name)) {
      const csv = suggestedCsv(summary, dataset.name, dataset['csv']);
      if (csv !== undefined && csv !== dataset['csv'])
        this.configure({ dataset: { ...dataset, csv } });
      if (csv === undefined && summary.csvs.length > 1) {
        // A run on a CSV that is not among the files would only fail: ask first.
        state.setNotice('Several CSVs among the chosen files: choose one under Data → CSV.');
      } else {
        // Load the new files at once: the preview and any problem with them show before training.
        this.startRun();
      }
    }
    return summary;
  }

  /** Validates and applies a partial configuration; an invalid one throws with the field named. */
  configure(partial: Partial<TrainingConfig> | Record<string, unknown>): TrainingConfig {
    const next: Record<string, unknown> = { ...this.store.getState().config, ...partial };
    // `null` removes an optional section (e.g. `regularizer: null` turns FairKL off).
    for (const [key, value] of Object.entries(partial)) if (value === null) delete next[key];
    const merged = parseTrainingConfig(next);
    this.store.getState().setConfig(merged);
    return merged;
  }

  /** The active run, or a new one when there is none or the configuration changed since it started. */
  private runForCurrentConfig(): string {
    const state = this.store.getState();
    const active = state.activeRunId ? state.runs[state.activeRunId] : undefined;
    // A run that failed (e.g. its files were missing) has nothing to train: start it again.
    // Nor may a run on files chosen before the current ones.
    const staleFiles =
      active !== undefined &&
      isUserDataset(active.config.dataset.name) &&
      this.runUploads.get(active.id) !== this.uploadsVersion;
    if (
      active &&
      active.status !== 'error' &&
      !staleFiles &&
      JSON.stringify(active.config) === JSON.stringify(state.config)
    )
      return active.id;
    return this.startRun(state.config);
  }

  play(): void {
    const id = this.runForCurrentConfig();
    this.store.getState().updateRun(id, { status: 'running', message: undefined });
    this.client.send({ type: 'play', runId: id });
  }

  /** Plays run `id` (not necessarily the active one): a scene's arms play side by side. */
  playRun(id: string): void {
    this.store.getState().updateRun(id, { status: 'running', message: undefined });
    this.client.send({ type: 'play', runId: id });
  }

  /** Pauses run `id` (not necessarily the active one). */
  pauseRun(id: string): void {
    this.client.send({ type: 'pause', runId: id });
  }

  pause(): void {
    const id = this.activeId;
    if (id) this.client.send({ type: 'pause', runId: id });
  }

  step(count = 1): void {
    const id = this.runForCurrentConfig();
    this.store.getState().updateRun(id, { status: 'running' });
    this.client.send({ type: 'step', runId: id, count });
  }

  /** Drops the active run and starts it again from step 0 with the current configuration. */
  reset(): string {
    const id = this.activeId;
    if (id) {
      this.client.send({ type: 'dispose', runId: id });
      this.store.getState().removeRun(id);
      this.hover.forget(id);
    }
    return this.startRun();
  }

  /** Trains `steps` more steps on the active run; resolves with the latest metrics. */
  train(steps: number): Promise<MetricsRecord | undefined> {
    const id = this.runForCurrentConfig();
    const run = this.store.getState().runs[id]!;
    const promise = this.waitFor(id, false);
    this.store.getState().updateRun(id, { status: 'running' });
    this.client.send({ type: 'play', runId: id, untilStep: run.step + steps });
    return promise;
  }

  evaluate(): Promise<MetricsRecord | undefined> {
    const id = this.activeId ?? this.startRun();
    const promise = this.waitFor(id, true);
    this.client.send({ type: 'evaluate', runId: id });
    return promise;
  }

  private waitFor(runId: string, evaluation: boolean): Promise<MetricsRecord | undefined> {
    return new Promise((resolve, reject) =>
      this.waiters.push({ runId, resolve, reject, evaluation }),
    );
  }

  private settle(runId: string, which: 'evaluation' | 'stop', error?: string): void {
    const metrics = this.store.getState().runs[runId]?.history.at(-1);
    this.waiters = this.waiters.filter((w) => {
      if (w.runId !== runId) return true;
      if (error) w.reject(new Error(error));
      else if (which === 'stop' || w.evaluation) w.resolve(metrics);
      else return true;
      return false;
    });
  }

  private bridge(): void {
    const s = () => this.store.getState();
    // A `play` sent while the run was still loading has already marked it running; `ready` must
    // not turn that back into 'ready' while the worker trains.
    this.client.on('ready', (e) =>
      s().updateRun(e.runId, {
        status: s().runs[e.runId]?.status === 'running' ? 'running' : 'ready',
        backend: e.backend,
        dataset: e.dataset,
        snapshotLabels: e.snapshotLabels,
        dataErrors: e.dataErrors,
      }),
    );
    this.client.on('loading', (e) =>
      s().updateRun(e.runId, { filesRead: { read: e.filesRead, total: e.filesTotal } }),
    );
    // Steps can come faster than a screen needs them: buffer the losses and apply them in one
    // store update at most every PROGRESS_INTERVAL_MS, so the page re-renders rarely.
    let buffered: { runId: string; step: number; loss: number; stepsPerSecond: number }[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const batch = buffered;
      buffered = [];
      for (const e of batch) s().appendLoss(e.runId, e.step, e.loss, e.stepsPerSecond);
    };
    this.flushProgress = flush;
    this.client.on('progress', (e) => {
      buffered.push(e);
      timer ??= setTimeout(flush, PROGRESS_INTERVAL_MS);
    });
    this.client.on('evaluation', (e) => {
      this.flushProgress();
      s().recordEvaluation(e.runId, e.metrics, e.snapshot);
      this.settle(e.runId, 'evaluation');
    });
    this.client.on('paused', (e) => {
      this.flushProgress();
      s().updateRun(e.runId, { status: 'paused', step: e.step, message: e.reason });
      this.settle(e.runId, 'stop', undefined);
    });
    this.client.on('finished', (e) => {
      this.flushProgress();
      s().updateRun(e.runId, { status: 'finished', step: e.step });
      this.settle(e.runId, 'stop');
    });
    this.client.on('backend-changed', (e) => {
      s().updateRun(e.runId, { backend: e.backend, message: e.reason });
      s().setNotice(e.reason);
    });
    this.client.on('error', (e) => {
      if (e.runId) s().updateRun(e.runId, { status: 'error', message: e.message });
      // A run that was already replaced keeps its message to itself (its card says it).
      if (!e.runId || e.runId === s().activeRunId) s().setNotice(e.message);
      if (e.runId) this.settle(e.runId, 'stop', e.message);
    });
  }
}

export function describeConfig(config: TrainingConfig): string {
  const extra = config.regularizer ? ` + ${config.regularizer.name}` : '';
  return `${config.loss.name}${extra} · ${config.dataset.name} · ${config.positives.name} · seed ${config.seed}`;
}
