/** The page's training client: one answer per request, and no request left waiting on a gone worker. */
import { describe, expect, test } from 'vitest';
import { TrainingClient, type WorkerLike } from '../../../src/worker/client';
import type { WorkerCommand, WorkerEvent } from '../../../src/contracts/protocol';

class FakeWorker implements WorkerLike {
  readonly sent: WorkerCommand[] = [];
  terminated = false;
  private listener: ((event: MessageEvent) => void) | null = null;
  postMessage(message: unknown): void {
    this.sent.push(message as WorkerCommand);
  }
  addEventListener(type: 'message' | 'error', listener: (event: never) => void): void {
    if (type === 'message') this.listener = listener as (event: MessageEvent) => void;
  }
  terminate(): void {
    this.terminated = true;
  }
  deliver(event: WorkerEvent): void {
    this.listener?.({ data: event } as MessageEvent);
  }
}

describe('TrainingClient', () => {
  test('weights: one command, answered with the snapshot or the reason', async () => {
    const worker = new FakeWorker();
    const client = new TrainingClient(worker);
    const asked = client.weights('r');
    const command = worker.sent.at(-1)!;
    expect(command).toMatchObject({ type: 'weights', runId: 'r' });
    const snapshot = {
      step: 3,
      tensors: [{ shape: [2], data: new Float32Array([1, 2]) }],
      encoders: [1],
    };
    const requestId = (command as { requestId: number }).requestId;
    worker.deliver({ type: 'weights', runId: 'r', requestId, weights: snapshot });
    await expect(asked).resolves.toEqual(snapshot);
    const missing = client.weights('gone');
    const id2 = (worker.sent.at(-1) as { requestId: number }).requestId;
    worker.deliver({
      type: 'weights',
      runId: 'gone',
      requestId: id2,
      error: 'run gone is not loaded',
    });
    await expect(missing).rejects.toThrow('run gone is not loaded');
  });

  test('a restart fails every pending request (sample, weights, export)', async () => {
    let made = 0;
    const client = new TrainingClient(() => {
      made++;
      return { worker: new FakeWorker(), delivered: false };
    });
    const pending = [client.sample('r', 0, 2), client.weights('r'), client.exportProject('r')];
    expect(client.restart()).toBe(true);
    for (const p of pending) await expect(p).rejects.toThrow('the training worker was restarted');
    expect(made).toBe(1);
  });

  test('terminate fails every pending request too', async () => {
    const client = new TrainingClient(new FakeWorker());
    const pending = [client.sample('r', 0, 2), client.weights('r'), client.exportProject('r')];
    client.terminate();
    for (const p of pending) await expect(p).rejects.toThrow('the training worker was terminated');
  });
});
