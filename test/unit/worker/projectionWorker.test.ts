import { describe, expect, it } from 'vitest';
import { createProjectionService } from '../../../src/worker/projection.worker';
import {
  isStaleProjection,
  ProjectionClient,
  StaleProjectionError,
  type WorkerLike,
} from '../../../src/worker/projectionClient';
import type { ProjectionCommand, ProjectionReply } from '../../../src/worker/projectionProtocol';
import { clusteredData } from '../projection/helpers';

/** The worker's service behind a Worker-like object: asynchronous, structured-cloned, transferring. */
class InProcessWorker implements WorkerLike {
  readonly replies: ProjectionReply[] = [];
  readonly commands: ProjectionCommand[] = [];
  private listeners: ((event: MessageEvent) => void)[] = [];
  readonly service = createProjectionService((reply, transfer) => {
    const copy = structuredClone(reply, { transfer });
    this.replies.push(copy);
    setTimeout(() => this.listeners.forEach((l) => l({ data: copy } as MessageEvent)), 0);
  });

  postMessage(message: unknown, transfer: Transferable[]) {
    const copy = structuredClone(message, {
      transfer: transfer as Transferable[],
    }) as ProjectionCommand;
    this.commands.push(copy);
    setTimeout(() => this.service.handle(copy), 0);
  }

  addEventListener(_type: 'message', listener: (event: MessageEvent) => void) {
    this.listeners.push(listener);
  }

  removeEventListener(_type: 'message', listener: (event: MessageEvent) => void) {
    this.listeners = this.listeners.filter((l) => l !== listener);
  }
}

const N = 200;
const DIM = 16;
const { data } = clusteredData(N, DIM, 4, 5);
const copyData = () => Float32Array.from(data);

describe('projection worker and client', () => {
  it('projects with each method and transfers the data', async () => {
    const worker = new InProcessWorker();
    const client = new ProjectionClient(worker);
    const input = copyData();
    const p = await client.project('pca', input, N, DIM);
    expect(input.byteLength).toBe(0); // transferred
    expect(p.coords.length).toBe(N * 2);
    expect(p.components).toBe(2);
    expect(p.elapsedMs).toBeGreaterThanOrEqual(0);
    const [t, u] = await Promise.all([
      client.project('tsne', copyData(), N, DIM, { options: { iterations: 100 } }),
      client.project('umap', copyData(), N, DIM, { options: { epochs: 50, components: 3 } }),
    ]);
    expect(t.coords.length).toBe(N * 2);
    expect(t.iterations).toBe(100);
    expect(u.coords.length).toBe(N * 3);
    expect(u.components).toBe(3);
    const kept = copyData();
    await client.project('pca', kept, N, DIM, { transfer: false });
    expect(kept.length).toBe(N * DIM);
    client.dispose();
    await worker.service.idle();
  });

  it('drops a stale request of the same method and cancels it in the worker', async () => {
    const worker = new InProcessWorker();
    const client = new ProjectionClient(worker);
    const first = client.project('tsne', copyData(), N, DIM, { options: { iterations: 5000 } });
    const firstOutcome = first.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    // Let the worker start on the first request before superseding it.
    await new Promise((r) => setTimeout(r, 20));
    const second = await client.project('tsne', copyData(), N, DIM, {
      options: { iterations: 50 },
      warmStart: false,
    });
    const outcome = await firstOutcome;
    expect(outcome).toBeInstanceOf(StaleProjectionError);
    expect(isStaleProjection(outcome)).toBe(true);
    expect(second.iterations).toBe(50);
    await worker.service.idle();
    const firstId = (worker.commands[0] as { requestId: number }).requestId;
    expect(worker.commands.some((c) => c.type === 'cancel' && c.requestId === firstId)).toBe(true);
    // The worker stopped the first run early rather than finishing 5000 iterations.
    expect(worker.replies.some((r) => r.type === 'cancelled' && r.requestId === firstId)).toBe(
      true,
    );
    expect(worker.replies.some((r) => r.type === 'projection' && r.requestId === firstId)).toBe(
      false,
    );
    client.dispose();
  });

  it('warm-starts from the last result automatically, and reports progress', async () => {
    const worker = new InProcessWorker();
    const client = new ProjectionClient(worker);
    const frames: number[] = [];
    const a = await client.project('tsne', copyData(), N, DIM, {
      options: { iterations: 400 },
      progressIntervalMs: 1,
      onProgress: (f) => {
        expect(f.coords.length).toBe(N * 2);
        frames.push(f.iteration);
      },
    });
    expect(a.warmStarted).toBe(false);
    expect(frames.length).toBeGreaterThan(0);
    expect(Math.max(...frames)).toBeLessThan(400);
    const b = await client.project('tsne', copyData(), N, DIM, { options: { warmIterations: 30 } });
    expect(b.warmStarted).toBe(true);
    expect(b.iterations).toBe(30);
    const c = await client.project('tsne', copyData(), N, DIM, {
      options: { iterations: 20 },
      warmStart: false,
    });
    expect(c.warmStarted).toBe(false);
    // A different n never reuses the old layout.
    const d = await client.project(
      'tsne',
      copyData()
        .subarray(0, 100 * DIM)
        .slice(),
      100,
      DIM,
      {
        options: { iterations: 20 },
      },
    );
    expect(d.warmStarted).toBe(false);
    client.dispose();
    await worker.service.idle();
  });

  it('reports errors as rejections', async () => {
    const worker = new InProcessWorker();
    const client = new ProjectionClient(worker);
    await expect(client.project('umap', new Float32Array(10), N, DIM)).rejects.toThrow(
      /umap: .*expected/,
    );
    const bad = Float32Array.from(data);
    bad[3] = NaN;
    await expect(client.project('pca', bad, N, DIM)).rejects.toThrow(/not finite/);
    client.dispose();
    await expect(client.project('pca', copyData(), N, DIM)).rejects.toThrow(/disposed/);
    await worker.service.idle();
  });
});
