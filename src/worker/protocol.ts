/**
 * Messages between the page and the training worker, keyed by `type`. Every message names its run,
 * so late events of a replaced run are ignored. Only plain data and typed arrays cross the boundary
 * (never a tensor); large arrays are transferred.
 */
import type { TrainingConfig } from '../contracts/trainingConfig';
import type { BackendChoice, BackendRequest } from '../contracts/backend';
import type { EmbeddingSnapshot, MetricsRecord } from '../contracts/metrics';
import type { DataError, DatasetInfo } from '../data/types';
import type { ExportPayload, ExportTensor } from '../export/pytorch';

export type WorkerCommand =
  /**
   * Builds a run (data set, encoders) and pauses at step 0; `dataUrl` is where public/data is
   * served. `files`: the user's chosen files, for a user data set (`user-images`, `user-features`);
   * a File is a handle that structured cloning passes by reference, so no bytes are copied here.
   */
  | {
      type: 'start';
      runId: string;
      config: TrainingConfig;
      backend: BackendRequest;
      dataUrl: string;
      files?: File[];
      /**
       * Saved weights to continue from (a run restored after a reload, a scene's trained result),
       * and its step; `evaluate`: a full evaluation at once (metrics, not only the embedding).
       */
      resume?: { weights: Float32Array[][]; step: number; evaluate?: boolean };
    }
  /** The run's current weights, answered by a `weights` event (between steps). */
  | { type: 'weights'; runId: string; requestId: number }
  /** Trains until `untilStep` (default: config.steps) or a pause. */
  | { type: 'play'; runId: string; untilStep?: number }
  | { type: 'pause'; runId: string }
  /** Exactly `count` steps, then pause. */
  | { type: 'step'; runId: string; count: number }
  | { type: 'evaluate'; runId: string }
  | { type: 'dispose'; runId: string }
  /**
   * One held-out sample of the snapshot (`index` = its row in the embedding: snapshot rows are the
   * first n held-out samples) with `views` augmented views, from the run's augmentation seeded by
   * `seed` (default: the index). Answered by a `sample` event with the same `requestId`; acts at
   * once (between training steps), waiting only for the run to load.
   */
  | {
      type: 'sample';
      runId: string;
      requestId: number;
      index: number;
      views: number;
      seed?: number;
    }
  /**
   * What the PyTorch export (or the run's JSON) needs: `project` gives the config as the engine
   * runs it, the effective loss parameters, the data set as loaded and the current weights;
   * `weights` only the weights. Answered by an `export-data` event with the same `requestId`,
   * between training steps, like `sample`.
   */
  | { type: 'export'; runId: string; requestId: number; what: 'project' | 'weights' };

/** The run's weights at one step, in the order of the TS model's variables. */
export interface WeightsSnapshot {
  step: number;
  tensors: ExportTensor[];
}

/** A held-out image and its augmented views, as plain typed arrays ([h, w, c] row-major, in [0, 1]). */
export interface HeldOutSample {
  index: number;
  height: number;
  width: number;
  channels: number;
  image: Float32Array;
  /** `views.length` augmented views, each h·w·c. */
  views: Float32Array[];
  labels: Record<string, number>;
  attributes: Record<string, number>;
  flags: Record<string, number>;
}

/** Per-sample constants of the held-out snapshot set, sent once per run. */
export interface SnapshotLabels {
  n: number;
  labels: Record<string, Int32Array>;
  attributes: Record<string, Float32Array>;
  flags: Record<string, Uint8Array>;
}

