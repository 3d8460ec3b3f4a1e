import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseTrainingConfig, type TrainingConfig } from '../../../src/contracts/trainingConfig';
import type { Dataset, DataSplit } from '../../../src/data/types';
import { TrainingSession } from '../../../src/engine/session';
import { repeatViews, Trainer } from '../../../src/engine/trainer';
import {
  balancedAccuracy,
  computeTransfer,
  labelledSubset,
  transferTask,
} from '../../../src/engine/transfer';
import { SeededRandom } from '../../../src/ml/random';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * Three classes, each a weak shift along its own random direction of 8×8 Gaussian noise: a random
 * encoder reads the class poorly from few labels, one pre-trained with SupCon reads it well. The
 * attribute `age` follows the class (30, 45, 60 years + up to 5).
 */
function weakSignalDataset(signal = 0.5, seed = 1): Dataset {
  const classes = 3;
  const side = 8;
  const pixels = side * side;
  const rng = new SeededRandom(seed);
  const directions = Array.from({ length: classes }, () =>
    Float32Array.from({ length: pixels }, () => rng.normalUnpaired()),
  );
  const split = (perClass: number): DataSplit => {
    const n = classes * perClass;
    const images = new Float32Array(n * pixels);
    const labels = new Int32Array(n);
    const age = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % classes;
      labels[i] = c;
      age[i] = 30 + 15 * c + 5 * rng.next();
      for (let p = 0; p < pixels; p++)
        images[i * pixels + p] = 0.5 + 0.15 * (signal * directions[c]![p]! + rng.normalUnpaired());
    }
    return { n, images, labels: { class: labels }, attributes: { age }, flags: {} };
  };
  return {
    info: {
      id: 'weak-signal',
      title: 'weak signal',
      description: 'test patterns',
      source: 'tests',
      licence: 'n/a',
      imageShape: { height: side, width: side, channels: 1 },
      labels: [{ name: 'class', classNames: ['0', '1', '2'] }],
      attributes: [{ name: 'age', min: 30, max: 65 }],
      classLabel: 'class',
      hasTargetFlag: false,
    },
    train: split(100),
    test: split(50),
  };
}

const transfer = { label: 'class', fraction: 0.1, steps: 100, batchSize: 16, lr: 0.01 };

function config(overrides: Record<string, unknown> = {}): TrainingConfig {
  return parseTrainingConfig({
    dataset: { name: 'weak-signal' },
    positives: { name: 'class' },
    loss: { name: 'supcon', temperature: 0.1 },
    encoder: { name: 'mlp', hidden: [32, 16], projectionHidden: 16 },
    embeddingDim: 8,
    batchSize: 32,
    optimizer: { name: 'adam', lr: 0.01 },
    steps: 80,
    seed: 3,
    transfer,
    ...overrides,
  });
}

async function trained(steps: number, dataset = weakSignalDataset()): Promise<Trainer> {
  const trainer = new Trainer(config(), dataset, repeatViews);
  for (let i = 0; i < steps; i++) await trainer.step();
  return trainer;
}

