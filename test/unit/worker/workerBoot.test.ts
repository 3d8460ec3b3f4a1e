import { describe, expect, test } from 'vitest';
import { TrainingClient, type WorkerLike } from '../../../src/worker/client';
import { bootCommandFromName, bootName } from '../../../src/worker/protocol';
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
