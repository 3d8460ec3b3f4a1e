/**
 * Runs saved in IndexedDB (fake-indexeddb here, the real one in the browser test): saved as they
 * change, throttled; restored paused into a new page's store; corrupt and old records skipped
 * with a notice; cleared on request.
 */
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { createStore } from '../../../src/state/store';
import { gateConfig } from '../../../src/contracts/configGate';
import {
  PERSIST_VERSION,
  RunPersistence,
  idbKeyValueStore,
  type KeyValueStore,
} from '../../../src/state/persistence';
import { PRESETS } from '../../../src/presets';
import type { EmbeddingSnapshot } from '../../../src/contracts/metrics';

const config = gateConfig(PRESETS[0]!.config);

/** A page's store with two trained runs. */
function pageWithRuns() {
  const store = createStore(config);
  const s = () => store.getState();
  for (const [id, steps] of [
    ['run-a', 3],
    ['run-b', 5],
  ] as const) {
    s().addRun({ id, label: `label ${id}`, config });
    for (let step = 1; step <= steps; step++) s().appendLoss(id, step, 10 - step, 4);
    const snapshot = {
      step: steps,
      projection: new Float32Array([1, 2, 3, 4]),
      dims: 2,
      n: 2,
    } as unknown as EmbeddingSnapshot;
    s().recordEvaluation(id, { step: steps, loss: 1, alignment: 0.5 }, snapshot);
    s().updateRun(id, { status: 'running' });
  }
  return store;
}

async function freshDb(): Promise<KeyValueStore> {
  const kv = idbKeyValueStore();
  await kv.clear();
  return kv;
}

describe('run persistence', () => {
  test('two runs saved while training come back paused, with curves, history and snapshot', async () => {
    const kv = await freshDb();
    const store = createStore(config);
    const saver = new RunPersistence(store, kv, undefined, 20);
    saver.start();
    // The runs change after the saver started: it sees them as a page would.
    const trained = pageWithRuns();
    store.setState({ runs: trained.getState().runs, runOrder: trained.getState().runOrder });
    await new Promise((r) => setTimeout(r, 60));
    await saver.flush();
    expect(saver.summary().runs).toBe(2);
    saver.stop();

    const reloaded = createStore(config);
    reloaded.getState().addRun({ id: 'run-new', label: 'new', config });
    const summaries: number[] = [];
    const restorer = new RunPersistence(reloaded, kv, (s) => summaries.push(s.runs));
    const result = await restorer.restore();
    expect(result).toEqual({ restored: 2, ignored: 0 });
    const state = reloaded.getState();
    expect(state.runOrder).toEqual(['run-a', 'run-b', 'run-new']);
    expect(state.activeRunId).toBe('run-new');
    const b = state.runs['run-b']!;
    expect(b).toMatchObject({ status: 'paused', step: 5, restored: true, label: 'label run-b' });
    expect(b.lossCurve).toHaveLength(5);
    expect(b.history).toEqual([{ step: 5, loss: 1, alignment: 0.5 }]);
    expect(b.snapshot!.projection).toBeInstanceOf(Float32Array);
    expect([...b.snapshot!.projection]).toEqual([1, 2, 3, 4]);
    expect(b.message).toMatch(/its weights were not saved/);
    expect(summaries.at(-1)).toBe(2);
  });

  test('saves are throttled: many changes within the interval make one write per run', async () => {
    let writes = 0;
    const kv: KeyValueStore = {
      set: async () => void writes++,
      del: async () => undefined,
      entries: async () => [],
      clear: async () => undefined,
    };
    const store = createStore(config);
    const saver = new RunPersistence(store, kv, undefined, 200);
    saver.start();
    store.getState().addRun({ id: 'r', label: 'r', config });
    for (let i = 1; i <= 50; i++) store.getState().appendLoss('r', i, 1, 1);
    await new Promise((r) => setTimeout(r, 40));
    expect(writes).toBe(1);
    // More changes right after a save wait for the interval to pass, then make one write.
    for (let i = 51; i <= 100; i++) store.getState().appendLoss('r', i, 1, 1);
    await new Promise((r) => setTimeout(r, 40));
    expect(writes).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    expect(writes).toBe(2);
    saver.stop();
  });

  test('old-version and corrupt records are skipped with a notice and deleted; the good one comes back', async () => {
    const kv = await freshDb();
    const store = pageWithRuns();
    const saver = new RunPersistence(store, kv);
    saver.start();
    store.getState().updateRun('run-a', { status: 'paused' });
    await saver.flush();
    saver.stop();
    await kv.set('old', { version: PERSIST_VERSION - 1, run: {} });
    await kv.set('junk', 'not a record');
    await kv.set('bad-config', {
      version: PERSIST_VERSION,
      run: {
        id: 'bad-config',
        label: 'x',
        step: 1,
        lossCurve: [],
        history: [],
        config: { batchSize: NaN },
      },
    });
    const reloaded = createStore(config);
    const result = await new RunPersistence(reloaded, kv).restore();
    expect(result.restored).toBe(1);
    expect(result.ignored).toBe(3);
    expect(result.notice).toMatch(/3 saved runs could not be read and were ignored/);
    expect((await kv.entries()).map(([k]) => k)).toEqual(['run-a']);
  });

  test('storage that cannot be opened leaves the page working, with a notice', async () => {
    const kv: KeyValueStore = {
      set: async () => undefined,
      del: async () => undefined,
      entries: () => Promise.reject(new Error('QuotaExceededError')),
      clear: async () => undefined,
    };
    const result = await new RunPersistence(createStore(config), kv).restore();
    expect(result).toMatchObject({
      restored: 0,
      notice: expect.stringMatching(/could not be read \(QuotaExceededError\)/),
    });
  });

  test('clear deletes every saved run and drops the restored ones from the page', async () => {
    const kv = await freshDb();
    const first = pageWithRuns();
    const saver = new RunPersistence(first, kv);
    saver.start();
    first.getState().updateRun('run-a', { status: 'paused' });
    first.getState().updateRun('run-b', { status: 'paused' });
    await saver.flush();
    saver.stop();
    const page = createStore(config);
    page.getState().addRun({ id: 'live', label: 'live', config });
    const p = new RunPersistence(page, kv);
    p.start();
    await p.restore();
    expect(page.getState().runOrder).toHaveLength(3);
    await p.clear();
    expect(await kv.entries()).toEqual([]);
    expect(page.getState().runOrder).toEqual(['live']);
    expect(p.summary()).toEqual({ runs: 0, bytes: 0 });
    p.stop();
  });
});

