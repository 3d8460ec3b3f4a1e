/**
 * The actions the UI, the keyboard and window.playground share: they update the store and send
 * commands to the training worker. Lives outside React. Its parts, each a job of its own: the
 * worker's events into the store (workerBridge.ts, with progressThrottle.ts), the user's chosen
 * files and their versions (uploads.ts), the scripting API's promises (scriptWaiters.ts).
 */
import { weightsByEncoder, type TrainingChannel } from '../contracts/protocol';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { assertPlainJson, gateConfig, mergeConfig, quoteValue } from '../contracts/configGate';
import type { MetricsRecord } from '../contracts/metrics';
import type { BackendRequest } from '../contracts/backend';
import type { StoreApi } from './store';
import { SampleHover } from './sampleHover';
import { isUserDataset } from '../contracts/datasets';
import { suggestedCsv, summarizeUploads, UploadVersions } from './uploads';
import { ScriptWaiters } from './scriptWaiters';
import { bridgeWorkerEvents } from './workerBridge';
import { encodeRunWeights, type RunWeightsJson } from '../export/runWeights';
import { guessDatasetFacts, memoryRefusal, type DatasetFacts } from '../contracts/configWarnings';
import type { BackendName } from '../contracts/backend';
import type { RunState, RunStatus } from './store';

/** A step running longer than this makes a pause or reset say that it waits for the step's end. */
export const LONG_STEP_MS = 2000;

/** What window.playground.runs() lists for each run. */
export interface RunSummary {
  id: string;
  label: string;
  step: number;
  status: RunStatus;
  restored: boolean;
}

let runCounter = 0;

/** Augmented views shown on the hover card (the run's `views`, within these bounds). */
const HOVER_VIEWS = { min: 2, max: 4 };

export class PlaygroundController {
  /** The embedding's hover card: debounced sample requests to the worker, cached by run and index. */
  readonly hover: SampleHover;
  /** The user's chosen files, for user data sets, and which choice each run read. */
  private readonly uploads = new UploadVersions();
  /** Saves runs in this browser (main.tsx sets it; absent in tests and where storage fails). */
  persistence: { clear(): Promise<void> } | null = null;
  /** Saved weights of restored runs: playing one continues from them (persistence fills it). */
  private readonly resumable = new Map<string, { weights: Float32Array[][]; step: number }>();
  /** Runs the current worker has been sent; a restarted worker knows none. */
  private readonly liveRuns = new Set<string>();
  private readonly waiters: ScriptWaiters;

  constructor(
    readonly store: StoreApi,
    private readonly client: TrainingChannel,
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
    this.waiters = new ScriptWaiters(store);
    bridgeWorkerEvents(client, store, this.waiters, this.liveRuns);
  }

  /** The pointer rests on point `index` of run `runId`'s embedding, or left the points (null). */
  hoverSample(runId: string | null, index: number | null): void {
    this.hover.hover(runId, index);
  }

  private get activeId(): string | null {
    return this.store.getState().activeRunId;
  }

  /** Starts a new run from the current configuration (the previous one stays for comparison). */
  startRun(
    config: TrainingConfig = this.store.getState().config,
    label?: string,
    /** Weights to start from (a scene's trained result), evaluated at once. */
    from?: { weights: Float32Array[][]; step: number },
  ): string {
    const id = `run-${Date.now().toString(36)}-${runCounter++}`;
    const state = this.store.getState();
    state.addRun({ id, label: label ?? describeConfig(config), config });
    // What cannot fit is refused before the worker allocates anything: an out-of-memory would
    // take the backend down with it.
    const refusal = memoryRefusal(config, this.datasetFacts(config), this.likelyBackend());
    if (refusal) {
      state.updateRun(id, { status: 'error', refused: true, message: refusal });
      state.setNotice(refusal);
      return id;
    }
    this.liveRuns.add(id);
    const files = this.uploads.forRun(id, isUserDataset(config.dataset.name));
    this.client.send({
      type: 'start',
      runId: id,
      config,
      backend: this.backend,
      dataUrl: this.dataUrl,
      ...(files.length ? { files } : {}),
      ...(from ? { resume: { ...from, evaluate: true } } : {}),
    });
    if (from) state.updateRun(id, { step: from.step });
    return id;
  }

