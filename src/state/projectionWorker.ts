/**
 * The page's one projection worker (PCA, t-SNE, UMAP), created on first use or at start-up.
 * main.tsx provides how to make it (worker/projectionClient.ts), so the page's state and
 * components see only the contract.
 */
import type { ProjectionChannel } from '../contracts/projection';

let factory: (() => ProjectionChannel) | null = null;
let shared: ProjectionChannel | null = null;

export function provideProjectionClient(make: () => ProjectionChannel): void {
  factory = make;
}

export function projectionClient(): ProjectionChannel {
  if (!shared) {
    if (!factory) throw new Error('no projection worker: main.tsx provides it');
    shared = factory();
  }
  return shared;
}

/** Starts the projection worker ahead of the first snapshot (page start-up). */
export function warmProjectionWorker(): void {
  if (typeof Worker !== 'undefined') projectionClient();
}
