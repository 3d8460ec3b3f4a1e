/**
 * Runs kept across reloads: every run's config, loss curve, metrics history, latest embedding
 * snapshot and data-set summary go to IndexedDB as the run trains (each run at most every
 * SAVE_INTERVAL_MS, and when the page is hidden), one record per run, through idb-keyval. A
 * reload puts them back in the compare table and the plots, paused. Records of another version,
 * or that fail their checks (the config passes the config gate again), are skipped with a
 * notice; storage that cannot be opened at all leaves the page working without it.
 */
import {
  clear as idbClear,
  createStore as idbCreateStore,
  del as idbDel,
  entries as idbEntries,
  set as idbSet,
} from 'idb-keyval';
import type { RunState, StoreApi } from './store';
import { gateConfig } from '../contracts/configGate';

export const PERSIST_VERSION = 1;
export const DB_NAME = 'contrastive-playground';
export const STORE_NAME = 'runs';
export const SAVE_INTERVAL_MS = 2000;
/** Weights of a run are saved when they take at most this much (the presets' take 0.5–3 MB). */
export const MAX_WEIGHT_BYTES = 32 * 2 ** 20;

export interface SavedWeights {
  weights: Float32Array[][];
  step: number;
}

/** The few IndexedDB operations used, so tests can run on fake-indexeddb or a Map. */
export interface KeyValueStore {
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  entries(): Promise<[IDBValidKey, unknown][]>;
  clear(): Promise<void>;
}

export function idbKeyValueStore(): KeyValueStore {
  const store = idbCreateStore(DB_NAME, STORE_NAME);
  return {
    set: (key, value) => idbSet(key, value, store),
    del: (key) => idbDel(key, store),
    entries: () => idbEntries(store),
    clear: () => idbClear(store),
  };
}

/** The fields of a run that are saved; the rest (timers, pending stops) belong to one page. */
type SavedFields = Pick<
  RunState,
  | 'id'
  | 'label'
  | 'config'
  | 'status'
  | 'step'
  | 'lossCurve'
  | 'history'
  | 'snapshot'
  | 'snapshotLabels'
  | 'dataset'
  | 'backend'
  | 'message'
  | 'startedAt'
  | 'collapse'
>;

export interface SavedRecord {
  version: number;
  savedAt: number;
  run: SavedFields;
  /** The encoders' weights at `run.step`, when affordable (absent while it trains). */
  weights?: Float32Array[][];
}

/** The saved weights of a record, if they are well formed and taken at the run's step. */
export function weightsOf(value: unknown): SavedWeights | null {
  const record = value as Partial<SavedRecord> | null;
  const w = record?.weights;
  if (!Array.isArray(w) || !w.length) return null;
  if (!w.every((part) => Array.isArray(part) && part.every((a) => a instanceof Float32Array)))
    return null;
  const step = record?.run?.step;
  return typeof step === 'number' && Number.isInteger(step) && step >= 0
    ? { weights: w, step }
    : null;
}

function toRecord(run: RunState): SavedRecord {
  const saved: SavedFields = {
    id: run.id,
    label: run.label,
    config: run.config,
    status: run.status,
    step: run.step,
    lossCurve: run.lossCurve,
    history: run.history,
    startedAt: run.startedAt,
  };
  for (const key of [
    'snapshot',
    'snapshotLabels',
    'dataset',
    'backend',
    'message',
    'collapse',
  ] as const) {
    if (run[key] !== undefined) (saved as unknown as Record<string, unknown>)[key] = run[key];
  }
  return { version: PERSIST_VERSION, savedAt: Date.now(), run: saved };
}

/** A saved record back to a run, or the reason it cannot be one. */
export function fromRecord(value: unknown): RunState | string {
  if (value === null || typeof value !== 'object') return 'not an object';
  const record = value as Partial<SavedRecord>;
  if (record.version !== PERSIST_VERSION)
    return `version ${String(record.version).slice(0, 20)}, this page reads ${PERSIST_VERSION}`;
  const run = record.run as Partial<SavedFields> | undefined;
  if (!run || typeof run !== 'object') return 'no run';
  if (typeof run.id !== 'string' || !run.id || run.id.length > 200) return 'no id';
  if (typeof run.label !== 'string') return 'no label';
  if (typeof run.step !== 'number' || !Number.isFinite(run.step)) return 'no step';
  if (!Array.isArray(run.lossCurve) || !Array.isArray(run.history)) return 'no history';
  let config;
  try {
    config = gateConfig(run.config);
  } catch (error) {
    return `its config: ${(error as Error).message.slice(0, 200)}`;
  }
  const restored: RunState = {
    ...(run as SavedFields),
    config,
    status: run.status === 'finished' ? 'finished' : 'paused',
    stepsPerSecond: 0,
    startedAt: typeof run.startedAt === 'number' ? run.startedAt : 0,
    restored: true,
    message:
      run.status === 'finished'
        ? undefined
        : weightsOf(value)
          ? `Restored from this browser’s storage with its weights: play goes on from step ${run.step} (the optimiser starts afresh).`
          : 'Restored from this browser’s storage (config, curves and embedding; its weights were not saved): play trains it again from step 0.',
  };
  return restored;
}

/** Roughly how many bytes a record takes (typed arrays by length, the rest as JSON text). */
export function approximateBytes(value: unknown, depth = 0): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value === null || typeof value !== 'object' || depth > 40)
    return typeof value === 'string' ? value.length * 2 : 8;
  let total = 0;
  for (const v of Object.values(value as Record<string, unknown>))
    total += 16 + approximateBytes(v, depth + 1);
  return total;
}