  /**
   * The user chose files (a folder, or images and their CSV) for a user data set. They replace the
   * previous choice; when the configuration names a user data set, its `csv` is pointed at the
   * chosen CSV (the default name, or the only one). Returns the summary the page shows.
   */
  chooseFiles(files: Iterable<File>): ReturnType<typeof summarizeUploads> {
    const summary = summarizeUploads(this.uploads.choose(files));
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

  /**
   * Validates and applies a partial configuration (a plain object, deep-merged: see mergeConfig);
   * an invalid one throws with the field named and leaves the stored config untouched.
   */
  configure(partial: unknown): TrainingConfig {
    if (
      partial === null ||
      typeof partial !== 'object' ||
      Array.isArray(partial) ||
      ![Object.prototype, null].includes(Object.getPrototypeOf(partial) as object | null)
    )
      throw new Error(
        `configure() takes a plain object of config fields, e.g. {batchSize: 64} (got ${quoteValue(partial)})`,
      );
    // The patch itself first: a cycle or a BigInt must fail before anything is copied.
    assertPlainJson(partial);
    const current = this.store.getState().config as unknown as Record<string, unknown>;
    // `null` removes an optional section (e.g. `regularizer: null` turns FairKL off).
    const merged = gateConfig(mergeConfig(current, partial as Record<string, unknown>));
    this.store.getState().setConfig(merged);
    return merged;
  }

  /** A restored run's saved weights: playing it continues from them instead of from step 0. */
  setResumable(runId: string, saved: { weights: Float32Array[][]; step: number }): void {
    this.resumable.set(runId, saved);
  }

  /** A loaded run's current weights and step (for saving it), or null when the worker lacks it. */
  fetchWeights(runId: string): Promise<{ weights: Float32Array[][]; step: number } | null> {
    if (!this.liveRuns.has(runId)) return Promise.resolve(null);
    return this.client
      .weights(runId)
      .then((snapshot) => ({ weights: weightsByEncoder(snapshot), step: snapshot.step }))
      .catch(() => null);
  }

  /** Loads a restored run into the worker with its saved weights, under its own id. */
  private resume(run: RunState): string {
    const saved = this.resumable.get(run.id)!;
    this.resumable.delete(run.id);
    this.liveRuns.add(run.id);
    this.store.getState().updateRun(run.id, {
      restored: false,
      status: 'loading',
      step: saved.step,
      message: undefined,
    });
    this.client.send({
      type: 'start',
      runId: run.id,
      config: run.config,
      backend: this.backend,
      dataUrl: this.dataUrl,
      resume: saved,
    });
    return run.id;
  }

  /** The data set's image shape and classes: from a loaded run of it, else from its name. */
  datasetFacts(config: TrainingConfig): DatasetFacts {
    const state = this.store.getState();
    const loaded = [...state.runOrder]
      .reverse()
      .map((id) => state.runs[id])
      .find(
        (r) =>
          r?.dataset &&
          r.config.dataset.name === config.dataset.name &&
          JSON.stringify(r.config.dataset) === JSON.stringify(config.dataset),
      )?.dataset;
    // A restored run's summary comes from storage: trust it only as far as it has the fields.
    if (!loaded?.imageShape) return guessDatasetFacts(config.dataset);
    const cls = loaded.labels?.find((l) => l.name === loaded.classLabel);
    return {
      imageShape: loaded.imageShape,
      ...(cls ? { classes: cls.classNames.length } : {}),
    };
  }

  /** The backend a new run will most likely get: the latest run's, else the one asked for. */
  likelyBackend(): BackendName {
    const state = this.store.getState();
    for (const id of [...state.runOrder].reverse()) {
      const b = state.runs[id]?.backend?.backend;
      if (b && !state.runs[id]?.restored) return b;
    }
    return this.backend === 'auto' ? 'wasm' : this.backend;
  }

  /** Every run, restored ones included: what window.playground.runs() returns. */
  runs(): RunSummary[] {
    const state = this.store.getState();
    return state.runOrder
      .map((id) => state.runs[id])
      .filter((r): r is RunState => r !== undefined)
      .map((r) => ({
        id: r.id,
        label: r.label,
        step: r.step,
        status: r.status,
        restored: Boolean(r.restored),
      }));
  }

  /** The active run, or a new one when there is none or the configuration changed since it started. */
  private runForCurrentConfig(): string {
    const state = this.store.getState();
    const active = state.activeRunId ? state.runs[state.activeRunId] : undefined;
    const sameConfig =
      active !== undefined && JSON.stringify(active.config) === JSON.stringify(state.config);
    // A refused config stays refused: one failed run says so, not one per click.
    if (active?.refused && sameConfig) return active.id;
    // A restored run with its weights goes on from where it was saved.
    if (
      active?.restored &&
      sameConfig &&
      this.resumable.has(active.id) &&
      !isUserDataset(active.config.dataset.name)
    )
      return this.resume(active);
    // A run that failed (e.g. its files were missing) has nothing to train: start it again.
    // Nor may a run on files chosen before the current ones.
    const staleFiles =
      active !== undefined &&
      isUserDataset(active.config.dataset.name) &&
      this.uploads.isStale(active.id);
    // A restored run, or one of a worker since restarted, is not loaded: start it afresh.
    if (
      active &&
      active.status !== 'error' &&
      !staleFiles &&
      this.liveRuns.has(active.id) &&
      sameConfig
    )
      return active.id;
    return this.startRun(state.config);
  }

  /**
   * The active run as a PyTorch project (pytorch/EXPORT_FORMAT.md) in a zip, with its current
   * weights: the worker sends the config as the engine runs it, the data set and the weights; the
   * Python sources and the zip library load only now.
   */
  async exportPytorch(): Promise<{ filename: string; zip: Uint8Array }> {
    const state = this.store.getState();
    const run = state.activeRunId ? state.runs[state.activeRunId] : undefined;
    if (!run) throw new Error('no run to export: start one first');
    const [payload, page] = await Promise.all([
      this.client.exportProject(run.id),
      import('../export/page'),
    ]);
    const sameAsPreset = JSON.stringify(run.config) === JSON.stringify(state.config);
    const folder = `pytorch-${run.config.loss.name}-${run.config.dataset.name}-step${payload.weights?.step ?? 0}`;
    const zip = await page.pytorchZip(
      payload,
      {
        preset: sameAsPreset ? state.presetId : null,
        commit: page.BUILD_COMMIT,
        exportedAt: new Date().toISOString(),
        from: 'page',
      },
      folder,
    );
    return { filename: `${folder}.zip`, zip };
  }

  /** The active run's current weights, for the run's JSON (`npm run export:pytorch -- --run`). */
  async runWeights(runId: string): Promise<RunWeightsJson> {
    const { step, tensors } = await this.client.weights(runId);
    return encodeRunWeights({ step, tensors });
  }

  /** The refusal of a run that was never sent to the worker, else null. */
  private refusal(id: string): string | null {
    const run = this.store.getState().runs[id];
    return run?.refused ? (run.message ?? 'refused') : null;
  }

  play(): void {
    const id = this.runForCurrentConfig();
    if (this.refusal(id)) return;
    this.store
      .getState()
      .updateRun(id, { status: 'running', message: undefined, stepStartedAt: Date.now() });
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
    if (!id) return;
    const run = this.store.getState().runs[id];
    // The worker stops at the next step boundary; a long step makes the page say it waits.
    if (run?.status === 'running')
      this.store.getState().updateRun(id, { stopRequestedAt: Date.now() });
    this.client.send({ type: 'pause', runId: id });
  }

  step(count = 1): void {
    const id = this.runForCurrentConfig();
    if (this.refusal(id)) return;
    this.store.getState().updateRun(id, { status: 'running', stepStartedAt: Date.now() });
    this.client.send({ type: 'step', runId: id, count });
  }

  /** Drops the active run and starts it again from step 0 with the current configuration. */
  reset(): string {
    const id = this.activeId;
    const run = id ? this.store.getState().runs[id] : undefined;
    if (
      run?.status === 'running' &&
      run.stepStartedAt !== undefined &&
      Date.now() - run.stepStartedAt > LONG_STEP_MS
    )
      this.store
        .getState()
        .setNotice(
          'Resetting: waiting for the current step to finish (steps take over 2 s); the new run starts after it.',
        );
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
    const refused = this.refusal(id);
    if (refused) return Promise.reject(new Error(refused));
    const run = this.store.getState().runs[id]!;
    const promise = this.waiters.waitFor(id, false);
    this.store.getState().updateRun(id, { status: 'running', stepStartedAt: Date.now() });
    this.client.send({ type: 'play', runId: id, untilStep: run.step + steps });
    return promise;
  }

  evaluate(): Promise<MetricsRecord | undefined> {
    const id = this.activeId ?? this.startRun();
    const refused = this.refusal(id);
    if (refused) return Promise.reject(new Error(refused));
    const promise = this.waiters.waitFor(id, true);
    this.client.send({ type: 'evaluate', runId: id });
    return promise;
  }
}

export function describeConfig(config: TrainingConfig): string {
  const extra = config.regularizer ? ` + ${config.regularizer.name}` : '';
  return `${config.loss.name}${extra} · ${config.dataset.name} · ${config.positives.name} · seed ${config.seed}`;
}
