/**
 * Trains a scene's arms in Node, at exactly the configs the page uses (or, with `quick`, the same
 * configs on tiny data for a few steps, to check the pipeline end to end), one after another, and
 * reads the verdict from their histories.
 */
import { parseTrainingConfig } from '../contracts/trainingConfig';
import type { MetricsRecord } from '../contracts/metrics';
import { TrainingSession } from '../engine/session';
import { sceneVerdict, type Scene, type SceneVerdict } from '../scenes';
import { nodeDataSource } from '../data/nodeReader';
import { loadTrainingData } from '../engine/trainingData';

/** Quick mode: tiny data and a few steps (numbers are meaningless; the pipeline is checked). */
export const QUICK_SCENE = {
  steps: 4,
  evalEvery: 2,
  nTrain: 160,
  nTest: 80,
  evaluation: { maxTrain: 160, maxTest: 80, knnK: 5 },
  transferSteps: 2,
  priorSteps: 2,
};

export interface ArmResult {
  arm: string;
  config: Record<string, unknown>;
  history: MetricsRecord[];
  loadMs: number;
  trainMs: number;
  /** Why the run stopped early (a non-finite step), if it did. */
  error?: string;
}

export interface SceneResult {
  scene: string;
  seed: number;
  quick: boolean;
  arms: ArmResult[];
  verdict: SceneVerdict;
  /** Training time of all arms together, one after another (load excluded). */
  trainMs: number;
}

export function quickConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...config,
    dataset: {
      ...(config.dataset as object),
      nTrain: QUICK_SCENE.nTrain,
      nTest: QUICK_SCENE.nTest,
    },
    steps: QUICK_SCENE.steps,
    evalEvery: QUICK_SCENE.evalEvery,
    evaluation: QUICK_SCENE.evaluation,
  };
  if (config.transfer && typeof config.transfer === 'object')
    out.transfer = { ...config.transfer, steps: QUICK_SCENE.transferSteps };
  if (config.prior && typeof config.prior === 'object')
    out.prior = { ...config.prior, steps: QUICK_SCENE.priorSteps };
  return out;
}

export async function runScene(
  scene: Scene,
  options: { quick?: boolean; onArm?: (arm: ArmResult) => void } = {},
): Promise<SceneResult> {
  const arms: ArmResult[] = [];
  for (const arm of scene.arms) {
    const raw = options.quick ? quickConfig(arm.config) : arm.config;
    const config = parseTrainingConfig(raw);
    const t0 = performance.now();
    const { dataset, augment } = await loadTrainingData(config, nodeDataSource(config.dataset));
    const loadMs = performance.now() - t0;
    let error: string | undefined;
    const session = new TrainingSession(config, dataset, augment, {
      paused: (_step, reason) => {
        error = reason;
      },
    });
    const t1 = performance.now();
    await session.play();
    const trainMs = performance.now() - t1;
    const result: ArmResult = {
      arm: arm.id,
      config: raw,
      history: [...session.history],
      loadMs,
      trainMs,
      ...(error ? { error } : {}),
    };
    session.dispose();
    arms.push(result);
    options.onArm?.(result);
  }
  const histories = Object.fromEntries(arms.map((a) => [a.arm, a.history]));
  const budgets = Object.fromEntries(arms.map((a) => [a.arm, Number(a.config.steps)]));
  return {
    scene: scene.id,
    seed: Number(scene.arms[0]?.config.seed),
    quick: options.quick ?? false,
    arms,
    verdict: sceneVerdict(scene, histories, budgets),
    trainMs: arms.reduce((s, a) => s + a.trainMs, 0),
  };
}
