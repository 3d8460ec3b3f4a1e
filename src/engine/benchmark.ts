/**
 * The training-step benchmark shared by Node and the browser: the presets' encoders on random
 * 28×28 images, timed after a warm-up, reported as ms per step and samples per second. Random
 * pixels cost the same as real ones; only the shapes matter here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/types';
import { parseTrainingConfig } from '../contracts/trainingConfig';
import { Trainer } from './trainer';
import { SeededRandom } from '../models/random';

export interface BenchCase {
  name: string;
  /** Partial training config: encoder, loss, embeddingDim. */
  config: Record<string, unknown>;
  batchSize: number;
}

export interface BenchResult {
  backend: string;
  name: string;
  batchSize: number;
  views: number;
  msPerStep: number;
  /** Process CPU time per step (Node only): steadier than wall time on a shared machine. */
  cpuMsPerStep?: number;
  samplesPerSecond: number;
  steps: number;
  /** WASM thread pool size (1 elsewhere). */
  threads?: number;
}

export const BENCH_CASES: BenchCase[] = [64, 256].flatMap((batchSize) => [
  {
    name: 'InfoNCE, MLP 784-256 → head 256-64',
    config: {
      encoder: { name: 'mlp', hidden: [256], projectionHidden: 256 },
      embeddingDim: 64,
      loss: { name: 'nt_xent', temperature: 0.1 },
    },
    batchSize,
  },
  {
    name: 'SupCon, MLP 784-256-128 → head 128-16 (presets)',
    config: {
      encoder: { name: 'mlp', hidden: [256, 128], projectionHidden: 128 },
      embeddingDim: 16,
      loss: { name: 'supcon', temperature: 0.1 },
      positives: { name: 'class' },
    },
    batchSize,
  },
  {
    name: 'SupCon, CNN 16-32 → 128 → head 128-16 (presets)',
    config: {
      encoder: { name: 'cnn', channels: [16, 32], representation: 128, projectionHidden: 128 },
      embeddingDim: 16,
      loss: { name: 'supcon', temperature: 0.1 },
      positives: { name: 'class' },
    },
    batchSize,
  },
]);

export function randomImageDataset(n = 1024, side = 28, seed = 0): Dataset {
  const rng = new SeededRandom(seed);
  const images = Float32Array.from({ length: n * side * side }, () => rng.next());
  const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
  const split = { n, images, labels: { class: labels }, attributes: {}, flags: {} };
  return {
    info: {
      id: 'bench',
      title: 'random images',
      description: 'benchmark input',
      source: 'generated',
      licence: 'n/a',
      imageShape: { height: side, width: side, channels: 1 },
      labels: [{ name: 'class', classNames: Array.from({ length: 10 }, (_, i) => String(i)) }],
      attributes: [],
      classLabel: 'class',
      hasTargetFlag: false,
    },
    train: split,
    test: split,
  };
}

/** User + system CPU time of this process in µs, where the platform tells it (Node). */
function cpuMicros(): number | undefined {
  const p = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } })
    .process;
  const usage = p?.cpuUsage?.();
  return usage ? usage.user + usage.system : undefined;
}

/** Times `steps` training steps after `warmup` steps on the current backend. */
export async function benchCase(
  c: BenchCase,
  options: { warmup?: number; steps?: number; dataset?: Dataset } = {},
): Promise<BenchResult> {
  const warmup = options.warmup ?? 3;
  const steps = options.steps ?? 10;
  const config = parseTrainingConfig({
    dataset: { name: 'bench' },
    positives: { name: 'views' },
    optimizer: { name: 'adam', lr: 1e-3 },
    steps: warmup + steps,
    evalEvery: 1_000_000,
    seed: 1,
    views: 2,
    batchSize: c.batchSize,
    ...c.config,
  });
  const trainer = new Trainer(config, options.dataset ?? randomImageDataset());
  try {
    for (let i = 0; i < warmup; i++) await trainer.step();
    const c0 = cpuMicros();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await trainer.step();
    const ms = (performance.now() - t0) / steps;
    const c1 = cpuMicros();
    return {
      backend: tf.getBackend(),
      name: c.name,
      batchSize: c.batchSize,
      views: config.views,
      msPerStep: ms,
      ...(c0 !== undefined && c1 !== undefined ? { cpuMsPerStep: (c1 - c0) / 1000 / steps } : {}),
      samplesPerSecond: (c.batchSize * config.views * 1000) / ms,
      steps,
    };
  } finally {
    trainer.dispose();
  }
}

/** The kernels that take the time in one step, from tf.profile (for finding where to optimise). */
export async function profileStep(c: BenchCase): Promise<{ kernel: string; ms: number }[]> {
  const config = parseTrainingConfig({
    dataset: { name: 'bench' },
    positives: { name: 'views' },
    optimizer: { name: 'adam', lr: 1e-3 },
    steps: 2,
    evalEvery: 1_000_000,
    seed: 1,
    views: 2,
    batchSize: c.batchSize,
    ...c.config,
  });
  const trainer = new Trainer(config, randomImageDataset());
  await trainer.step();
  const totals = new Map<string, number>();
  const info = await tf.profile(async () => {
    await trainer.step();
  });
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    totals.set(k.name, (totals.get(k.name) ?? 0) + ms);
  }
  trainer.dispose();
  return [...totals.entries()].map(([kernel, ms]) => ({ kernel, ms })).sort((a, b) => b.ms - a.ms);
}

export function benchTable(results: BenchResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.batchSize}×${r.views} | ${r.backend} | ${r.msPerStep.toFixed(1)} | ${r.samplesPerSecond.toFixed(0)} |`,
  );
  return [
    '| model and loss | batch | backend | ms/step | samples/s |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
