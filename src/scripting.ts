/**
 * window.playground: a scripting API for speakers and automation, over the same controller
 * actions the UI uses. Config and metric names are those of the engine's contracts.
 */
import type { PlaygroundController, RunSummary } from './state/controller';
import type { TrainingConfig } from './contracts/trainingConfig';
import type { MetricsRecord } from './contracts/metrics';
import type { BackendChoice } from './contracts/backend';
import type { DataError, DatasetInfo } from './contracts/dataset';
import type { SceneRunner } from './state/sceneRunner';
import { sceneById, sceneVerdict, withSeed, type SceneVerdict } from './scenes';

export interface PlaygroundApi {
  /**
   * Deep-merges a partial config (a plain object) into the current one; validated by the config
   * gate, it throws naming the bad field and stores nothing when invalid.
   */
  configure(partial: Record<string, unknown>): TrainingConfig;
  /** Every run, restored ones included: `{id, label, step, status, restored}`. */
  runs(): RunSummary[];
  /** Trains `steps` more steps (starting a run if none) and resolves with the latest metrics. */
  train(options?: { steps?: number }): Promise<MetricsRecord | undefined>;
  evaluate(): Promise<MetricsRecord | undefined>;
  pause(): void;
  /** Starts the active run again from step 0 with the current config. */
  reset(): void;
  getConfig(): TrainingConfig;
  /** The active run's metrics history. */
  metrics(): MetricsRecord[];
  backend(): BackendChoice | undefined;
  /** The active run's data set, once loaded: shape, sizes, labels and attributes. */
  dataset(): DatasetInfo | undefined;
  /** What the active run's data set skipped while loading (file, CSV line, problem). */
  dataProblems(): DataError[];
  /** Uses these files for the user data sets (as the Data panel's Folder… / Files… do). */
  chooseFiles(files: File[]): void;
  /** Starts scene `id` (its arms side by side, one seed); see src/scenes. */
  scene(id: string, seed?: number): void;
  /** Loads scene `id`'s trained results (its arms at 10× the live budget), paused; see README. */
  sceneTrained(id: string): Promise<void>;
  /** The running scene's verdict so far, or undefined when no scene runs. */
  sceneVerdict(): SceneVerdict | undefined;
}

export function createPlaygroundApi(
  controller: PlaygroundController,
  scenes?: SceneRunner,
): PlaygroundApi {
  const state = () => controller.store.getState();
  const active = () => {
    const s = state();
    return s.activeRunId ? s.runs[s.activeRunId] : undefined;
  };
  return {
    configure: (partial) => controller.configure(partial),
    runs: () => controller.runs(),
    // A changed configuration starts a new run; the old one stays for comparison.
    train: async (options = {}) => controller.train(options.steps ?? state().config.evalEvery),
    evaluate: () => controller.evaluate(),
    pause: () => controller.pause(),
    reset: () => void controller.reset(),
    getConfig: () => structuredClone(state().config),
    metrics: () => structuredClone(active()?.history ?? []),
    backend: () => active()?.backend,
    dataset: () => structuredClone(active()?.dataset),
    dataProblems: () => structuredClone(active()?.dataErrors ?? []),
    chooseFiles: (files) => void controller.chooseFiles(files),
    scene: (id, seed) => {
      if (!scenes) throw new Error('scenes are not available on this page');
      scenes.start(id, seed);
    },
    sceneTrained: async (id) => {
      if (!scenes) throw new Error('scenes are not available on this page');
      await scenes.startTrained(id);
    },
    sceneVerdict: () => {
      const active = state().scene;
      if (!active) return undefined;
      const scene = withSeed(sceneById(active.id), active.seed);
      const histories = Object.fromEntries(
        Object.entries(active.runs).map(([arm, runId]) => [arm, state().runs[runId]?.history]),
      );
      return structuredClone(sceneVerdict(scene, histories, active.trained));
    },
  };
}

declare global {
  interface Window {
    playground?: PlaygroundApi;
  }
}