export type WorkerEvent =
  | {
      type: 'ready';
      runId: string;
      backend: BackendChoice;
      dataset: DatasetInfo;
      snapshotLabels: SnapshotLabels;
      /** Files or CSV lines the data set skipped, each with its problem (the valid ones were kept). */
      dataErrors: DataError[];
    }
  | { type: 'progress'; runId: string; step: number; loss: number; stepsPerSecond: number }
  /** A user data set is being read: `filesRead` of the `filesTotal` chosen files so far. */
  | { type: 'loading'; runId: string; filesRead: number; filesTotal: number }
  | { type: 'evaluation'; runId: string; metrics: MetricsRecord; snapshot: EmbeddingSnapshot }
  | { type: 'paused'; runId: string; step: number; reason?: string }
  | { type: 'finished'; runId: string; step: number; final: MetricsRecord }
  /** `resumed`: the run was training and goes on training on the new backend. */
  | {
      type: 'backend-changed';
      runId: string;
      backend: BackendChoice;
      reason: string;
      resumed?: boolean;
    }
  /**
   * `fatal`: the backend may be unusable (out of memory, a WASM abort, an error while training);
   * the page then restarts the worker, so the next run gets a fresh backend.
   */
  | { type: 'error'; runId: string; message: string; fatal?: boolean }
  /** The answer to a `weights` command: every encoder's weights at `step`, or why there are none. */
  | {
      type: 'weights';
      runId: string;
      requestId: number;
      weights?: Float32Array[][];
      step?: number;
      error?: string;
    }
  /** The answer to a `sample` command: the sample, or why there is none. */
  | { type: 'sample'; runId: string; requestId: number; sample?: HeldOutSample; error?: string }
  /** The answer to an `export` command: `payload` (project) or `weights`, or why there is none. */
  | {
      type: 'export-data';
      runId: string;
      requestId: number;
      payload?: ExportPayload;
      weights?: WeightsSnapshot;
      error?: string;
    };

export type WorkerEventOf<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;

/** The typed arrays of an event, to pass as the transfer list of postMessage. */
export function transferablesOf(event: WorkerEvent): Transferable[] {
  const buffers: Transferable[] = [];
  const add = (a: ArrayBufferView | undefined) => {
    if (a && a.buffer instanceof ArrayBuffer && !buffers.includes(a.buffer)) buffers.push(a.buffer);
  };
  if (event.type === 'evaluation') {
    const s = event.snapshot;
    add(s.projection);
    add(s.salient);
    if (s.histograms) {
      const h = s.histograms;
      [h.edges, h.positive, h.negative].forEach(add);
      if (h.byBias) Object.values(h.byBias).forEach(add);
    }
  }
  if (event.type === 'sample' && event.sample) {
    add(event.sample.image);
    event.sample.views.forEach(add);
  }
  if (event.type === 'export-data') {
    const p = event.payload;
    if (p)
      for (const split of [p.dataset.train, p.dataset.test]) {
        add(split.images);
        [split.labels, split.attributes, split.flags].forEach((r) => Object.values(r).forEach(add));
      }
    [...(p?.weights?.tensors ?? []), ...(event.weights?.tensors ?? [])].forEach((t) => add(t.data));
  }
  if (event.type === 'weights') event.weights?.flat().forEach(add);
  if (event.type === 'ready') {
    const l = event.snapshotLabels;
    [...Object.values(l.labels), ...Object.values(l.attributes), ...Object.values(l.flags)].forEach(
      add,
    );
  }
  return buffers;
}

/**
 * The first command may travel in the worker's `name` (`new Worker(url, {name})`), so the worker
 * starts loading as soon as its script runs, without waiting for the page's main thread to hand a
 * queued message over. Only a `start` command is accepted this way.
 */
const BOOT_PREFIX = 'training-worker:';

export function bootName(command: WorkerCommand): string {
  return `${BOOT_PREFIX}${JSON.stringify(command)}`;
}

export function bootCommandFromName(name: string | undefined): WorkerCommand | null {
  if (!name?.startsWith(BOOT_PREFIX)) return null;
  // Files and weights cannot travel in a name; such a start is always posted (client.ts).
  try {
    const command = JSON.parse(name.slice(BOOT_PREFIX.length)) as WorkerCommand;
    return command && command.type === 'start' && typeof command.runId === 'string'
      ? command
      : null;
  } catch {
    return null;
  }
}
