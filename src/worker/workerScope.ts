/** The global scope of a dedicated worker, as the workers use it. */
export interface DedicatedWorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

declare const WorkerGlobalScope: { prototype: object } | undefined;

/**
 * This thread's scope when it is a dedicated worker; undefined when a worker module is imported by
 * tests or the page, so that it installs its message handler only where it runs as a worker.
 */
export function dedicatedWorkerScope(): DedicatedWorkerScope | undefined {
  return typeof WorkerGlobalScope !== 'undefined' &&
    globalThis instanceof (WorkerGlobalScope as never)
    ? (globalThis as unknown as DedicatedWorkerScope)
    : undefined;
}