export interface SavedSummary {
  runs: number;
  bytes: number;
}

export class RunPersistence {
  private readonly sizes = new Map<string, number>();
  private readonly lastSaved = new Map<string, RunState>();
  private readonly dirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = 0;
  private unsubscribe: (() => void) | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** False once storage failed: the page goes on without it. */
  private working = true;

  constructor(
    private readonly store: StoreApi,
    private readonly kv: KeyValueStore,
    private readonly onSummary: (summary: SavedSummary) => void = () => undefined,
    private readonly intervalMs = SAVE_INTERVAL_MS,
    /** Asks the worker for a run's weights (null when it does not hold the run). */
    private readonly fetchWeights: (runId: string) => Promise<SavedWeights | null> = async () =>
      null,
    /** Hands a restored run's saved weights to whoever can continue from them. */
    private readonly onResumable: (runId: string, saved: SavedWeights) => void = () => undefined,
  ) {}

  /** Reads the saved runs into the store (paused); returns how many came back and were skipped. */
  async restore(): Promise<{ restored: number; ignored: number; notice?: string }> {
    let entries: [IDBValidKey, unknown][];
    try {
      entries = await this.kv.entries();
    } catch (error) {
      this.working = false;
      const notice = `Saved runs could not be read (${(error as Error).message?.slice(0, 120) ?? 'storage unavailable'}); the page works without them and will not save runs.`;
      return { restored: 0, ignored: 0, notice };
    }
    const runs: RunState[] = [];
    const problems: string[] = [];
    for (const [key, value] of entries) {
      const run = fromRecord(value);
      if (typeof run === 'string' || run.id !== key) {
        problems.push(typeof run === 'string' ? run : 'key and id differ');
        // A record this page cannot read is dropped, so it is not reported at every load.
        await this.kv.del(String(key)).catch(() => undefined);
        continue;
      }
      runs.push(run);
      this.sizes.set(run.id, approximateBytes(value));
      const saved = weightsOf(value);
      if (saved && run.status !== 'finished') this.onResumable(run.id, saved);
    }
    runs.sort((a, b) => a.startedAt - b.startedAt);
    for (const run of runs) this.lastSaved.set(run.id, run);
    this.store.getState().restoreRuns(runs);
    this.emitSummary();
    const notice = problems.length
      ? `${problems.length} saved run${problems.length === 1 ? '' : 's'} could not be read and ${problems.length === 1 ? 'was' : 'were'} ignored (${problems[0]}${problems.length > 1 ? ', …' : ''}).`
      : undefined;
    return { restored: runs.length, ignored: problems.length, ...(notice ? { notice } : {}) };
  }

  /** Saves runs as they change (throttled) and forgets removed ones. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.store.subscribe((state, previous) => {
      if (state.runs === previous.runs) return;
      for (const [id, run] of Object.entries(state.runs)) {
        if (run === previous.runs[id] || run.refused) continue;
        if (run.restored && this.lastSaved.get(id) === run) continue;
        this.dirty.add(id);
      }
      for (const id of Object.keys(previous.runs)) {
        if (!state.runs[id]) {
          this.dirty.delete(id);
          this.lastSaved.delete(id);
          this.sizes.delete(id);
          this.enqueue(() => this.kv.del(id));
          this.emitSummary();
        }
      }
      this.schedule();
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Writes every changed run now (the page is being hidden or closed). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastFlush = Date.now();
    const state = this.store.getState();
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      const run = state.runs[id];
      if (!run || run.refused || !this.working) continue;
      const record = toRecord(run);
      this.lastSaved.set(id, run);
      // Weights only at rest (paused): asking for them while it trains would slow every save.
      const atRest = run.status === 'paused' || run.status === 'ready';
      // The figure counts what is written, not what is about to be.
      this.enqueue(async () => {
        if (atRest) {
          const saved = await this.fetchWeights(id).catch(() => null);
          const bytes = saved?.weights.flat().reduce((a, w) => a + w.byteLength, 0) ?? 0;
          if (saved && saved.step === run.step && bytes <= MAX_WEIGHT_BYTES)
            record.weights = saved.weights;
        }
        await this.kv.set(id, record).then(() => {
          if (!this.lastSaved.has(id)) return; // removed or cleared meanwhile
          this.sizes.set(id, approximateBytes(record));
          this.emitSummary();
        });
      });
    }
    return this.writing;
  }

  /** Deletes every saved run, and drops the restored ones from the page. */
  async clear(): Promise<void> {
    this.dirty.clear();
    this.lastSaved.clear();
    this.sizes.clear();
    await this.writing;
    await this.kv.clear();
    const state = this.store.getState();
    for (const id of [...state.runOrder]) if (state.runs[id]?.restored) state.removeRun(id);
    // What the page still shows is saved again as it changes, not at once.
    this.dirty.clear();
    this.sizes.clear();
    this.emitSummary();
  }

  summary(): SavedSummary {
    let bytes = 0;
    for (const b of this.sizes.values()) bytes += b;
    return { runs: this.sizes.size, bytes };
  }

  private emitSummary(): void {
    this.onSummary(this.summary());
  }

  private schedule(): void {
    if (!this.dirty.size || this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - Date.now());
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  private enqueue(write: () => Promise<void>): void {
    this.writing = this.writing.then(write).catch(() => {
      // A full disk or a closed database: keep the page going, stop saving.
      this.working = false;
    });
  }
}
