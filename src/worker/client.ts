/**
 * The page's side of the training worker: one listener, typed `send` and `on`, and `terminate`.
 * Kept outside React; state/controller.ts turns its events into store actions.
 *
 * The worker can be created lazily, at the first command: a first `start` then travels in the
 * worker's name (protocol.ts, `bootName`), so the worker begins loading its data set as soon as
 * its script runs even while the page's main thread is busy (a message posted to a worker that is
 * not running yet waits for the main thread to hand it over).
 */
import type {
  ExportPayload,
  HeldOutSample,
  TrainingChannel,
  WeightsSnapshot,
  WorkerCommand,
  WorkerEvent,
  WorkerEventOf,
} from '../contracts/protocol';
import { bootName, withWasmThreads } from './protocol';

type Listener<T extends WorkerEvent['type']> = (event: WorkerEventOf<T>) => void;

export interface WorkerLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

/** Creates the worker for its first command; `delivered`: the command went with it (its name). */
export type WorkerFactory = (first: WorkerCommand) => { worker: WorkerLike; delivered: boolean };

export class TrainingClient implements TrainingChannel {
  private readonly listeners = new Map<WorkerEvent['type'], Set<(event: WorkerEvent) => void>>();
  private nextRequest = 1;
  private readonly pendingSamples = new Map<
    number,
    { resolve: (s: HeldOutSample) => void; reject: (e: Error) => void }
  >();

  private readonly pendingExports = new Map<
    number,
    { resolve: (e: ExportPayload) => void; reject: (e: Error) => void }
  >();

  private worker: WorkerLike | null = null;
  private readonly factory: WorkerFactory | null;

  constructor(worker: WorkerLike | WorkerFactory) {
    if (typeof worker === 'function') {
      this.factory = worker;
    } else {
      this.factory = null;
      this.attach(worker);
    }
  }

  private attach(worker: WorkerLike): void {
    this.worker = worker;
    const generation = this.generation;
    worker.addEventListener('message', (event: MessageEvent) => {
      if (generation === this.generation) this.dispatch(event.data as WorkerEvent);
    });
    worker.addEventListener('error', (event: ErrorEvent) => {
      if (generation !== this.generation) return;
      // An error the worker did not catch: its backend's state is unknown.
      this.dispatch({
        type: 'error',
        runId: '',
        message: `The training worker failed: ${event.message}`,
        fatal: true,
      });
    });
  }

  send(command: WorkerCommand): void {
    if (!this.worker && this.factory) {
      const { worker, delivered } = this.factory(command);
      this.attach(worker);
      if (delivered) return;
    }
    this.worker?.postMessage(command);
  }

  /**
   * Held-out sample `index` of run `runId` (its row in the embedding snapshot) with `views`
   * augmented views; rejects with the worker's reason (unknown run, index out of range).
   */
  sample(runId: string, index: number, views: number, seed?: number): Promise<HeldOutSample> {
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.pendingSamples.set(requestId, { resolve, reject });
      this.send({
        type: 'sample',
        runId,
        requestId,
        index,
        views,
        ...(seed !== undefined ? { seed } : {}),
      });
    });
  }

  /** Run `runId` as the PyTorch export needs it: config, loss parameters, data and weights. */
  exportProject(runId: string): Promise<ExportPayload> {
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.pendingExports.set(requestId, { resolve, reject });
      this.send({ type: 'export', runId, requestId });
    });
  }

  /** Run `runId`'s current weights and step; rejects when the run is not loaded. */
  weights(runId: string): Promise<WeightsSnapshot> {
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.pendingWeights.set(requestId, { resolve, reject });
      this.send({ type: 'weights', runId, requestId });
    });
  }

  private readonly pendingWeights = new Map<
    number,
    { resolve: (w: WeightsSnapshot) => void; reject: (e: Error) => void }
  >();

  on<T extends WorkerEvent['type']>(type: T, listener: Listener<T>): () => void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener as (event: WorkerEvent) => void);
    this.listeners.set(type, set);
    return () => set.delete(listener as (event: WorkerEvent) => void);
  }

  /**
   * Ends the worker (and its backend) but keeps the listeners: the next command starts a fresh
   * one. After an out-of-memory or a backend failure, a new worker is the only clean backend.
   * Returns false when there is no factory to make another (a worker given as is).
   */
  restart(): boolean {
    if (!this.factory) return false;
    const old = this.worker;
    this.worker = null;
    this.generation++;
    old?.terminate();
    this.rejectPending('the training worker was restarted');
    return true;
  }

  /** Bumped at every restart; events of an ended worker are dropped. */
  private generation = 0;

  terminate(): void {
    this.worker?.terminate();
    this.listeners.clear();
    this.rejectPending('the training worker was terminated');
  }

  /** Every request still waiting for an answer fails: its worker is gone. */
  private rejectPending(message: string): void {
    for (const pending of [this.pendingSamples, this.pendingWeights, this.pendingExports]) {
      for (const p of pending.values()) p.reject(new Error(message));
      pending.clear();
    }
  }

  private dispatch(event: WorkerEvent): void {
    if (event.type === 'weights') {
      const pending = this.pendingWeights.get(event.requestId);
      this.pendingWeights.delete(event.requestId);
      if (pending) {
        if (event.weights) pending.resolve(event.weights);
        else pending.reject(new Error(event.error ?? 'no weights'));
      }
    }
    if (event.type === 'sample') {
      const pending = this.pendingSamples.get(event.requestId);
      this.pendingSamples.delete(event.requestId);
      if (pending) {
        if (event.sample) pending.resolve(event.sample);
        else pending.reject(new Error(event.error ?? 'no sample'));
      }
    }
    if (event.type === 'export-data') {
      const pending = this.pendingExports.get(event.requestId);
      this.pendingExports.delete(event.requestId);
      if (pending) {
        if (event.payload) pending.resolve(event.payload);
        else pending.reject(new Error(event.error ?? 'nothing exported'));
      }
    }
    this.listeners.get(event.type)?.forEach((listener) => listener(event));
  }
}

/**
 * The training worker, created at the first command (a first `start` rides in its name).
 * `wasmThreads`: fewer WASM threads than cores, for a worker that trains beside others.
 */
export function createTrainingWorker(wasmThreads?: number): TrainingClient {
  return new TrainingClient((first) => {
    // Files and weights cannot ride in a name (JSON): such a first start is posted like any later
    // command (typed arrays would arrive as plain objects).
    const boot = first.type === 'start' && !first.files?.length && !first.resume;
    const worker = new Worker(new URL('./training.worker.ts', import.meta.url), {
      type: 'module',
      name: withWasmThreads(boot ? bootName(first) : 'training-worker', wasmThreads),
    });
    return { worker, delivered: boot };
  });
}
