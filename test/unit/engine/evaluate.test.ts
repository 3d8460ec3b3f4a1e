import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { parseTrainingConfig } from '../../../src/contracts/trainingConfig';
import { TrainingSession } from '../../../src/engine/session';
import { repeatViews } from '../../../src/engine/trainer';
import { syntheticDataset } from './synthetic';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const base = {
  dataset: { name: 'synthetic' },
  positives: { name: 'class' },
  loss: { name: 'supcon', temperature: 0.1 },
  encoder: { name: 'mlp', hidden: [32, 16], projectionHidden: 16 },
  embeddingDim: 8,
  batchSize: 32,
  optimizer: { name: 'adam', lr: 0.01 },
  steps: 60,
  evalEvery: 30,
  seed: 3,
};

test('a session evaluates on held-out data, and training beats the random initialisation', async () => {
  const session = new TrainingSession(parseTrainingConfig(base), syntheticDataset(), repeatViews);
  const initial = (await session.evaluateNow()).metrics;
  await session.play();
  const final = session.history.at(-1)!;
  expect(final.step).toBe(60);
  expect(session.history.map((m) => m.step)).toEqual([0, 30, 60]);
  for (const key of [
    'alignment',
    'uniformity',
    'effectiveRank',
    'knnAccuracy',
    'linearProbeAccuracy',
    'biasAlignedAccuracy',
    'biasConflictingAccuracy',
    'biasPredictability',
    'regressionMAE',
    'regressionR2',
    'loss',
  ] as const) {
    expect(Number.isFinite(final[key]), key).toBe(true);
  }
  // SepCLR probes do not apply to a SupCon run: absent, never 0.
  expect(final.commonProbe).toBeUndefined();
  expect(final.salientProbe).toBeUndefined();
  expect(final.knnAccuracy!).toBeGreaterThanOrEqual(initial.knnAccuracy!);
  expect(final.knnAccuracy!).toBeGreaterThan(0.9);
  session.dispose();
});

test('SepCLR runs report a probe per label from each space', async () => {
  const config = parseTrainingConfig({
    ...base,
    positives: { name: 'views' },
    loss: { name: 'sepclr', beta_salient: 1, beta_reg: 10, lambda_jem: 10 },
    steps: 4,
    evalEvery: 4,
    salientDim: 4,
  });
  const session = new TrainingSession(config, syntheticDataset(), repeatViews);
  await session.play();
  const final = session.history.at(-1)!;
  expect(Object.keys(final.commonProbe ?? {})).toContain('class');
  expect(Object.keys(final.salientProbe ?? {})).toContain('class');
  expect(final.knnAccuracy).toBeUndefined();
  session.dispose();
});

test('a session that queues its steps (the GPU path) reports every step in order and evaluates on time', async () => {
  const config = parseTrainingConfig({ ...base, steps: 12, evalEvery: 5 });
  const steps: number[] = [];
  const evaluated: number[] = [];
  const session = new TrainingSession(config, syntheticDataset(), repeatViews, {
    progress: (step) => steps.push(step),
    evaluation: (r) => evaluated.push(r.metrics.step),
  });
  session.trainer.deferReads = true;
  expect(await session.stepBy(7)).toBe('paused');
  expect(session.step).toBe(7);
  expect(session.trainer.queuedCount).toBe(0);
  expect(await session.play()).toBe('finished');
  expect(steps).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  expect(evaluated).toEqual([5, 7, 10, 12]);
  session.dispose();
});
