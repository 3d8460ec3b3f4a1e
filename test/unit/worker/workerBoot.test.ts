import { describe, expect, test } from 'vitest';
import { TrainingClient, type WorkerLike } from '../../../src/worker/client';
import {
  bootCommandFromName,
  bootName,
  wasmThreadsFromName,
  withWasmThreads,
} from '../../../src/worker/protocol';
import type { WorkerCommand } from '../../../src/contracts/protocol';

const start: WorkerCommand = {
  type: 'start',
  runId: 'run-1',
  config: { seed: 3 } as never,
  backend: 'auto',
  dataUrl: 'http://localhost/data/',
};

function fakeWorker(sent: unknown[]): WorkerLike {
  return {
    postMessage: (m) => sent.push(m),
    addEventListener: (() => undefined) as WorkerLike['addEventListener'],
    terminate: () => undefined,
  };
}

describe("the first start in the worker's name", () => {
  test('round-trips a start command; anything else is no boot command', () => {
    expect(bootCommandFromName(bootName(start))).toEqual(start);
    expect(bootCommandFromName(undefined)).toBeNull();
    expect(bootCommandFromName('training-worker')).toBeNull();
    expect(bootCommandFromName('training-worker:{not json')).toBeNull();
    expect(bootCommandFromName(bootName({ type: 'pause', runId: 'r' }))).toBeNull();
  });

  test('a share of the WASM threads rides before the rest of the name, boot command or not', () => {
    const shared = withWasmThreads(bootName(start), 1);
    expect(wasmThreadsFromName(shared)).toBe(1);
    expect(bootCommandFromName(shared)).toEqual(start);
    expect(wasmThreadsFromName(withWasmThreads('training-worker', 3))).toBe(3);
    expect(bootCommandFromName(withWasmThreads('training-worker', 3))).toBeNull();
    // No share asked for: every core, as before.
    expect(withWasmThreads('training-worker', undefined)).toBe('training-worker');
    expect(wasmThreadsFromName('training-worker')).toBeUndefined();
    expect(wasmThreadsFromName(bootName(start))).toBeUndefined();
    expect(wasmThreadsFromName(undefined)).toBeUndefined();
    expect(wasmThreadsFromName(withWasmThreads('training-worker', 0))).toBe(1);
    expect(withWasmThreads(bootName(start), Number.NaN)).toBe(bootName(start));
    expect(withWasmThreads('training-worker', Infinity)).toBe('training-worker');
  });

  test('a lazy client creates the worker at the first command and does not post a delivered start', () => {
    const sent: unknown[] = [];
    const firsts: WorkerCommand[] = [];
    const client = new TrainingClient((first) => {
      firsts.push(first);
      return { worker: fakeWorker(sent), delivered: first.type === 'start' };
    });
    expect(firsts).toEqual([]);
    client.send(start);
    client.send({ type: 'play', runId: 'run-1' });
    expect(firsts).toEqual([start]);
    expect(sent).toEqual([{ type: 'play', runId: 'run-1' }]);
  });

  test('a first command that is not a start is posted', () => {
    const sent: unknown[] = [];
    const client = new TrainingClient(() => ({ worker: fakeWorker(sent), delivered: false }));
    client.send({ type: 'evaluate', runId: 'r' });
    expect(sent).toEqual([{ type: 'evaluate', runId: 'r' }]);
  });
});
