import { describe, expect, test } from 'vitest';
import { SampleHover } from '../../../src/state/sampleHover';
import { createStore } from '../../../src/state/store';
import { TrainingClient, type WorkerLike } from '../../../src/worker/client';
import type { HeldOutSample, WorkerCommand, WorkerEvent } from '../../../src/contracts/protocol';
import { transferablesOf } from '../../../src/worker/protocol';
import { parseTrainingConfig } from '../../../src/contracts/trainingConfig';
import { PRESETS } from '../../../src/presets';

function sample(index: number, views = 2): HeldOutSample {
  const pixels = () => new Float32Array(4 * 4).fill(index / 10);
  return {
    index,
    height: 4,
    width: 4,
    channels: 1,
    image: pixels(),
    views: Array.from({ length: views }, pixels),
    labels: { digit: index % 10 },
    attributes: {},
    flags: {},
  };
}

/** Timers under the test's control. */
function manualTimers() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  return {
    setTimer: (fn: () => void, ms: number) => {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer: (id: unknown) => {
      timers = timers.filter((t) => t.id !== id);
    },
    advance(ms: number) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      due.forEach((t) => t.fn());
    },
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the sample protocol', () => {
  test("a sample event transfers the image's and every view's buffer, once each", () => {
    const s = sample(3, 3);
    const event: WorkerEvent = { type: 'sample', runId: 'r', requestId: 1, sample: s };
    const transfer = transferablesOf(event);
    expect(transfer).toHaveLength(4);
    expect(transfer).toContain(s.image.buffer);
    for (const v of s.views) expect(transfer).toContain(v.buffer);
    // Really transferable: structuredClone detaches them.
    const copy = structuredClone(event, { transfer }) as typeof event;
    expect(copy.sample!.views[2]!.length).toBe(16);
    expect(s.image.byteLength).toBe(0);
    expect(transferablesOf({ type: 'sample', runId: 'r', requestId: 2, error: 'no' })).toEqual([]);
  });

  test('TrainingClient.sample() matches answers by requestId and rejects with the reason', async () => {
    const sent: WorkerCommand[] = [];
    let listener: ((e: MessageEvent) => void) | null = null;
    const worker: WorkerLike = {
      postMessage: (m) => sent.push(m as WorkerCommand),
      addEventListener: ((type: string, l: (e: MessageEvent) => void) => {
        if (type === 'message') listener = l;
      }) as WorkerLike['addEventListener'],
      terminate: () => undefined,
    };
    const client = new TrainingClient(worker);
    const a = client.sample('run-1', 5, 2);
    const b = client.sample('run-1', 9999, 2);
    expect(sent).toMatchObject([
      { type: 'sample', runId: 'run-1', index: 5, views: 2 },
      { type: 'sample', runId: 'run-1', index: 9999, views: 2 },
    ]);
    const [ca, cb] = sent as Extract<WorkerCommand, { type: 'sample' }>[];
    // Answers out of order.
    listener!({
      data: { type: 'sample', runId: 'run-1', requestId: cb!.requestId, error: 'out of range' },
    } as MessageEvent);
    listener!({
      data: { type: 'sample', runId: 'run-1', requestId: ca!.requestId, sample: sample(5) },
    } as MessageEvent);
    await expect(a).resolves.toMatchObject({ index: 5 });
    await expect(b).rejects.toThrow('out of range');
  });
});

describe('SampleHover', () => {
  function setup() {
    const store = createStore(parseTrainingConfig(PRESETS[0]!.config));
    const timers = manualTimers();
    const requests: { runId: string; index: number }[] = [];
    const answers = new Map<string, (s: HeldOutSample) => void>();
    const hover = new SampleHover(
      store,
      (runId, index) => {
        requests.push({ runId, index });
        return new Promise((resolve) => answers.set(`${runId}:${index}`, resolve));
      },
      { debounceMs: 50, hideDelayMs: 100, cacheSize: 2, ...timers },
    );
    return { store, timers, requests, answers, hover };
  }

  test('debounced: sweeping over points requests only the one the pointer rests on', async () => {
    const { store, timers, requests, answers, hover } = setup();
    hover.hover('r', 1);
    timers.advance(20);
    hover.hover('r', 2);
    timers.advance(20);
    hover.hover('r', 3);
    expect(requests).toEqual([]);
    timers.advance(50);
    expect(requests).toEqual([{ runId: 'r', index: 3 }]);
    expect(store.getState().hoverCard).toMatchObject({ index: 3, status: 'loading' });
    answers.get('r:3')!(sample(3));
    await flush();
    expect(store.getState().hoverCard).toMatchObject({ index: 3, status: 'ready' });
    expect(store.getState().hoverCard!.sample!.index).toBe(3);
  });

  test('cached by run and index (LRU), shown at once; leaving hides the card after a delay', async () => {
    const { store, timers, requests, answers, hover } = setup();
    hover.hover('r', 1);
    timers.advance(50);
    answers.get('r:1')!(sample(1));
    await flush();
    hover.hover(null, null);
    timers.advance(50);
    expect(store.getState().hoverCard).not.toBeNull(); // moving between points: no flicker
    timers.advance(60);
    expect(store.getState().hoverCard).toBeNull();
    hover.hover('r', 1);
    expect(store.getState().hoverCard).toMatchObject({ index: 1, status: 'ready' });
    expect(requests).toHaveLength(1);
    // Another run's point of the same index is another sample.
    hover.hover('other', 1);
    timers.advance(50);
    expect(requests).toHaveLength(2);
    // A late answer for a point no longer hovered is cached but not shown.
    hover.hover('r', 1);
    answers.get('other:1')!(sample(1));
    await flush();
    expect(store.getState().hoverCard).toMatchObject({ runId: 'r', index: 1 });
    expect(hover.cachedCount).toBe(2);
    hover.forget('other');
    expect(hover.cachedCount).toBe(1);
  });

  test('an error is shown on the card', async () => {
    const store = createStore(parseTrainingConfig(PRESETS[0]!.config));
    const timers = manualTimers();
    const hover = new SampleHover(store, () => Promise.reject(new Error('not loaded')), {
      debounceMs: 10,
      ...timers,
    });
    hover.hover('r', 4);
    timers.advance(10);
    await flush();
    expect(store.getState().hoverCard).toMatchObject({ status: 'error', message: 'not loaded' });
  });
});
