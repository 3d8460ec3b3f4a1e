/** The controller's parts on their own: progress throttling, the scripting waiters, upload versions. */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createStore } from '../../../src/state/store';
import { PROGRESS_INTERVAL_MS, ProgressThrottle } from '../../../src/state/progressThrottle';
import { ScriptWaiters } from '../../../src/state/scriptWaiters';
import { UploadVersions } from '../../../src/state/uploads';
import { parseTrainingConfig } from '../../../src/contracts/trainingConfig';
import { PRESETS } from '../../../src/presets';

const store = () => {
  const s = createStore(parseTrainingConfig(PRESETS[0]!.config));
  s.getState().addRun({ id: 'r', label: 'r', config: s.getState().config });
  return s;
};
const progress = (step: number) => ({
  type: 'progress' as const,
  runId: 'r',
  step,
  loss: 1 / step,
  stepsPerSecond: 2,
});

afterEach(() => vi.useRealTimers());

describe('ProgressThrottle', () => {
  test('buffers progress and applies it in one update after the interval, or at a flush', () => {
    vi.useFakeTimers();
    const s = store();
    const throttle = new ProgressThrottle(s);
    throttle.push(progress(1));
    throttle.push(progress(2));
    expect(s.getState().runs['r']!.lossCurve).toEqual([]);
    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    expect(s.getState().runs['r']!.lossCurve.map((p) => p.step)).toEqual([1, 2]);
    throttle.push(progress(3));
    throttle.flush();
    expect(s.getState().runs['r']!.step).toBe(3);
    // A flushed buffer leaves no timer that would apply anything twice.
    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    expect(s.getState().runs['r']!.lossCurve).toHaveLength(3);
  });
});

describe('ScriptWaiters', () => {
  test('evaluate settles at the next evaluation, train only at a stop, an error rejects', async () => {
    const s = store();
    const waiters = new ScriptWaiters(s);
    const metrics = { step: 5, loss: 0.5 };
    s.getState().recordEvaluation('r', metrics, {} as never);
    const evaluation = waiters.waitFor('r', true);
    const training = waiters.waitFor('r', false);
    let trained = false;
    void training.then(() => (trained = true));
    waiters.settle('r', 'evaluation');
    await expect(evaluation).resolves.toEqual(metrics);
    await Promise.resolve();
    expect(trained).toBe(false);
    waiters.settle('r', 'stop');
    await expect(training).resolves.toEqual(metrics);
    const failing = waiters.waitFor('r', false);
    waiters.settle('r', 'stop', 'out of memory');
    await expect(failing).rejects.toThrow('out of memory');
  });
});

describe('UploadVersions', () => {
  test('a run remembers the choice it read; a new choice makes it stale', () => {
    const uploads = new UploadVersions();
    const a = new File(['a'], 'a.png');
    uploads.choose([a]);
    expect(uploads.forRun('r1', true)).toEqual([a]);
    expect(uploads.forRun('builtin', false)).toEqual([]);
    expect(uploads.isStale('r1')).toBe(false);
    uploads.choose([new File(['b'], 'b.png')]);
    expect(uploads.isStale('r1')).toBe(true);
  });
});
