/**
 * The page's side of the training worker: one listener, typed `send` and `on`, and `terminate`.
 * Kept outside React; state/bridge.ts turns its events into store actions.
 */
import type { WorkerCommand, WorkerEvent, WorkerEventOf } from './protocol';

type Listener<T extends WorkerEvent['type']> = (event: WorkerEventOf<T>) => void;

export interface WorkerLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

export class TrainingClient {
  private readonly listeners = new Map<WorkerEvent['type'], Set<(event: WorkerEvent) => void>>();

  constructor(private readonly worker: WorkerLike) {
    worker.addEventListener('message', (event: MessageEvent) =>
      this.dispatch(event.data as WorkerEvent),
    );
    worker.addEventListener('error', (event: ErrorEvent) =>
      this.dispatch({
        type: 'error',
        runId: '',
        message: `The training worker failed: ${event.message}`,
      }),
    );
  }

  send(command: WorkerCommand): void {
    this.worker.postMessage(command);
  }

  on<T extends WorkerEvent['type']>(type: T, listener: Listener<T>): () => void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener as (event: WorkerEvent) => void);
    this.listeners.set(type, set);
    return () => set.delete(listener as (event: WorkerEvent) => void);
  }

  terminate(): void {
    this.worker.terminate();
    this.listeners.clear();
  }

  private dispatch(event: WorkerEvent): void {
    this.listeners.get(event.type)?.forEach((listener) => listener(event));
  }
}

export function createTrainingWorker(): TrainingClient {
  const worker = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' });
  return new TrainingClient(worker);
}
