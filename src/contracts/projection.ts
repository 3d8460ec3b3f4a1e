/**
 * The vocabulary between the page and the projection worker's client (worker/projectionClient.ts):
 * what a projection request takes and gives, and the error of a superseded request. The page's
 * components see only this; the messages themselves are worker/projectionProtocol.ts.
 */
import type { ProjectionMethod, ProjectionOptionsByMethod } from '../projection/index';

export class StaleProjectionError extends Error {
  constructor(method: ProjectionMethod, requestId: number) {
    super(`${method} request ${requestId} was superseded by a newer one`);
    this.name = 'StaleProjectionError';
  }
}

export function isStaleProjection(error: unknown): error is StaleProjectionError {
  return error instanceof Error && error.name === 'StaleProjectionError';
}

export interface ProjectionFrame {
  coords: Float32Array;
  components: number;
  iteration: number;
  totalIterations: number;
  elapsedMs: number;
}

export interface ClientProjectionResult {
  method: ProjectionMethod;
  coords: Float32Array;
  components: number;
  iterations: number;
  warmStarted: boolean;
  elapsedMs: number;
}

export interface ProjectRequestOptions<M extends ProjectionMethod> {
  options?: ProjectionOptionsByMethod[M];
  /** The previous layout (n × components); default: this client's last result for the method. */
  previous?: Float32Array;
  /** Use the last result as `previous` when none is given (default true). */
  warmStart?: boolean;
  /** Intermediate frames of long runs. */
  onProgress?: (frame: ProjectionFrame) => void;
  progressIntervalMs?: number;
  /** Transfer `data` to the worker (detaching it here) instead of copying it (default true). */
  transfer?: boolean;
}

/** A projection client: only the latest request per method counts (older ones reject as stale). */
export interface ProjectionChannel {
  project<M extends ProjectionMethod>(
    method: M,
    data: Float32Array,
    n: number,
    dim: number,
    request?: ProjectRequestOptions<M>,
  ): Promise<ClientProjectionResult>;
}
