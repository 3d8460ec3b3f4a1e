/**
 * Runs a scene on the page: one training worker per arm, so the arms train side by side (on a
 * 2-core machine, two workers use both cores), every arm from the same seed; their runs go into
 * the same store as any run (the compare table and the plots show them), and `scene` in the store
 * says which runs are the scene's arms.
 */
import type { TrainingChannel } from '../contracts/protocol';
import { parseTrainingConfig } from '../contracts/trainingConfig';
import type { BackendRequest } from '../contracts/backend';
import {
  sceneById,
  trainedResultsFor,
  unpackFloat16,
  withSeed,
  type Scene,
  type TrainedResult,
} from '../scenes';
import { PlaygroundController } from './controller';
import type { StoreApi } from './store';

export class SceneRunner {
  private arms: { controller: PlaygroundController; client: TrainingChannel; runId: string }[] = [];

  constructor(
    private readonly store: StoreApi,
    /** A training worker; `wasmThreads`: its share of the cores (the arms train side by side). */
    private readonly newClient: (wasmThreads?: number) => TrainingChannel,
    /** The page's own controller: its run pauses while a scene trains (the cores are the scene's). */
    private readonly main: PlaygroundController,
    private readonly backend: BackendRequest = 'auto',
  ) {}

  /** Starts scene `id` at `seed` (default: the scene's own); a scene already running stops. */
  start(id: string, seed?: number): Scene {
    const base = sceneById(id);
    const scene = seed === undefined ? base : withSeed(base, seed);
    // Validate every arm before anything starts, so a bad scene changes nothing.
    const configs = scene.arms.map((a) => parseTrainingConfig(a.config));
    this.stop();
    this.main.pause();
    const runs: Record<string, string> = {};
    scene.arms.forEach((arm, i) => {
      const client = this.newClient(coresPerArm(scene.arms.length));
      const controller = new PlaygroundController(this.store, client, this.backend);
      const runId = controller.startRun(configs[i]!, `${scene.title}: ${arm.label}`);
      controller.playRun(runId);
      runs[arm.id] = runId;
      this.arms.push({ controller, client, runId });
    });
    const seedUsed = Number(scene.arms[0]?.config.seed ?? 1);
    this.store.getState().setScene({ id: scene.id, seed: seedUsed, runs });
    return scene;
  }

  /**
   * Jumps to scene `id`'s trained results (its own seed): every arm's packed weights are fetched
   * from the page's base URL and loaded, evaluated at once, paused at the trained step; `play`
   * keeps training from there for another live budget. A missing or stale result is an error that
   * changes nothing.
   */
  async startTrained(id: string, baseUrl = globalThis.document?.baseURI ?? '/'): Promise<Scene> {
    const scene = sceneById(id);
    const trained = trainedResultsFor(scene);
    if (!trained)
      throw new Error(
        `scene ${id} has no up-to-date trained result (npm run scenes:train -- --scene ${id})`,
      );
    const loaded = await Promise.all(
      scene.arms.map(async (arm) => {
        const r = trained[arm.id]!;
        const response = await fetch(new URL(r.file, baseUrl));
        if (!response.ok)
          throw new Error(`${r.file}: ${response.status} ${response.statusText}`.trim());
        const weights = unpackFloat16(new Uint8Array(await response.arrayBuffer()), r.shapes);
        return { arm, r, weights, config: parseTrainingConfig(continuedConfig(r)) };
      }),
    );
    this.stop();
    this.main.pause();
    const runs: Record<string, string> = {};
    for (const { arm, r, weights, config } of loaded) {
      const client = this.newClient(coresPerArm(loaded.length));
      const controller = new PlaygroundController(this.store, client, this.backend);
      const runId = controller.startRun(
        config,
        `${scene.title}: ${arm.label} (trained, ${r.steps} steps)`,
        { weights, step: r.steps },
      );
      runs[arm.id] = runId;
      this.arms.push({ controller, client, runId });
    }
    this.store.getState().setScene({
      id: scene.id,
      seed: Number(scene.arms[0]?.config.seed ?? 1),
      runs,
      trained: Object.fromEntries(loaded.map(({ arm, r }) => [arm.id, r.steps])),
    });
    return scene;
  }

  pause(): void {
    for (const a of this.arms) a.controller.pauseRun(a.runId);
  }

  play(): void {
    for (const a of this.arms) a.controller.playRun(a.runId);
  }

  /**
   * Ends the scene's workers (their runs stay in the store, for comparison) and leaves the
   * scene view.
   */
  stop(): void {
    for (const a of this.arms) {
      const run = this.store.getState().runs[a.runId];
      if (run && (run.status === 'running' || run.status === 'loading'))
        this.store.getState().updateRun(a.runId, { status: 'paused' });
      a.client.terminate();
    }
    this.arms = [];
    this.store.getState().setScene(null);
  }
}

/**
 * The config a trained result is loaded with: the one it was trained with, with room to keep
 * training for another live budget, evaluated as often as the live scene is.
 */
export function continuedConfig(r: TrainedResult): Record<string, unknown> {
  const live = Number(r.config.evalEvery) / (r.steps / r.liveSteps);
  return { ...r.config, steps: r.steps + r.liveSteps, evalEvery: live };
}

/**
 * Each arm's share of the cores for its WASM threads: the arms train at once, and TF.js' thread
 * pool keeps a core busy (spinning) between its products, so two arms of two threads each on two
 * cores took each other's time (the fairkl scene: 26 s to its verdict, 23 s with one thread each).
 */
export function coresPerArm(arms: number): number {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.floor(cores / Math.max(1, arms)));
}
