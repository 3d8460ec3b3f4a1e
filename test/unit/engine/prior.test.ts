/**
 * The VAE prior of decoupled uniformity (src/models/vae.ts, src/engine/prior.ts) on WASM, as the
 * runner: the ELBO falls, the KL and reconstruction terms match naive formulas, the latent means are
 * finite, standardised, deterministic for a seed and informative about the shapes' factors, no
 * tensor leaks, and the preset trains.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { useNodeBackend } from '../../../src/cli/nodeBackend';
import { nodeDataSource } from '../../../src/data/nodeReader';
import { loadTrainingData } from '../../../src/engine/trainingData';
import { parseTrainingConfig, type TrainingConfig } from '../../../src/contracts/trainingConfig';
import { loadDataset, type Dataset } from '../../../src/data';
import { nodeReader } from '../../../src/data/nodeReader';
import { vaeAttributeNames, withVaePrior, type PriorSummary } from '../../../src/engine/prior';
import { Trainer } from '../../../src/engine/trainer';
import { ridgeRegression } from '../../../src/ml/metrics/regression';
import { bernoulliReconstruction, createVae, gaussianKl, trainVae } from '../../../src/models/vae';
import { presetById } from '../../../src/presets';

const PRESET = 'decoupled-uniformity-vae-shapes';
const PRIOR = { name: 'vae', latentDim: 8, steps: 150, batchSize: 64, lr: 0.003, beta: 1 };
const K = PRIOR.latentDim;

let shapes: Dataset;

function presetConfig(overrides: Record<string, unknown> = {}): TrainingConfig {
  const raw = presetById(PRESET).config as { dataset: Record<string, unknown> };
  return parseTrainingConfig({
    ...raw,
    dataset: { ...raw.dataset, nTrain: 512, nTest: 256 },
    prior: PRIOR,
    batchSize: 32,
    ...overrides,
  });
}

beforeAll(async () => {
  await useNodeBackend('wasm');
  shapes = (await loadDataset({ name: 'shapes', seed: 1, nTrain: 512, nTest: 256 }, nodeReader()))
    .dataset;
});

describe('VAE terms', () => {
  test('the KL is ≥ 0, 0 at the prior, and matches ½Σ(σ² + μ² − 1 − log σ²) on a hand-built posterior', async () => {
    const mean = [
      [0, 0, 0],
      [1, -2, 0.5],
      [0.3, 0, -1],
    ];
    const logVar = [
      [0, 0, 0],
      [0.5, -1, 2],
      [-3, 0.2, 0],
    ];
    const kl = gaussianKl(tf.tensor2d(mean), tf.tensor2d(logVar));
    const got = Array.from(await kl.data());
    kl.dispose();
    const naive = mean.map((m, i) =>
      m.reduce((s, mu, j) => {
        const lv = logVar[i]![j]!;
        return s + 0.5 * (Math.exp(lv) + mu * mu - 1 - lv);
      }, 0),
    );
    expect(got[0]).toBeCloseTo(0, 6);
    for (let i = 0; i < 3; i++) {
      expect(got[i]).toBeGreaterThanOrEqual(0);
      expect(got[i]).toBeCloseTo(naive[i]!, 4);
    }
  });

  test('the reconstruction term is the binary cross-entropy −Σ x log p + (1 − x) log(1 − p), finite for large logits', async () => {
    const logits = [
      [0, 2, -3, 40],
      [-40, 0.5, 1, -0.2],
    ];
    const x = [
      [0, 1, 0.25, 1],
      [0, 0.5, 1, 0],
    ];
    const r = bernoulliReconstruction(tf.tensor2d(logits), tf.tensor2d(x));
    const got = Array.from(await r.data());
    r.dispose();
    const naive = logits.map((row, i) =>
      row.reduce((s, l, j) => {
        const t = x[i]![j]!;
        const logP = -Math.log1p(Math.exp(-l)); // log σ(l)
        const log1mP = -Math.log1p(Math.exp(l)); // log(1 − σ(l))
        return s - (t * logP + (1 - t) * log1mP);
      }, 0),
    );
    for (let i = 0; i < 2; i++) expect(got[i]).toBeCloseTo(naive[i]!, 4);
  });
});

describe('VAE on shapes (WASM)', () => {
  test('the ELBO falls (training batches and held-out images), and nothing leaks', async () => {
    const shape = shapes.info.imageShape;
    const before = tf.memory().numTensors;
    const untrained = createVae(shape, K, 99);
    const initial = await untrained.evaluate(shapes.test.images, 1, 5);
    untrained.dispose();
    const { vae, history } = await trainVae({ data: shapes.train.images, shape }, PRIOR, 3);
    const trained = await vae.evaluate(shapes.test.images, 1, 5);
    const means = await vae.encodeMeans(shapes.test.images);
    const z = tf.tensor2d(means.subarray(0, 4 * K), [4, K]);
    const pixels = vae.decode(z);
    const values = await pixels.data();
    tf.dispose([z, pixels]);
    vae.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(history).toHaveLength(PRIOR.steps);
    const first = mean(history.slice(0, 10).map((h) => h.loss));
    const last = mean(history.slice(-10).map((h) => h.loss));
    expect(last).toBeLessThan(0.3 * first);
    expect(trained.loss).toBeLessThan(0.3 * initial.loss);
    expect(trained.kl).toBeGreaterThan(0);
    expect(trained.loss).toBeCloseTo(trained.reconstruction + trained.kl, 2);
    expect(Array.from(means).every(Number.isFinite)).toBe(true);
    expect(Array.from(values).every((v) => v >= 0 && v <= 1)).toBe(true);
  }, 60_000);

  test('withVaePrior: standardised, finite, informative latent attributes on train and test; the input is untouched', async () => {
    const config = presetConfig();
    const attributesBefore = Object.keys(shapes.train.attributes);
    let summary: PriorSummary | undefined;
    const tensors = tf.memory().numTensors;
    const out = await withVaePrior(shapes, config, { onSummary: (s) => (summary = s) });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Object.keys(shapes.train.attributes)).toEqual(attributesBefore);
    expect(shapes.info.attributes.map((a) => a.name)).toEqual(['scale', 'rotation', 'x', 'y']);

    const names = vaeAttributeNames(K);
    expect(names).toEqual(['vae0', 'vae1', 'vae2', 'vae3', 'vae4', 'vae5', 'vae6', 'vae7']);
    expect(out.info.attributes.map((a) => a.name)).toEqual([
      'scale',
      'rotation',
      'x',
      'y',
      ...names,
    ]);
    // The latents are flagged as learnt features, the data set's own attributes are not.
    expect(out.info.attributes.map((a) => a.learnt === true)).toEqual([
      ...[false, false, false, false],
      ...names.map(() => true),
    ]);
    expect(out.train.images).toBe(shapes.train.images);
    expect(summary!.lastLoss).toBeLessThan(summary!.firstLoss);
    // At this budget every latent dimension is active on shapes.
    expect(summary!.active.every(Boolean)).toBe(true);
    for (const name of names) {
      const train = out.train.attributes[name]!;
      const test = out.test.attributes[name]!;
      expect(train).toHaveLength(512);
      expect(test).toHaveLength(256);
      expect([...train, ...test].every(Number.isFinite)).toBe(true);
      const m = train.reduce((a, b) => a + b, 0) / train.length;
      const sd = Math.sqrt(train.reduce((a, b) => a + (b - m) ** 2, 0) / train.length);
      expect(Math.abs(m)).toBeLessThan(1e-4);
      expect(sd).toBeCloseTo(1, 3);
    }

    // Informative: a ridge regression from the 8 latent means (fitted on train) predicts the
    // position and the scale on test; rotation (periodic, symmetric shapes) is not linear in them.
    const rows = (split: Dataset['train']) => {
      const x = new Float32Array(split.n * K);
      names.forEach((name, j) =>
        split.attributes[name]!.forEach((v, i) => {
          x[i * K + j] = v;
        }),
      );
      return x;
    };
    const r2 = (attribute: string) =>
      ridgeRegression(
        rows(out.train),
        out.train.attributes[attribute]!,
        rows(out.test),
        out.test.attributes[attribute]!,
        K,
      ).r2;
    expect(r2('x')).toBeGreaterThan(0.5);
    expect(r2('y')).toBeGreaterThan(0.5);
    expect(r2('scale')).toBeGreaterThan(0.2);
  }, 60_000);

  test('deterministic for a seed, different for another', async () => {
    const quick = { ...PRIOR, steps: 10 };
    const a = await withVaePrior(shapes, presetConfig({ prior: quick }));
    const b = await withVaePrior(shapes, presetConfig({ prior: quick }));
    const c = await withVaePrior(shapes, presetConfig({ prior: quick, seed: 2 }));
    for (const name of vaeAttributeNames(K)) {
      expect(b.train.attributes[name]).toEqual(a.train.attributes[name]);
      expect(b.test.attributes[name]).toEqual(a.test.attributes[name]);
    }
    expect(c.train.attributes.vae0).not.toEqual(a.train.attributes.vae0);
  }, 60_000);

  test('without a prior the data set comes back unchanged; a kernel prior without attributes is named', async () => {
    const plain = parseTrainingConfig({
      ...presetConfig(),
      prior: undefined,
    });
    await expect(withVaePrior(shapes, plain)).resolves.toBe(shapes);
    const unnamed = presetConfig({ positives: { name: 'kernel' } });
    await expect(withVaePrior(shapes, unnamed)).rejects.toThrow(/positives\.attribute/);
  });
});

describe(`preset ${PRESET}`, () => {
  test('parses, names the VAE attributes as its prior, and one decoupled-uniformity step has a finite loss', async () => {
    const raw = parseTrainingConfig(presetById(PRESET).config);
    expect(raw.prior?.name).toBe('vae');
    expect(raw.loss.name).toBe('decoupled_uniformity');
    expect(raw.kernel?.name).toBe('rbf');
    expect(raw.positives.attribute).toEqual(vaeAttributeNames(raw.prior!.latentDim));

    const config = presetConfig({ prior: { ...raw.prior, steps: 20 } });
    const { dataset, augment } = await loadTrainingData(config, nodeDataSource(config.dataset));
    expect(dataset.train.attributes.vae7).toHaveLength(512);
    const trainer = new Trainer(config, dataset, augment);
    const result = await trainer.step();
    trainer.dispose();
    expect(result.applied).toBe(true);
    expect(Number.isFinite(result.loss)).toBe(true);
  }, 60_000);
});
