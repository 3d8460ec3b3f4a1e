/**
 * The projection worker: PCA, t-SNE and UMAP off the main thread.
 *
 * Usage (Vite): `new Worker(new URL('./projection.worker.ts', import.meta.url), { type: 'module' })`,
 * then talk to it through ProjectionClient (projectionClient.ts).
 *
 * Long runs are advanced in ~30 ms slices, yielding to the event loop in between, so that a newer
 * request of the same method (or a 'cancel') is seen within a slice: the superseded run stops and
 * answers 'cancelled'. Runs of different methods interleave. Intermediate frames ('progress') are
 * posted at most every `progressIntervalMs`.
 */
import { createProjection, type ProjectionMethod } from '../projection/index';
import {
  projectionTransferables,
  type ProjectCommand,
  type ProjectionCommand,
  type ProjectionReply,
} from './projectionProtocol';
import { dedicatedWorkerScope } from './workerScope';

export type PostReply = (reply: ProjectionReply, transfer: Transferable[]) => void;

const SLICE_MS = 30;
const DEFAULT_PROGRESS_MS = 250;

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * A macrotask yield that lets queued messages in. Node (tests): setImmediate. Browsers: a
 * MessageChannel round trip (no 4 ms clamping), with every fourth yield a setTimeout so that no
 * engine can starve other task sources by favouring the channel.
 */
function makeYield(): { yieldToEvents: () => Promise<void>; close: () => void } {
  let channel: MessageChannel | null = null;
  const waiting: (() => void)[] = [];
  let count = 0;
  return {
    yieldToEvents: () =>
      new Promise<void>((resolve) => {
        if (typeof setImmediate === 'function') {
          setImmediate(resolve);
          return;
        }
        if (typeof MessageChannel === 'undefined' || ++count % 4 === 0) {
          setTimeout(resolve, 0);
          return;
        }
        if (!channel) {
          channel = new MessageChannel();
          channel.port1.onmessage = () => waiting.shift()?.();
        }
        waiting.push(resolve);
        channel.port2.postMessage(null);
      }),
    close: () => {
      if (channel && waiting.length === 0) {
        channel.port1.close();
        channel.port2.close();
        channel = null;
      }
    },
  };
}

/**
 * The worker's message handling, independent of the global scope (tests drive it directly).
 * Returns the handler for incoming commands and a promise-returning `idle()` for tests.
 */
export function createProjectionService(post: PostReply) {
  const latest = new Map<ProjectionMethod, number>();
  const cancelled = new Set<number>();
  const { yieldToEvents, close } = makeYield();
  let running = 0;
  let idleWaiters: (() => void)[] = [];

  const reply = (message: ProjectionReply) => post(message, projectionTransferables(message));
  const superseded = (cmd: ProjectCommand) =>
    cancelled.has(cmd.requestId) || latest.get(cmd.method) !== cmd.requestId;

  async function run(cmd: ProjectCommand) {
    const start = now();
    const { requestId, method } = cmd;
    try {
      // Let already-queued messages (a newer request, a cancel) arrive before the heavy setup.
      await yieldToEvents();
      if (superseded(cmd)) {
        reply({ type: 'cancelled', requestId });
        return;
      }
      const projection = createProjection(
        method,
        cmd.data,
        cmd.n,
        cmd.dim,
        cmd.options as never,
        cmd.previous ?? null,
      );
      const progressMs = cmd.progressIntervalMs ?? DEFAULT_PROGRESS_MS;
      let lastProgress = now();
      while (!projection.done) {
        const sliceStart = now();
        do projection.step(1);
        while (!projection.done && now() - sliceStart < SLICE_MS);
        if (projection.done) break;
        if (progressMs > 0 && now() - lastProgress >= progressMs) {
          lastProgress = now();
          reply({
            type: 'progress',
            requestId,
            method,
            coords: projection.coords(),
            components: projection.components,
            iteration: projection.iteration,
            totalIterations: projection.totalIterations,
            elapsedMs: now() - start,
          });
        }
        await yieldToEvents();
        if (superseded(cmd)) {
          reply({ type: 'cancelled', requestId });
          return;
        }
      }
      reply({
        type: 'projection',
        requestId,
        method,
        coords: projection.coords(),
        components: projection.components,
        iterations: projection.iteration,
        warmStarted: projection.warmStarted,
        elapsedMs: now() - start,
      });
    } catch (error) {
      reply({
        type: 'error',
        requestId,
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      cancelled.delete(requestId);
      if (latest.get(method) === requestId) latest.delete(method);
    }
  }

  function handle(message: ProjectionCommand) {
    if (!message || typeof message !== 'object') return;
    if (message.type === 'cancel') {
      cancelled.add(message.requestId);
      return;
    }
    if (message.type !== 'project') return;
    latest.set(message.method, message.requestId);
    running++;
    void run(message).finally(() => {
      running--;
      if (running === 0) {
        close();
        const waiters = idleWaiters;
        idleWaiters = [];
        waiters.forEach((w) => w());
      }
    });
  }

  /** Resolves when no run is in progress. */
  function idle(): Promise<void> {
    return running === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r));
  }

  return { handle, idle };
}

// Install on a dedicated worker's global scope (not when imported by tests or the page).
const scope = dedicatedWorkerScope();
if (scope) {
  const service = createProjectionService((message, transfer) =>
    scope.postMessage(message, transfer),
  );
  scope.addEventListener('message', (event) => service.handle(event.data as ProjectionCommand));
}
