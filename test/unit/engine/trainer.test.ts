import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, test } from 'vitest';
import { AUGMENT_DEFAULTS, augment } from '../../../src/data/augment';
import { augmentArray } from '../../../src/data/augmentCpu';
import { parseTrainingConfig, type TrainingConfig } from '../../../src/contracts/trainingConfig';
import { Trainer, type AugmentFn } from '../../../src/engine/trainer';
import { syntheticDataset } from './synthetic';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Two noisy views: enough augmentation for the unsupervised losses to have work to do. */
const noisyViews: AugmentFn = (images, views, seed) =>
  tf.tidy(() => {
    const tiled = tf.tile(images, [views, 1, 1, 1]);
    return tf.add(tiled, tf.randomNormal(tiled.shape, 0, 0.1, 'float32', seed)) as tf.Tensor4D;
  });

function config(overrides: Record<string, unknown> = {}): TrainingConfig {
  return parseTrainingConfig({
    dataset: { name: 'synthetic' },
    positives: { name: 'class' },
    loss: { name: 'supcon', temperature: 0.1 },
    encoder: { name: 'mlp', hidden: [32, 16], projectionHidden: 16 },
    embeddingDim: 8,
    batchSize: 32,
    views: 2,
    optimizer: { name: 'adam', lr: 0.01 },
    steps: 30,
    evalEvery: 10,
    seed: 7,
    ...overrides,
  });
}

async function meanLoss(trainer: Trainer, steps: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < steps; i++) total += (await trainer.step()).loss;
  return total / steps;
}

