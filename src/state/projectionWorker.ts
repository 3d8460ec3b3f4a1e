/** The page's one projection worker (PCA, t-SNE, UMAP), created on first use or at start-up. */
import { ProjectionClient } from '../worker/projectionClient';

let shared: ProjectionClient | null = null;

export function projectionClient(): ProjectionClient {
  if (!shared) {
    const worker = new Worker(new URL('../worker/projection.worker.ts', import.meta.url), {
      type: 'module',
    });
    shared = new ProjectionClient(worker);
  }
  return shared;
}

/** Starts the projection worker ahead of the first snapshot (page start-up). */
export function warmProjectionWorker(): void {
  if (typeof Worker !== 'undefined') projectionClient();
}
