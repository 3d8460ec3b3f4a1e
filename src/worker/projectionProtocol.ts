/**
 * Messages between the page and the projection worker (src/worker/projection.worker.ts). Only plain
 * data and typed arrays cross; `data`, `previous` and every `coords` are transferred.
 */
import type { ProjectionMethod, ProjectionOptionsByMethod } from '../projection/index';
import type { ClientProjectionResult } from '../contracts/projection';

export type { ProjectionMethod, ProjectionOptionsByMethod };

type ProjectRequestOf<M extends ProjectionMethod> = {
  type: 'project';
  /** Unique per client; replies carry it back. */
  requestId: number;
  method: M;
  /** n × dim row-major embeddings (transferred). */
  data: Float32Array;
  n: number;
  dim: number;
  /** The previous frame's n × components layout of the same method: warm start (transferred). */
  previous?: Float32Array;
  options?: ProjectionOptionsByMethod[M];
  /** Post an intermediate frame at most this often during long runs (ms; 0 = never; default 250). */
  progressIntervalMs?: number;
};

export type ProjectCommand =
  ProjectRequestOf<'pca'> | ProjectRequestOf<'tsne'> | ProjectRequestOf<'umap'>;

/** Stops a request (the client sends it when a newer request of the same method supersedes it). */
export interface CancelCommand {
  type: 'cancel';
  requestId: number;
}

export type ProjectionCommand = ProjectCommand | CancelCommand;

/**
 * The client's result on the wire: coords n × components row-major (transferred); iterations of
 * t-SNE, epochs of UMAP or 1 (PCA) actually run; elapsedMs the worker's time from the command to
 * the reply.
 */
export interface ProjectionDone extends ClientProjectionResult {
  type: 'projection';
  requestId: number;
}

export interface ProjectionProgress {
  type: 'progress';
  requestId: number;
  method: ProjectionMethod;
  coords: Float32Array;
  components: number;
  iteration: number;
  totalIterations: number;
  elapsedMs: number;
}

export interface ProjectionError {
  type: 'error';
  requestId: number;
  message: string;
}

/** The request was superseded or cancelled before it finished; no projection follows. */
export interface ProjectionCancelled {
  type: 'cancelled';
  requestId: number;
}

export type ProjectionReply =
  ProjectionDone | ProjectionProgress | ProjectionError | ProjectionCancelled;

/** The buffers of a message, to pass as the transfer list of postMessage. */
export function projectionTransferables(
  message: ProjectionCommand | ProjectionReply,
): Transferable[] {
  const out: Transferable[] = [];
  const add = (a: Float32Array | undefined) => {
    if (
      a &&
      a.buffer instanceof ArrayBuffer &&
      a.buffer.byteLength > 0 &&
      !out.includes(a.buffer)
    ) {
      out.push(a.buffer);
    }
  };
  if (message.type === 'project') {
    add(message.data);
    add(message.previous);
  } else if (message.type === 'projection' || message.type === 'progress') {
    add(message.coords);
  }
  return out;
}