describe('Trainer', () => {
  test('the loss falls for SupCon, NT-Xent, decoupled uniformity and kernelised regression', async () => {
    const dataset = syntheticDataset();
    const cases: Record<string, unknown>[] = [
      {},
      { loss: { name: 'nt_xent', temperature: 0.2 }, positives: { name: 'views' } },
      { loss: { name: 'decoupled_uniformity' }, positives: { name: 'views' } },
      {
        loss: { name: 'kernelized_supcon', method: 'expw' },
        positives: { name: 'kernel', attribute: 'age' },
        kernel: { name: 'rbf', sigma: 5 },
      },
    ];
    for (const overrides of cases) {
      const trainer = new Trainer(config(overrides), dataset, noisyViews);
      const first = await meanLoss(trainer, 5);
      for (let i = 0; i < 40; i++) await trainer.step();
      const last = await meanLoss(trainer, 5);
      expect(last, JSON.stringify(overrides)).toBeLessThan(first);
      trainer.dispose();
    }
  });

  test('is deterministic for a seed and differs for another seed', async () => {
    const dataset = syntheticDataset();
    const run = async (seed: number) => {
      const trainer = new Trainer(config({ seed }), dataset, noisyViews);
      const losses = [];
      for (let i = 0; i < 5; i++) losses.push((await trainer.step()).loss);
      trainer.dispose();
      return losses;
    };
    const a = await run(3);
    expect(await run(3)).toEqual(a);
    expect(await run(4)).not.toEqual(a);
  });

  test('keeps the tensor count flat over hundreds of steps', async () => {
    const trainer = new Trainer(
      config({ regularizer: { name: 'fairkl', weight: 0.5 }, batchSize: 16 }),
      syntheticDataset(),
      noisyViews,
    );
    for (let i = 0; i < 5; i++) await trainer.step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 200; i++) await trainer.step();
    expect(tf.memory().numTensors).toBe(before);
    await trainer.embed(trainer.dataset.test);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });

  test.each(['cpu', 'wasm'])(
    'keeps the tensor count flat with the one-pass augmentation and fused kernels on %s',
    async (backend) => {
      await tf.setBackend(backend);
      try {
        const brain = AUGMENT_DEFAULTS['brain-mri']!;
        const views: AugmentFn = (images, v, seed) => augment(images, brain, { seed, views: v });
        const trainer = new Trainer(config({ batchSize: 16 }), syntheticDataset(), views);
        for (let i = 0; i < 3; i++) await trainer.step();
        const before = tf.memory().numTensors;
        for (let i = 0; i < 100; i++) expect((await trainer.step()).applied).toBe(true);
        expect(tf.memory().numTensors).toBe(before);
        trainer.dispose();
      } finally {
        await tf.setBackend('cpu');
      }
    },
  );

  test('a batch keeps its pixels while it is alive, though the pixel arrays are reused', async () => {
    // prefetch sees every batch's pixels when it is drawn; the batch drawn before is still
    // training (and makes its own views from its pixels if its prefetch failed).
    const seen: { array: Float32Array; copy: Float32Array }[] = [];
    const views: AugmentFn = Object.assign(
      (images: tf.Tensor4D, v: number) => tf.tidy(() => tf.tile(images, [v, 1, 1, 1])),
      {
        prefetch: (pixels: Float32Array) => {
          const previous = seen.at(-1);
          if (previous) expect(previous.array).toEqual(previous.copy);
          seen.push({ array: pixels, copy: pixels.slice() });
          return Promise.resolve(undefined as unknown as Float32Array);
        },
      },
    );
    const trainer = new Trainer(config({ batchSize: 8 }), syntheticDataset(), views);
    for (let i = 0; i < 8; i++) await trainer.step();
    trainer.dispose();
    expect(seen.length).toBe(9);
    // The arrays are reused: fewer distinct arrays than batches.
    expect(new Set(seen.map((s) => s.array)).size).toBeLessThan(seen.length);
  });

  test.each(['cpu', 'wasm'])(
    'views prefetched elsewhere give the same steps as views made in the step (%s)',
    async (backend) => {
      await tf.setBackend(backend);
      try {
        const brain = AUGMENT_DEFAULTS['brain-mri']!;
        const plain: AugmentFn = (images, v, seed) => augment(images, brain, { seed, views: v });
        let asked = 0;
        const prefetched: AugmentFn = Object.assign(
          (images: tf.Tensor4D, v: number, seed: number) => plain(images, v, seed),
          {
            prefetch: async (
              pixels: Float32Array,
              shape: [number, number, number, number],
              v: number,
              seed: number,
            ) => {
              asked++;
              await new Promise((resolve) => setTimeout(resolve, 1));
              return augmentArray(pixels, shape, brain, seed, v);
            },
          },
        );
        // A helper that fails: the step makes the views itself.
        const failing: AugmentFn = Object.assign(
          (images: tf.Tensor4D, v: number, seed: number) => plain(images, v, seed),
          { prefetch: () => Promise.reject(new Error('no helper')) },
        );
        const run = async (fn: AugmentFn) => {
          const trainer = new Trainer(config({ batchSize: 16 }), syntheticDataset(), fn);
          const losses: number[] = [];
          for (let i = 0; i < 6; i++) losses.push((await trainer.step()).loss);
          // A queued step after prefetching uses the batch drawn ahead: the sequence goes on.
          trainer.queueStep();
          losses.push(...(await trainer.drain()).map((r) => r.loss));
          losses.push((await trainer.step()).loss);
          const before = tf.memory().numTensors;
          for (let i = 0; i < 20; i++) await trainer.step();
          expect(tf.memory().numTensors).toBe(before);
          const weights = await Promise.all(
            trainer.variables.map(async (x) => Array.from(await x.data())),
          );
          trainer.dispose();
          return { losses, weights };
        };
        const a = await run(plain);
        const b = await run(prefetched);
        const c = await run(failing);
        expect(asked).toBeGreaterThan(20);
        for (const other of [b, c]) {
          other.losses.forEach((x, i) => expect(x).toBeCloseTo(a.losses[i]!, 5));
          other.weights.forEach((w, i) =>
            w.forEach((x, j) => expect(x).toBeCloseTo(a.weights[i]![j]!, 5)),
          );
        }
      } finally {
        await tf.setBackend('cpu');
      }
    },
  );

  test('a non-finite loss skips the update, says why, and keeps the weights', async () => {
    // All samples the same age: the threshold denominator is empty and the official loss is NaN.
    const dataset = syntheticDataset();
    dataset.train.attributes.age!.fill(40);
    const trainer = new Trainer(
      config({
        loss: { name: 'kernelized_supcon', method: 'threshold' },
        positives: { name: 'kernel', attribute: 'age' },
      }),
      dataset,
      noisyViews,
    );
    const before = await Promise.all(
      trainer.variables.map(async (v) => Array.from(await v.data())),
    );
    const result = await trainer.step();
    expect(result.applied).toBe(false);
    expect(result.error).toMatch(/not finite.*last good weights are kept/);
    const after = await Promise.all(trainer.variables.map(async (v) => Array.from(await v.data())));
    expect(after).toEqual(before);
    trainer.dispose();
  });

  test('queued steps (no read per step) give the losses and weights of plain steps, from one read', async () => {
    const dataset = syntheticDataset();
    const plain = new Trainer(config(), dataset, noisyViews);
    const queued = new Trainer(config(), dataset, noisyViews);
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) losses.push((await plain.step()).loss);
    for (let i = 0; i < 4; i++) queued.queueStep();
    expect(queued.queuedCount).toBe(4);
    const results = await queued.drain();
    expect(results.map((r) => r.step)).toEqual([1, 2, 3, 4]);
    expect(results.every((r) => r.applied)).toBe(true);
    results.forEach((r, i) => expect(r.loss).toBeCloseTo(losses[i]!, 4));
    expect(queued.stepCount).toBe(4);
    const [a, b] = await Promise.all(
      [plain, queued].map((t) =>
        Promise.all(t.variables.map(async (v) => Array.from(await v.data()))),
      ),
    );
    a!.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(b![i]![j]!, 4)));
    plain.dispose();
    queued.dispose();
  });

  test('a queued step that is not finite is not applied and is reported when read', async () => {
    const dataset = syntheticDataset();
    dataset.train.attributes.age!.fill(40);
    const trainer = new Trainer(
      config({
        loss: { name: 'kernelized_supcon', method: 'threshold' },
        positives: { name: 'kernel', attribute: 'age' },
      }),
      dataset,
      noisyViews,
    );
    const before = await Promise.all(
      trainer.variables.map(async (v) => Array.from(await v.data())),
    );
    trainer.queueStep();
    const [result] = await trainer.drain();
    expect(result!.applied).toBe(false);
    expect(result!.error).toMatch(/not finite.*last good weights are kept/);
    expect(trainer.stepCount).toBe(0);
    const after = await Promise.all(trainer.variables.map(async (v) => Array.from(await v.data())));
    expect(after).toEqual(before);
    trainer.dispose();
  });

  test('SepCLR trains two encoders on stratified batches', async () => {
    const trainer = new Trainer(
      config({
        loss: { name: 'sepclr', beta_salient: 1, beta_reg: 10, lambda_jem: 10 },
        positives: { name: 'views' },
        salientDim: 4,
      }),
      syntheticDataset(),
      noisyViews,
    );
    expect(trainer.salientEncoder).toBeDefined();
    const result = await trainer.step();
    expect(result.applied).toBe(true);
    expect(Number.isFinite(result.loss)).toBe(true);
    const embedded = await trainer.embed(trainer.dataset.test, 8);
    expect(embedded.salient?.length).toBe(8 * 4);
    trainer.dispose();
  });
});

describe('parseTrainingConfig', () => {
  test('names the bad field', () => {
    expect(() => config({ batchSize: 2 })).toThrow(/batchSize/);
    expect(() => config({ loss: { name: 'nope' } })).toThrow(
      /loss\.name: unknown loss 'nope' \(valid: nt_xent/,
    );
    expect(() => config({ loss: { name: 'supcon', temperature: -1 } })).toThrow(/temperature/);
    expect(() => config({ encoder: { name: 'rnn' } })).toThrow(/encoder/);
  });
});
