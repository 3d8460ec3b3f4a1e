/**
 * Every trainable loss gets its inputs from a batch as its definition says (`training`, input
 * names), through every input style and every kind of positives, and trains on them.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrainingConfig, type TrainingConfig } from '../../../src/contracts/trainingConfig';
import { effectiveLossParams } from '../../../src/contracts/lossParams';
import { lossInputs, lossStyle, type BatchMeta } from '../../../src/engine/lossInputs';
import { listTrainable, type CatalogEntry } from '../../../src/ml/losses/catalog';
import { getFunction } from '../../../src/ml/losses/registry';
import type { TrainingInputs } from '../../../src/ml/losses/define';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 4;
const META: BatchMeta = {
  n: N,
  classLabels: Int32Array.from([0, 1, 0, 1]),
  attributes: {
    age: Float32Array.from([20, 35, 50, 65]),
    scale: Float32Array.from([0.5, 1, 0.7, 0.2]),
  },
  isTarget: Uint8Array.from([1, 1, 0, 0]),
};

function config(entry: CatalogEntry, overrides: Record<string, unknown>): TrainingConfig {
  return parseTrainingConfig({
    dataset: { name: 'synthetic' },
    loss: { name: entry.id },
    encoder: { name: 'mlp', hidden: [8], projectionHidden: 8 },
    embeddingDim: 3,
    batchSize: N,
    views: 2,
    optimizer: { name: 'adam', lr: 0.01 },
    steps: 1,
    seed: 1,
    positives: { name: 'views' },
    ...overrides,
  });
}

/** The batch settings each kind of loss is trained with. */
function cases(training: TrainingInputs): Record<string, unknown>[] {
  const kernel = training.kernels ? { name: training.kernels[0], sigma: 2 } : undefined;
  switch (training.style) {
    case 'view-major':
      if (training.positives === 'none') return [{}];
      if (training.positives === 'class-or-views')
        return [{ positives: { name: 'class' } }, { positives: { name: 'views' } }];
      return [{ positives: { name: 'kernel', attribute: ['age', 'scale'] }, kernel }];
    case 'sample-major':
      return [{}, { positives: { name: 'kernel', attribute: ['age', 'scale'] }, kernel }];
    default:
      return [{}];
  }
}

describe('loss inputs from a batch', () => {
  it('every trainable loss, every style and every kind of positives', () => {
    const seen = new Set<string>();
    for (const entry of listTrainable()) {
      const training = entry.training!;
      for (const overrides of cases(training)) {
        const c = config(entry, overrides);
        const label = `${entry.id} ${JSON.stringify(overrides)}`;
        tf.engine().startScope();
        const encoded = {
          projection: tf.randomNormal([2 * N, 3], 0, 1, 'float32', 3) as tf.Tensor2D,
          salient: tf.randomNormal([2 * N, 2], 0, 1, 'float32', 4) as tf.Tensor2D,
        };
        const inputs = lossInputs(c, META, encoded);
        const tensorNames = entry.inputs.filter((i) => i.role === 'tensor').map((i) => i.name);
        const constantNames = entry.inputs.filter((i) => i.role === 'constant').map((i) => i.name);
        expect(Object.keys(inputs.tensors).sort(), label).toEqual([...tensorNames].sort());
        for (const key of Object.keys(inputs.constants))
          expect(constantNames, label).toContain(key);
        const value = getFunction(entry.id).call(inputs, effectiveLossParams(c)).dataSync();
        tf.engine().endScope();
        expect(value, label).toHaveLength(1);
        expect(Number.isFinite(value[0]), label).toBe(true);
        expect(lossStyle(entry.id)).toBe(training.style);
        seen.add(
          training.style === 'view-major' ? `view-major/${training.positives}` : training.style,
        );
      }
    }
    expect([...seen].sort()).toEqual([
      'pairs',
      'sample-major',
      'sepclr',
      'view-major/attribute',
      'view-major/attribute-rows',
      'view-major/class-or-views',
      'view-major/none',
    ]);
  });

  it('a loss that cannot be trained on, or a kernel it does not take, is named', () => {
    expect(() => lossStyle('kjem')).toThrow(/'kjem' cannot be trained on \(valid: nt_xent, /);
    const entry = listTrainable().find((e) => e.training?.kernels?.length === 1)!;
    const c = config(entry, {
      positives: { name: 'kernel', attribute: 'age' },
      kernel: { name: 'cauchy' },
    });
    expect(() => effectiveLossParams(c)).toThrow(new RegExp(`${entry.id} takes a .* kernel`));
  });
});
