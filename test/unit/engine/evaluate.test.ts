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

/** The synthetic set as a confounded data set like brain MRI: a bias label, no bias-aligned flags. */
function withoutAlignedFlags() {
  const data = syntheticDataset();
  delete data.train.flags.biasAligned;
  delete data.test.flags.biasAligned;
  return data;
}

test('a confound without bias-aligned flags (brain MRI site) reports its predictability as a balanced accuracy', async () => {
  const data = withoutAlignedFlags();
  const session = new TrainingSession(
    parseTrainingConfig({ ...base, steps: 2, evalEvery: 2 }),
    data,
    repeatViews,
  );
  const { metrics } = await session.evaluateNow();
  expect(metrics.biasAlignedAccuracy).toBeUndefined();
  expect(metrics.biasConflictingAccuracy).toBeUndefined();
  // A naive balanced accuracy from the same probe, written out: mean over bias values of the
  // per-value hit rate.
  const { fitLinearProbe, predictLinearProbe } = await import('../../../src/ml/metrics/probes');
  const trainer = session.trainer;
  const train = await trainer.embed(data.train, trainer.config.evaluation.maxTrain);
  const test = await trainer.embed(data.test, trainer.config.evaluation.maxTest);
  const dim = trainer.encoder.representationDim;
  const model = fitLinearProbe(
    train.representation,
    data.train.labels.bias!.subarray(0, train.n),
    dim,
  );
  const predicted = predictLinearProbe(model, test.representation);
  const y = data.test.labels.bias!.subarray(0, test.n);
  let sum = 0;
  for (const value of [0, 1]) {
    let hit = 0;
    let total = 0;
    for (let i = 0; i < y.length; i++)
      if (y[i] === value) {
        total++;
        if (predicted[i] === value) hit++;
      }
    sum += hit / total;
  }
  expect(metrics.biasPredictability).toBeCloseTo(sum / 2, 10);
  session.dispose();
});

test('SepCLR runs on a confounded data set report the confound predictability of the common space', async () => {
  const config = parseTrainingConfig({
    ...base,
    positives: { name: 'views' },
    loss: { name: 'sepclr', beta_salient: 1, beta_reg: 10, lambda_jem: 10 },
    steps: 2,
    evalEvery: 2,
    salientDim: 4,
  });
  const session = new TrainingSession(config, withoutAlignedFlags(), repeatViews);
  await session.play();
  const final = session.history.at(-1)!;
  expect(final.biasPredictability).toBeGreaterThanOrEqual(0);
  expect(final.biasPredictability).toBeLessThanOrEqual(1);
  session.dispose();
});
