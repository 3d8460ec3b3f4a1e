import { describe, expect, test } from 'vitest';
import { PlaygroundController } from '../../../src/state/controller';
import { createStore } from '../../../src/state/store';
import { TrainingClient, type WorkerLike } from '../../../src/worker/client';
import type { WorkerCommand, WorkerEvent } from '../../../src/worker/protocol';
import { parseTrainingConfig } from '../../../src/contracts/trainingConfig';
import { PRESETS } from '../../../src/presets';

/** A worker that records commands and lets the test deliver events by hand. */
class FakeWorker implements WorkerLike {
  readonly sent: WorkerCommand[] = [];
  private listener: ((event: MessageEvent) => void) | null = null;
  postMessage(message: unknown): void {
    this.sent.push(message as WorkerCommand);
  }
  addEventListener(type: 'message' | 'error', listener: (event: never) => void): void {
    if (type === 'message') this.listener = listener as (event: MessageEvent) => void;
  }
  terminate(): void {}
  deliver(event: WorkerEvent): void {
    this.listener?.({ data: event } as MessageEvent);
  }
}

function setup() {
  const worker = new FakeWorker();
  const store = createStore(parseTrainingConfig(PRESETS[0]!.config));
  const controller = new PlaygroundController(store, new TrainingClient(worker), 'wasm', '/data/');
  return { worker, store, controller };
}

const readyEvent = (runId: string): WorkerEvent => ({
  type: 'ready',
  runId,
  backend: { backend: 'wasm', reason: 'test' },
  dataset: {} as never,
  snapshotLabels: { n: 0, labels: {}, attributes: {}, flags: {} },
});

describe('PlaygroundController', () => {
  test('a play sent while the run loads stays "running" when the worker reports ready', () => {
    const { worker, store, controller } = setup();
    const id = controller.startRun();
    controller.play();
    expect(store.getState().runs[id]!.status).toBe('running');
    worker.deliver(readyEvent(id));
    expect(store.getState().runs[id]!.status).toBe('running');
    expect(worker.sent.map((c) => c.type)).toEqual(['start', 'play']);
  });

  test('a run that was only started becomes ready, then paused when the worker says so', () => {
    const { worker, store, controller } = setup();
    const id = controller.startRun();
    worker.deliver(readyEvent(id));
    expect(store.getState().runs[id]!.status).toBe('ready');
    worker.deliver({ type: 'paused', runId: id, step: 3, reason: 'because' });
    expect(store.getState().runs[id]!).toMatchObject({ status: 'paused', step: 3 });
  });

  test('train() resolves when the worker stops; an error rejects with its message', async () => {
    const { worker, controller } = setup();
    const done = controller.train(5);
    const start = worker.sent.find((c) => c.type === 'start')!;
    expect(worker.sent.at(-1)).toMatchObject({ type: 'play', untilStep: 5 });
    worker.deliver({ type: 'finished', runId: start.runId, step: 5, final: {} as never });
    await expect(done).resolves.toBeUndefined();
    const failed = controller.train(1);
    worker.deliver({ type: 'error', runId: start.runId, message: 'NaN loss' });
    await expect(failed).rejects.toThrow('NaN loss');
  });

  test('configure() rejects an invalid field and keeps the previous configuration', () => {
    const { store, controller } = setup();
    const before = store.getState().config;
    expect(() => controller.configure({ batchSize: -3 })).toThrow();
    expect(store.getState().config).toBe(before);
    expect(controller.configure({ seed: 7 }).seed).toBe(7);
  });
});
