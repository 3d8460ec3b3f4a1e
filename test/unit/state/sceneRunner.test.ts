/**
 * The scene runner gives each arm's training worker its share of the cores: the arms train at
 * once, so two arms on two cores get one WASM thread each, and a scene of one arm gets them all.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { PlaygroundController } from '../../../src/state/controller';
import { coresPerArm, SceneRunner } from '../../../src/state/sceneRunner';
import { createStore } from '../../../src/state/store';
import { TrainingClient, type WorkerLike } from '../../../src/worker/client';
import { parseTrainingConfig } from '../../../src/contracts/trainingConfig';
import { PRESETS } from '../../../src/presets';
import { SCENES } from '../../../src/scenes';

const idleWorker = (): WorkerLike => ({
  postMessage: () => undefined,
  addEventListener: (() => undefined) as WorkerLike['addEventListener'],
  terminate: () => undefined,
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('each arm of a scene gets its share of the cores', () => {
  test.each([
    [2, 2, 1],
    [2, 1, 2],
    [8, 2, 4],
    [1, 2, 1],
    [3, 2, 1],
  ])('%i cores, %i arms: %i WASM threads each', (cores, arms, threads) => {
    vi.stubGlobal('navigator', { hardwareConcurrency: cores });
    expect(coresPerArm(arms)).toBe(threads);
  });

  test('the runner asks for workers with that share, per scene', () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 2 });
    const store = createStore(parseTrainingConfig(PRESETS[0]!.config));
    const main = new PlaygroundController(
      store,
      new TrainingClient(idleWorker()),
      'wasm',
      '/data/',
    );
    const asked: (number | undefined)[] = [];
    const runner = new SceneRunner(
      store,
      (threads) => {
        asked.push(threads);
        return new TrainingClient(idleWorker());
      },
      main,
      'wasm',
    );
    const twoArms = SCENES.find((s) => s.arms.length === 2)!;
    const oneArm = SCENES.find((s) => s.arms.length === 1)!;
    runner.start(twoArms.id);
    expect(asked).toEqual([1, 1]);
    asked.length = 0;
    runner.start(oneArm.id);
    expect(asked).toEqual([2]);
    runner.stop();
  });
});