describe('saved weights', () => {
  test('a paused run is saved with its weights; on restore they are handed over for resuming', async () => {
    const kv = await freshDb();
    const store = pageWithRuns();
    const weights = [[new Float32Array([1, 2, 3]), new Float32Array([4])]];
    const asked: string[] = [];
    const saver = new RunPersistence(store, kv, undefined, 20, async (id) => {
      asked.push(id);
      return id === 'run-b' ? { weights, step: 5 } : null;
    });
    saver.start();
    store.getState().updateRun('run-a', { status: 'paused' });
    store.getState().updateRun('run-b', { status: 'paused' });
    await saver.flush();
    saver.stop();
    expect(asked.sort()).toEqual(['run-a', 'run-b']);
    const resumable = new Map<string, { weights: Float32Array[][]; step: number }>();
    const page = createStore(config);
    await new RunPersistence(page, kv, undefined, 20, undefined, (id, saved) =>
      resumable.set(id, saved),
    ).restore();
    expect([...resumable.keys()]).toEqual(['run-b']);
    expect(resumable.get('run-b')!.step).toBe(5);
    expect(resumable.get('run-b')!.weights[0]!.map((w) => [...w])).toEqual([[1, 2, 3], [4]]);
    expect(page.getState().runs['run-b']!.message).toMatch(
      /with its weights: play goes on from step 5/,
    );
    expect(page.getState().runs['run-a']!.message).toMatch(/its weights were not saved/);
  });

  test('weights of another step, or while training, are not saved', async () => {
    const kv = await freshDb();
    const store = pageWithRuns();
    const saver = new RunPersistence(store, kv, undefined, 20, async () => ({
      weights: [[new Float32Array(2)]],
      step: 99,
    }));
    saver.start();
    store.getState().updateRun('run-a', { status: 'paused' });
    store.getState().updateRun('run-b', { status: 'running', step: 6 });
    await saver.flush();
    saver.stop();
    for (const [, value] of await kv.entries())
      expect((value as { weights?: unknown }).weights).toBeUndefined();
  });
});
