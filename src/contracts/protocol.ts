/**
 * The vocabulary between the page and the training worker: messages keyed by `type`, and the plain
 * data they carry. Every message names its run, so late events of a replaced run are ignored. Only plain data and typed arrays cross the boundary
 * (never a tensor); large arrays are transferred.
 */
import type { TrainingConfig } from './trainingConfig';
import type { BackendChoice, BackendRequest } from './backend';
import type { EmbeddingSnapshot, MetricsRecord } from './metrics';
import type { DataError, DatasetConfig, DatasetInfo, DataSplit } from './dataset';

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
   * What the PyTorch export needs: the config as the engine runs it, the effective loss
   * parameters, the data set as loaded and the current weights. Answered by an `export-data`
   * event with the same `requestId`, between training steps, like `sample`.
   */
  | { type: 'export'; runId: string; requestId: number };

/** One weight tensor in the TS layout (dense `[in, out]`, conv `[kh, kw, in, out]`). */
export interface ExportTensor {
  shape: number[];
  data: Float32Array;
}

/** What the engine knows about a run, as plain data (the worker transfers it to the page). */
export interface ExportPayload {
  /** The config with the defaults the engine fills in (augmentation, salient encoder, FairKL). */
  config: TrainingConfig;
  /** The loss's parameters as the engine calls it: config overrides applied, defaults filled in. */
  lossParams: Record<string, unknown>;
  lossStyle: string;
  dataset: { info: DatasetInfo; config: DatasetConfig; train: DataSplit; test: DataSplit };
  /** The run's current weights, in the order of the TS model's variables; absent: none exported. */
  weights?: { step: number; tensors: ExportTensor[] };
}

/**
 * The run's weights at one step, in the order of the TS model's variables, cloned at once;
 * `encoders`: how many of the tensors each encoder has, in order (the encoder, then the salient
 * one of SepCLR).
 */
export interface WeightsSnapshot {
  step: number;
  tensors: ExportTensor[];
  encoders: number[];
}

/** One list of arrays per encoder: the form a session takes back (restore) and saved runs keep. */
export function weightsByEncoder({ tensors, encoders }: WeightsSnapshot): Float32Array[][] {
  let at = 0;
  return encoders.map((count) => tensors.slice(at, (at += count)).map((t) => t.data));
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
  /** The answer to a `weights` command: the weights, or why there are none. */
  | {
      type: 'weights';
      runId: string;
      requestId: number;
      weights?: WeightsSnapshot;
      error?: string;
    }
  /** The answer to a `sample` command: the sample, or why there is none. */
  | { type: 'sample'; runId: string; requestId: number; sample?: HeldOutSample; error?: string }
  /** The answer to an `export` command: the payload, or why there is none. */
  | {
      type: 'export-data';
      runId: string;
      requestId: number;
      payload?: ExportPayload;
      error?: string;
    };

export type WorkerEventOf<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;

/**
 * The page's handle on the training worker (worker/client.ts implements it; the store's controller
 * and the scene runner use only this): typed commands out, typed events in, and the requests that
 * expect one answer.
 */
export interface TrainingChannel {
  send(command: WorkerCommand): void;
  on<T extends WorkerEvent['type']>(
    type: T,
    listener: (event: WorkerEventOf<T>) => void,
  ): () => void;
  /** Held-out sample `index` of run `runId` with `views` augmented views. */
  sample(runId: string, index: number, views: number, seed?: number): Promise<HeldOutSample>;
  /** The run's current weights and step; rejects when the run is not loaded. */
  weights(runId: string): Promise<WeightsSnapshot>;
  /** The run as the PyTorch export needs it: config, loss parameters, data and weights. */
  exportProject(runId: string): Promise<ExportPayload>;
  /** Ends the worker and starts a fresh one at the next command; false when it cannot. */
  restart(): boolean;
  /** Ends the worker for good (its pending requests reject). */
  terminate(): void;
}
