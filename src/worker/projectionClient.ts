/**
 * A small promise-based client of the projection worker. Only the latest request per method
 * matters: a new request rejects the pending one of the same method with StaleProjectionError and
 * tells the worker to stop it; late replies of dropped requests are ignored.
 *
 * Warm start is automatic: unless `previous` is given (or `warmStart: false`), the last layout this
 * client received for the method is sent along when it has the right shape, so consecutive frames
 * of a training run move smoothly.
 *
 *   const client = new ProjectionClient(
 *     new Worker(new URL('./projection.worker.ts', import.meta.url), { type: 'module' }),
 *   );
 *   const { coords } = await client.project('tsne', embeddings, n, dim);
 */
import {
  projectionTransferables,
  type ProjectionCommand,
  type ProjectionMethod,
  type ProjectionReply,
} from './projectionProtocol';
import {
  StaleProjectionError,
  type ClientProjectionResult,
  type ProjectionChannel,
  type ProjectionFrame,
  type ProjectRequestOptions,
} from '../contracts/projection';

export {
  isStaleProjection,
  StaleProjectionError,
  type ClientProjectionResult,
  type ProjectionFrame,
  type ProjectRequestOptions,
} from '../contracts/projection';

/** Anything that looks like a Worker (a real one, a MessagePort, a test double). */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener?(type: 'message', listener: (event: MessageEvent) => void): void;
}

interface Pending {
  method: ProjectionMethod;
  n: number;
  resolve: (r: ClientProjectionResult) => void;
  reject: (e: Error) => void;
  onProgress?: (frame: ProjectionFrame) => void;
}

export class ProjectionClient implements ProjectionChannel {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly latestByMethod = new Map<ProjectionMethod, number>();
  private readonly lastLayout = new Map<ProjectionMethod, { n: number; coords: Float32Array }>();
  private readonly listener = (event: MessageEvent) => this.receive(event.data as ProjectionReply);
  private disposed = false;

  constructor(private readonly worker: WorkerLike) {
    worker.addEventListener('message', this.listener);
  }

  /** Projects n × dim embeddings; rejects with StaleProjectionError if superseded. */
  project<M extends ProjectionMethod>(
    method: M,
    data: Float32Array,
    n: number,
    dim: number,
    request: ProjectRequestOptions<M> = {},
  ): Promise<ClientProjectionResult> {
    if (this.disposed) return Promise.reject(new Error('ProjectionClient: disposed'));
    this.cancel(method);
    const requestId = this.nextId++;
    this.latestByMethod.set(method, requestId);
    let previous = request.previous;
    if (!previous && request.warmStart !== false) {
      const last = this.lastLayout.get(method);
      if (last && last.n === n) previous = last.coords.slice();
    }
    const payload = request.transfer === false ? data.slice() : data;
    const command = {
      type: 'project',
      requestId,
      method,
      data: payload,
      n,
      dim,
      options: request.options,
      ...(previous ? { previous } : {}),
      ...(request.progressIntervalMs !== undefined
        ? { progressIntervalMs: request.progressIntervalMs }
        : {}),
    } as ProjectionCommand;
    return new Promise<ClientProjectionResult>((resolve, reject) => {
      this.pending.set(requestId, {
        method,
        n,
        resolve,
        reject,
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      });
      try {
        this.worker.postMessage(command, projectionTransferables(command));
      } catch (error) {
        this.pending.delete(requestId);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Drops the pending request of a method, if any (its promise rejects as stale). */
  cancel(method: ProjectionMethod): void {
    const id = this.latestByMethod.get(method);
    if (id === undefined) return;
    this.latestByMethod.delete(method);
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.worker.postMessage({ type: 'cancel', requestId: id } satisfies ProjectionCommand, []);
    p.reject(new StaleProjectionError(method, id));
  }

  /** Forgets the last layouts: the next requests start cold. */
  resetWarmStart(method?: ProjectionMethod): void {
    if (method) this.lastLayout.delete(method);
    else this.lastLayout.clear();
  }

  /** Rejects everything pending and stops listening (the worker itself is the caller's). */
  dispose(): void {
    if (this.disposed) return;
    for (const method of [...this.latestByMethod.keys()]) this.cancel(method);
    this.worker.removeEventListener?.('message', this.listener);
    this.disposed = true;
  }

  private receive(reply: ProjectionReply) {
    if (!reply || typeof reply !== 'object' || typeof reply.requestId !== 'number') return;
    const p = this.pending.get(reply.requestId);
    if (!p) return; // stale or unknown: dropped
    switch (reply.type) {
      case 'progress':
        p.onProgress?.({
          coords: reply.coords,
          components: reply.components,
          iteration: reply.iteration,
          totalIterations: reply.totalIterations,
          elapsedMs: reply.elapsedMs,
        });
        return;
      case 'projection':
        this.finish(reply.requestId, p);
        this.lastLayout.set(p.method, { n: p.n, coords: reply.coords.slice() });
        p.resolve({
          method: p.method,
          coords: reply.coords,
          components: reply.components,
          iterations: reply.iterations,
          warmStarted: reply.warmStarted,
          elapsedMs: reply.elapsedMs,
        });
        return;
      case 'error':
        this.finish(reply.requestId, p);
        p.reject(new Error(`${p.method}: ${reply.message}`));
        return;
      case 'cancelled':
        this.finish(reply.requestId, p);
        p.reject(new StaleProjectionError(p.method, reply.requestId));
        return;
    }
  }

  private finish(requestId: number, p: Pending) {
    this.pending.delete(requestId);
    if (this.latestByMethod.get(p.method) === requestId) this.latestByMethod.delete(p.method);
  }
}

/** The page's projection worker and its client (state/projectionWorker.ts shares one). */
export function createProjectionClient(): ProjectionClient {
  return new ProjectionClient(
    new Worker(new URL('./projection.worker.ts', import.meta.url), { type: 'module' }),
  );
}
