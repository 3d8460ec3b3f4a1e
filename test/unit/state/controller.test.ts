import { describe, expect, test } from 'vitest';
import { PlaygroundController } from '../../../src/state/controller';
import { createStore } from '../../../src/state/store';
import { TrainingClient, type WorkerLike } from '../../../src/worker/client';
import type { WorkerCommand, WorkerEvent } from '../../../src/contracts/protocol';
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
  dataErrors: [],
});

const file = (name: string, webkitRelativePath = '') =>
  Object.assign(new File(['x'], name), { webkitRelativePath }) as File;

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

  test('chosen files travel with a user data set run only, and its csv points at the chosen CSV', () => {
    const { worker, store, controller } = setup();
    controller.startRun();
    expect((worker.sent.at(-1) as { files?: File[] }).files).toBeUndefined();
    controller.configure({ dataset: { name: 'user-images' } });
    const chosen = [file('a.png', 'scans/a.png'), file('meta.csv', 'scans/meta.csv')];
    const summary = controller.chooseFiles(chosen);
    expect(summary).toMatchObject({ count: 2, images: 1, csvs: ['meta.csv'] });
    expect(store.getState().uploads).toEqual(summary);
    expect(store.getState().config.dataset).toMatchObject({ name: 'user-images', csv: 'meta.csv' });
    // Choosing files loads them at once, in a new run.
    const start = worker.sent.at(-1) as Extract<WorkerCommand, { type: 'start' }>;
    expect(start.type).toBe('start');
    expect(start.runId).toBe(store.getState().activeRunId);
    expect(start.files?.map((f) => f.name)).toEqual(['a.png', 'meta.csv']);
    expect(start.config.dataset).toMatchObject({ csv: 'meta.csv' });
    // A built-in data set never carries the files.
    controller.configure({ dataset: { name: 'mnist' } });
    controller.startRun();
    expect((worker.sent.at(-1) as { files?: File[] }).files).toBeUndefined();
  });

  test('the data set problems of a ready run reach the store', () => {
    const { worker, store, controller } = setup();
    const id = controller.startRun();
    const problems = [{ file: 'labels.csv', line: 4, message: 'no label' }];
    worker.deliver({ ...readyEvent(id), dataErrors: problems } as WorkerEvent);
    expect(store.getState().runs[id]!.dataErrors).toEqual(problems);
  });

  test('play after a failed run (e.g. no files) starts the run again instead of reusing it', () => {
    const { worker, store, controller } = setup();
    const id = controller.startRun();
    worker.deliver({ type: 'error', runId: id, message: 'no files chosen' });
    expect(store.getState().runs[id]!.status).toBe('error');
    controller.play();
    const restarted = store.getState().activeRunId;
    expect(restarted).not.toBe(id);
    expect(worker.sent.slice(-2).map((c) => [c.type, c.runId])).toEqual([
      ['start', restarted],
      ['play', restarted],
    ]);
  });

  test('several CSVs and no obvious one: no doomed run starts, the page asks instead', () => {
    const { worker, store, controller } = setup();
    controller.configure({ dataset: { name: 'user-features' } });
    const before = worker.sent.length;
    controller.chooseFiles([file('a.csv', 'set/a.csv'), file('b.csv', 'set/b.csv')]);
    expect(worker.sent.length).toBe(before);
    expect(store.getState().notice).toMatch(/Several CSVs/);
    // Choosing the CSV makes the next play start a run on it.
    controller.configure({ dataset: { name: 'user-features', csv: 'b.csv' } });
    controller.play();
    const start = worker.sent.find((c) => c.type === 'start')!;
    expect(start).toMatchObject({ config: { dataset: { csv: 'b.csv' } } });
  });

  test('new files make the next play start a new run, even with the same configuration', () => {
    const { worker, store, controller } = setup();
    controller.configure({ dataset: { name: 'user-images', csv: null } });
    controller.chooseFiles([file('a.png', 'set/a.png')]);
    const first = store.getState().activeRunId!;
    worker.deliver(readyEvent(first));
    // Through the scripting API: files chosen while a built-in data set is configured...
    controller.configure({ dataset: { name: 'mnist' } });
    controller.chooseFiles([file('b.png', 'set/b.png')]);
    controller.configure({ dataset: { name: 'user-images', csv: null } });
    controller.play();
    const started = worker.sent.filter((c) => c.type === 'start').at(-1)!;
    expect(started.runId).not.toBe(first);
    expect((started as { files?: File[] }).files?.map((f) => f.name)).toEqual(['b.png']);
  });

  test('an error of a run that is no longer active does not become the page notice', () => {
    const { worker, store, controller } = setup();
    const old = controller.startRun();
    controller.startRun();
    worker.deliver({ type: 'error', runId: old, message: 'old trouble' });
    expect(store.getState().runs[old]!.status).toBe('error');
    expect(store.getState().notice).toBeNull();
    store.getState().setNotice('no files chosen');
    controller.chooseFiles([file('a.png', 'a.png')]);
    expect(store.getState().notice).toBeNull();
  });

  test('reading a user data set reports how many files are read', () => {
    const { worker, store, controller } = setup();
    const id = controller.startRun();
    worker.deliver({ type: 'loading', runId: id, filesRead: 120, filesTotal: 500 });
    expect(store.getState().runs[id]!.filesRead).toEqual({ read: 120, total: 500 });
  });
});

