/**
 * Runs a scene on the page: one training worker per arm, so the arms train side by side (on a
 * 2-core machine, two workers use both cores), every arm from the same seed; their runs go into
 * the same store as any run (the compare table and the plots show them), and `scene` in the store
 * says which runs are the scene's arms.
 */
import type { TrainingChannel } from '../contracts/protocol';
import { parseTrainingConfig } from '../contracts/trainingConfig';
import type { BackendRequest } from '../contracts/backend';
import { sceneById, withSeed, type Scene } from '../scenes';
import { PlaygroundController } from './controller';
import type { StoreApi } from './store';

export class SceneRunner {
  private arms: { controller: PlaygroundController; client: TrainingChannel; runId: string }[] = [];

  constructor(
    private readonly store: StoreApi,
    private readonly newClient: () => TrainingChannel,
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
      const client = this.newClient();
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