describe('computeTransfer', () => {
  test('classification: pre-training beats the random encoder; both classifiers beat chance; no leak', async () => {
    const dataset = weakSignalDataset();
    const untrained = await trained(0, dataset);
    const pretrained = await trained(80, dataset);
    const before = tf.memory().numTensors;
    const random = await computeTransfer(untrained);
    const result = await computeTransfer(pretrained);
    expect(tf.memory().numTensors).toBe(before);

    expect(result).toMatchObject({
      label: 'class',
      task: 'classification',
      metric: 'balancedAccuracy',
      labelled: 30,
    });
    const chance = 1 / 3;
    expect(result.fineTuned).toBeGreaterThan(chance + 0.3);
    expect(result.scratch).toBeGreaterThan(chance + 0.3);
    expect(result.linearProbe).toBeGreaterThan(result.randomProbe + 0.2);

    // From scratch and the random probe start at the trainer's initialisation, whatever the
    // pre-training did; with no pre-training, fine-tuning is training from scratch.
    expect(result.scratch).toBe(random.scratch);
    expect(result.randomProbe).toBe(random.randomProbe);
    expect(random.fineTuned).toBe(random.scratch);
    expect(random.linearProbe).toBe(random.randomProbe);
    expect(result.fineTuned).not.toBe(random.fineTuned);

    // Deterministic for a seed, and the training encoder is left as it was.
    const weights = await Promise.all(
      pretrained.encoder.variables.map(async (v) => Array.from(await v.data())),
    );
    expect(await computeTransfer(pretrained)).toEqual(result);
    const after = await Promise.all(
      pretrained.encoder.variables.map(async (v) => Array.from(await v.data())),
    );
    expect(after).toEqual(weights);
    untrained.dispose();
    pretrained.dispose();
  });

  test('regression on an attribute beats predicting the mean', async () => {
    const trainer = await trained(80);
    const result = await computeTransfer(trainer, { ...transfer, label: 'age' });
    expect(result).toMatchObject({ task: 'regression', metric: 'mae', labelled: 30 });
    const ages = trainer.dataset.test.attributes.age!;
    const train = trainer.dataset.train.attributes.age!;
    const mean = train.reduce((a, b) => a + b, 0) / train.length;
    const baseline = ages.reduce((a, b) => a + Math.abs(b - mean), 0) / ages.length;
    for (const key of ['linearProbe', 'fineTuned', 'scratch'] as const)
      expect(result[key], key).toBeLessThan(0.8 * baseline);
    trainer.dispose();
  });

  test('an unknown label names the valid labels and attributes', async () => {
    const trainer = await trained(0);
    await expect(computeTransfer(trainer, { label: 'sex' })).rejects.toThrow(
      /'sex' is neither a class label nor a continuous attribute .*labels: class; attributes: age/,
    );
    await expect(computeTransfer(trainer, { label: 'class', fraction: 2 })).rejects.toThrow(
      /transfer\.fraction/,
    );
    trainer.dispose();
  });
});

test('the labelled subset is seeded, stratified, capped, with at least two per class', () => {
  const labels = new Int32Array(200).map((_, i) => (i < 190 ? i % 2 : 2)); // class 2: 10 samples
  const task = { kind: 'classification' as const, train: labels, test: labels };
  const subset = labelledSubset(task, 0.1, 1000, 5);
  expect(subset).toEqual(labelledSubset(task, 0.1, 1000, 5));
  expect(subset).not.toEqual(labelledSubset(task, 0.1, 1000, 6));
  const counts = [0, 0, 0];
  subset.forEach((i) => counts[labels[i]!]!++);
  expect(counts).toEqual([10, 10, 2]);
  expect(new Set(subset).size).toBe(subset.length);
  expect(labelledSubset(task, 1, 40, 5).length).toBeLessThanOrEqual(41);
  expect(balancedAccuracy([0, 0, 0, 1], [0, 0, 0, 1])).toBe(1);
  expect(balancedAccuracy([0, 0, 0, 0], [0, 0, 0, 1])).toBe(0.5);
  expect(transferTask(weakSignalDataset(), 'age').kind).toBe('regression');
});

test('a session adds the transfer study to its final evaluation only, or when asked', async () => {
  const session = new TrainingSession(
    config({ steps: 4, evalEvery: 2, transfer: { ...transfer, steps: 10 } }),
    weakSignalDataset(),
    repeatViews,
  );
  await session.stepBy(2);
  expect(session.history.map((m) => m.step)).toEqual([2]);
  expect(session.history[0]!.transfer).toBeUndefined();
  const asked = (await session.evaluateNow({ transfer: true })).metrics;
  expect(asked.transfer?.label).toBe('class');
  await session.play();
  const final = session.history.at(-1)!;
  expect(final.step).toBe(4);
  expect(final.transfer).toMatchObject({ label: 'class', labelled: 30 });
  // Evaluating again at the same step keeps the study rather than computing it again.
  expect((await session.evaluateNow()).metrics.transfer).toBe(final.transfer);
  session.dispose();

  const plain = new TrainingSession(
    config({ steps: 2, evalEvery: 2, transfer: undefined }),
    weakSignalDataset(),
    repeatViews,
  );
  await plain.play();
  expect(plain.history.at(-1)!.transfer).toBeUndefined();
  await expect(plain.evaluateNow({ transfer: true })).rejects.toThrow(/no `transfer` section/);
  plain.dispose();
  // A bad label fails when the session is made, not at the end of the run.
  expect(
    () =>
      new TrainingSession(
        config({ transfer: { label: 'nope' } }),
        weakSignalDataset(),
        repeatViews,
      ),
  ).toThrow(/'nope' is neither/);
});
