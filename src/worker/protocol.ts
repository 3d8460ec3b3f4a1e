/**
 * Messages between the page and the training worker, keyed by `type`. Every message names its run,
 * so late events of a replaced run are ignored. Only plain data and typed arrays cross the boundary
 * (never a tensor); large arrays are transferred.
 */
import type { TrainingConfig } from '../contracts/trainingConfig';
import type { BackendChoice, BackendRequest } from '../contracts/backend';
import type { EmbeddingSnapshot, MetricsRecord } from '../contracts/metrics';
import type { DatasetInfo } from '../data/types';

export type WorkerCommand =
  /** Builds a run (data set, encoders) and pauses at step 0; `dataUrl` is where public/data is served. */
  | {
      type: 'start';
      runId: string;
      config: TrainingConfig;
      backend: BackendRequest;
      dataUrl: string;
    }
  /** Trains until `untilStep` (default: config.steps) or a pause. */
  | { type: 'play'; runId: string; untilStep?: number }
  | { type: 'pause'; runId: string }
  /** Exactly `count` steps, then pause. */
  | { type: 'step'; runId: string; count: number }
  | { type: 'evaluate'; runId: string }
  | { type: 'dispose'; runId: string };

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
    }
  | { type: 'progress'; runId: string; step: number; loss: number; stepsPerSecond: number }
  | { type: 'evaluation'; runId: string; metrics: MetricsRecord; snapshot: EmbeddingSnapshot }
  | { type: 'paused'; runId: string; step: number; reason?: string }
  | { type: 'finished'; runId: string; step: number; final: MetricsRecord }
  | { type: 'backend-changed'; runId: string; backend: BackendChoice; reason: string }
  | { type: 'error'; runId: string; message: string };

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
  if (event.type === 'ready') {
    const l = event.snapshotLabels;
    [...Object.values(l.labels), ...Object.values(l.attributes), ...Object.values(l.flags)].forEach(
      add,
    );
  }
  return buffers;
}
