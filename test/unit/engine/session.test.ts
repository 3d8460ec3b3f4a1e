/** The session's held-out samples, snapshot labels and weight snapshots (what the worker answers). */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseTrainingConfig } from '../../../src/contracts/trainingConfig';
import { MAX_SAMPLE_VIEWS, TrainingSession } from '../../../src/engine/session';
import { datasetAugment } from '../../../src/engine/augmentation';
import { syntheticDataset } from './synthetic';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = parseTrainingConfig({
  dataset: { name: 'synthetic' },
  positives: { name: 'class' },
  loss: { name: 'supcon', temperature: 0.1 },
  encoder: { name: 'mlp', hidden: [16], projectionHidden: 8 },
  embeddingDim: 4,
  batchSize: 16,
  views: 2,
  optimizer: { name: 'adam', lr: 0.01 },
  steps: 4,
  evalEvery: 2,
  seed: 3,
  evaluation: { maxTest: 10 },
});

function session() {
  const dataset = syntheticDataset({ perClass: 5 });
  const augment = datasetAugment(dataset, { noise: 0.1 });
  return { dataset, augment, s: new TrainingSession(config, dataset, augment) };
}

describe('TrainingSession: held-out samples', () => {
  test('the image is row `index` of the test split; the views are the run augmentation at the sample seed', async () => {
    const { dataset, augment, s } = session();
    const per = 6 * 6;
    const sample = await s.heldOutSample(3, 2);
    expect(sample.image).toEqual(dataset.test.images.slice(3 * per, 4 * per));
    expect([sample.height, sample.width, sample.channels]).toEqual([6, 6, 1]);
    expect(sample.labels).toEqual({
      class: dataset.test.labels['class']![3],
      bias: dataset.test.labels['bias']![3],
    });
    expect(sample.attributes['age']).toBe(dataset.test.attributes['age']![3]);
    // The default seed: the run's seed and the index, so the same point shows the same views.
    const seed = (Math.imul(config.seed + 1, 0x9e3779b1) ^ 3) >>> 0;
    const input = tf.tensor4d(sample.image, [1, 6, 6, 1]);
    const expected = augment(input, 2, seed);
    const all = await expected.data();
    expect(sample.views).toEqual([all.slice(0, per), all.slice(per, 2 * per)]);
    tf.dispose([input, expected]);
    expect((await s.heldOutSample(3, 2)).views).toEqual(sample.views);
    expect((await s.heldOutSample(3, 2, 99)).views).not.toEqual(sample.views);
    expect((await s.heldOutSample(3, 50)).views).toHaveLength(MAX_SAMPLE_VIEWS);
    s.dispose();
  });

  test('an index outside the snapshot is refused with the valid range', async () => {
    const { s } = session();
    await expect(s.heldOutSample(10, 1)).rejects.toThrow(/not in the held-out snapshot \(0 to 9\)/);
    await expect(s.heldOutSample(-1, 1)).rejects.toThrow(/not in the held-out snapshot/);
    s.dispose();
  });

  test('snapshot labels are the first maxTest rows of the test split', () => {
    const { dataset, s } = session();
    const labels = s.snapshotLabels();
    expect(labels.n).toBe(10);
    expect(labels.labels['class']).toEqual(dataset.test.labels['class']!.slice(0, 10));
    expect(labels.flags['isTarget']).toEqual(dataset.test.flags['isTarget']!.slice(0, 10));
    s.dispose();
  });

  test('a weight snapshot has every variable, grouped per encoder, and restores', async () => {
    const { s } = session();
    await s.stepBy(2);
    const snap = await s.weightsSnapshot();
    expect(snap.step).toBe(2);
    expect(snap.encoders.reduce((a, b) => a + b, 0)).toBe(snap.tensors.length);
    for (const [i, v] of s.trainer.variables.entries()) {
      expect(snap.tensors[i]!.shape).toEqual(v.shape);
      expect(snap.tensors[i]!.data).toEqual(await v.data());
    }
    const { s: other } = session();
    other.restore([snap.tensors.map((t) => t.data)], snap.step);
    expect(other.step).toBe(2);
    for (const [i, v] of other.trainer.variables.entries())
      expect(await v.data()).toEqual(snap.tensors[i]!.data);
    s.dispose();
    other.dispose();
  });
});