describe('PlaygroundController: reliability (issue 13)', () => {
  /** A client whose factory makes a new FakeWorker each time, like the page's. */
  function restartable() {
    const workers: FakeWorker[] = [];
    const client = new TrainingClient(() => {
      const worker = new FakeWorker();
      workers.push(worker);
      return { worker, delivered: false };
    });
    const store = createStore(parseTrainingConfig(PRESETS[0]!.config));
    const controller = new PlaygroundController(store, client, 'wasm', '/data/');
    return { workers, store, controller };
  }

  test('a fatal error ends that run with a message, restarts the worker, and the next run trains on the new one', async () => {
    const { workers, store, controller } = restartable();
    const failed = controller.train(1);
    const first = workers[0]!;
    const runId = first.sent[0]!.runId;
    first.deliver({ type: 'error', runId, message: 'memory access out of bounds', fatal: true });
    await expect(failed).rejects.toThrow(
      /memory access out of bounds — the training backend failed, so it was restarted/,
    );
    expect(store.getState().runs[runId]).toMatchObject({ status: 'error' });
    // Events of the ended worker are ignored from now on.
    first.deliver({ type: 'finished', runId, step: 1, final: {} as never });
    expect(store.getState().runs[runId]!.status).toBe('error');
    const next = controller.train(2);
    expect(workers).toHaveLength(2);
    const second = workers[1]!;
    expect(second.sent.map((c) => c.type)).toEqual(['start', 'play']);
    const nextId = second.sent[0]!.runId;
    expect(nextId).not.toBe(runId);
    second.deliver({ type: 'finished', runId: nextId, step: 2, final: {} as never });
    await expect(next).resolves.toBeUndefined();
  });

  test('a run that cannot fit is refused before the worker sees it, with the number, once', async () => {
    const { workers, store, controller } = restartable();
    controller.configure({ batchSize: 4096, views: 8 });
    await expect(controller.train(1)).rejects.toThrow(/needs about [\d.]+ GiB per step/);
    await expect(controller.train(1)).rejects.toThrow(/needs about/);
    expect(workers).toHaveLength(0);
    expect(store.getState().runOrder).toHaveLength(1);
    expect(store.getState().notice).toMatch(/more than the 2\.0 GiB the wasm backend can hold/);
    controller.configure({ batchSize: 32, views: 2 });
    void controller.train(1);
    expect(workers[0]!.sent.map((c) => c.type)).toEqual(['start', 'play']);
  });

  test('runs() lists every run; a restored run is not played, a new run starts instead', () => {
    const { workers, store, controller } = restartable();
    const config = store.getState().config;
    store.getState().restoreRuns([
      {
        id: 'saved-1',
        label: 'saved',
        config,
        status: 'paused',
        step: 7,
        stepsPerSecond: 0,
        lossCurve: [],
        history: [],
        startedAt: 1,
        restored: true,
      },
    ]);
    store.getState().setActiveRun('saved-1');
    expect(controller.runs()).toEqual([
      { id: 'saved-1', label: 'saved', step: 7, status: 'paused', restored: true },
    ]);
    controller.play();
    const sent = workers[0]!.sent;
    expect(sent.map((c) => c.type)).toEqual(['start', 'play']);
    expect(sent[0]!.runId).not.toBe('saved-1');
    expect(controller.runs()).toHaveLength(2);
  });

  test('pause marks the stop as pending until the worker says paused', () => {
    const { workers, store, controller } = restartable();
    controller.play();
    const id = workers[0]!.sent[0]!.runId;
    controller.pause();
    expect(store.getState().runs[id]!.stopRequestedAt).toBeTypeOf('number');
    workers[0]!.deliver({ type: 'paused', runId: id, step: 1 });
    expect(store.getState().runs[id]!.stopRequestedAt).toBeUndefined();
  });

  test('the collapse detector flags a run once', () => {
    const { workers, store, controller } = restartable();
    controller.play();
    const id = workers[0]!.sent[0]!.runId;
    const snapshot = {} as never;
    workers[0]!.deliver({
      type: 'evaluation',
      runId: id,
      metrics: { step: 6, effectiveRank: 1.2 },
      snapshot,
    });
    const first = store.getState().runs[id]!.collapse;
    expect(first?.message).toMatch(/collapsed at step 6/);
    workers[0]!.deliver({
      type: 'evaluation',
      runId: id,
      metrics: { step: 8, effectiveRank: 1.1 },
      snapshot,
    });
    expect(store.getState().runs[id]!.collapse).toBe(first);
  });
});

test('a restored run with saved weights resumes under its own id from its step', () => {
  const workers: FakeWorker[] = [];
  const client = new TrainingClient(() => {
    const worker = new FakeWorker();
    workers.push(worker);
    return { worker, delivered: false };
  });
  const store = createStore(parseTrainingConfig(PRESETS[0]!.config));
  const controller = new PlaygroundController(store, client, 'wasm', '/data/');
  const config = store.getState().config;
  store.getState().restoreRuns([
    {
      id: 'saved-1',
      label: 'saved',
      config,
      status: 'paused',
      step: 8,
      stepsPerSecond: 0,
      lossCurve: [],
      history: [],
      startedAt: 1,
      restored: true,
    },
  ]);
  store.getState().setActiveRun('saved-1');
  const weights = [[new Float32Array([0.5])]];
  controller.setResumable('saved-1', { weights, step: 8 });
  void controller.train(2);
  const sent = workers[0]!.sent;
  expect(sent[0]).toMatchObject({ type: 'start', runId: 'saved-1', resume: { weights, step: 8 } });
  expect(sent[1]).toMatchObject({ type: 'play', runId: 'saved-1', untilStep: 10 });
  expect(store.getState().runs['saved-1']).toMatchObject({ restored: false, status: 'running' });
  expect(store.getState().runOrder).toEqual(['saved-1']);
});
