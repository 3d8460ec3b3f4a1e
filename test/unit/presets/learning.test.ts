/**
 * Presets learn on a small budget (WASM, as the runner): the loss falls and the representation
 * beats the randomly initialised encoder on the metric the scenario is about.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { useNodeBackend } from '../../../src/cli/nodeBackend';
import { nodeDataSource } from '../../../src/data/nodeReader';
import { loadTrainingData } from '../../../src/engine/trainingData';
import { parseTrainingConfig } from '../../../src/contracts/trainingConfig';
import type { MetricsRecord } from '../../../src/contracts/metrics';
import { TrainingSession } from '../../../src/engine/session';
import { presetById } from '../../../src/presets';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

async function run(id: string, steps: number) {
  const raw = presetById(id).config as { dataset: Record<string, unknown> };
  const config = parseTrainingConfig({
    ...raw,
    dataset: { ...raw.dataset, nTrain: 1000, nTest: 400 },
    steps,
    evalEvery: steps,
    batchSize: 64,
    evaluation: { maxTrain: 1000, maxTest: 400, knnK: 10 },
  });
  const { dataset, augment } = await loadTrainingData(config, nodeDataSource(config.dataset));
  const losses: number[] = [];
  const session = new TrainingSession(config, dataset, augment, {
    progress: (_step, loss) => losses.push(loss),
  });
  const initial = (await session.evaluateNow()).metrics;
  await session.play();
  const final: MetricsRecord = session.history.at(-1)!;
  session.dispose();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { initial, final, firstLoss: mean(losses.slice(0, 5)), lastLoss: mean(losses.slice(-5)) };
}

describe('presets learn on a small budget', () => {
  for (const id of ['infonce-mnist', 'supcon-mnist', 'eps-supinfonce-mnist']) {
    test(`${id}: the loss falls and kNN accuracy beats the random encoder`, async () => {
      const r = await run(id, 60);
      expect(r.lastLoss).toBeLessThan(r.firstLoss);
      expect(r.final.knnAccuracy!).toBeGreaterThan(r.initial.knnAccuracy! + 0.02);
    }, 300_000);
  }

  test('fairkl-colored-mnist: beats the random encoder on the unbiased test set and on conflicting samples', async () => {
    const r = await run('fairkl-colored-mnist', 60);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(r.final.linearProbeAccuracy!).toBeGreaterThan(r.initial.linearProbeAccuracy! + 0.02);
    expect(r.final.biasConflictingAccuracy!).toBeGreaterThan(
      r.initial.biasConflictingAccuracy! + 0.02,
    );
  }, 300_000);

  for (const id of ['yaware-brain-age', 'kernel-regression-brain-age']) {
    test(`${id}: the loss falls and age is read from the embedding better than from the random encoder`, async () => {
      const r = await run(id, 60);
      expect(r.lastLoss).toBeLessThan(r.firstLoss);
      expect(r.final.regressionMAE!).toBeLessThan(r.initial.regressionMAE! * 0.95);
    }, 600_000);
  }

  test('decoupled-uniformity-shapes: the loss falls and the shape attributes are read better', async () => {
    const r = await run('decoupled-uniformity-shapes', 60);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(r.final.regressionR2!).toBeGreaterThan(r.initial.regressionR2! + 0.02);
  }, 300_000);

  test('decoupled-uniformity-vae-shapes: the VAE prior trains, the loss falls and the shape attributes are read better', async () => {
    const r = await run('decoupled-uniformity-vae-shapes', 60);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    // The regression target is the data set's first attribute (scale), not a VAE latent.
    expect(r.final.regressionR2!).toBeGreaterThan(r.initial.regressionR2! + 0.02);
  }, 300_000);

  test('sepclr-brain-mri: the salient space sheds the site, a common factor', async () => {
    const r = await run('sepclr-brain-mri', 60);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(r.final.salientProbe!.site!).toBeLessThan(r.initial.salientProbe!.site! - 0.1);
  }, 600_000);

  test('sepclr-digits-on-fashion: the salient space learns the digit, the target-specific factor', async () => {
    const r = await run('sepclr-digits-on-fashion', 60);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(r.final.salientProbe!.digit!).toBeGreaterThan(r.initial.salientProbe!.digit! + 0.1);
  }, 300_000);
});
