/**
 * The training-step benchmark shared by Node and the browser: the presets' encoders on random
 * 28×28 images, timed after a warm-up, reported as ms per step and samples per second. Random
 * pixels cost the same as real ones; only the shapes matter here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/types';
import { parseTrainingConfig } from '../contracts/trainingConfig';
import { Trainer } from './trainer';
import { SeededRandom } from '../ml/random';

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
  options: { warmup?: number; steps?: number; rounds?: number; dataset?: Dataset } = {},
): Promise<BenchResult> {
  const warmup = options.warmup ?? 3;
  const steps = options.steps ?? 10;
  const rounds = options.rounds ?? 1;
  const trainer = benchTrainer(c, options.dataset);
  try {
    for (let i = 0; i < warmup; i++) await trainer.step();
    // The best of `rounds` windows: other jobs on a shared machine only ever add time.
    let best = { ms: Infinity, cpu: undefined as number | undefined };
    for (let r = 0; r < rounds; r++) {
      const c0 = cpuMicros();
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) await trainer.step();
      const ms = (performance.now() - t0) / steps;
      const c1 = cpuMicros();
      const cpu = c0 !== undefined && c1 !== undefined ? (c1 - c0) / 1000 / steps : undefined;
      if (ms < best.ms) best = { ms, cpu };
    }
    return {
      backend: tf.getBackend(),
      name: c.name,
      batchSize: c.batchSize,
      views: trainer.config.views,
      msPerStep: best.ms,
      ...(best.cpu !== undefined ? { cpuMsPerStep: best.cpu } : {}),
      samplesPerSecond: (c.batchSize * trainer.config.views * 1000) / best.ms,
      steps,
    };
  } finally {
    trainer.dispose();
  }
}

/** The Trainer of a bench case: Adam, two identical views, random images. */
export function benchTrainer(c: BenchCase, dataset: Dataset = randomImageDataset()): Trainer {
  const config = parseTrainingConfig({
    dataset: { name: 'bench' },
    positives: { name: 'views' },
    optimizer: { name: 'adam', lr: 1e-3 },
    steps: 1_000_000,
    evalEvery: 1_000_000,
    seed: 1,
    views: 2,
    batchSize: c.batchSize,
    ...c.config,
  });
  return new Trainer(config, dataset);
}

/** What one training step asks of a GPU backend. */
export interface GpuStepCounts {
  name: string;
  batchSize: number;
  /** Kernel dispatches (compute passes recorded) of a queued step (Trainer.queueStep). */
  dispatches: number;
  /** GPU→CPU reads of a queued step (each one waits for the GPU to finish). */
  reads: number;
  /** CPU→GPU uploads of tensor data in a queued step. */
  uploads: number;
  /** Reads of the drain that returns the queued steps' losses (Trainer.drain). */
  drainReads: number;
  /** Reads of a plain step (Trainer.step: loss and finiteness read at once). */
  plainStepReads: number;
  /** Dispatches per shader kind, most first. */
  byShader: [string, number][];
}

/**
 * Counts dispatches, reads and uploads of one step on the current backend by wrapping the
 * WebGPU backend's methods (recordAndSubmit, getBufferData / readSync, uploadToGPU). Null when
 * the backend has none of them (not WebGPU).
 */
export async function countGpuStep(c: BenchCase, warmup = 2): Promise<GpuStepCounts | null> {
  const backend = tf.backend() as unknown as Record<string, unknown> & {
    tensorMap?: { get(id: unknown): { resource?: unknown } | undefined };
  };
  if (typeof backend.recordAndSubmit !== 'function') return null;
  const trainer = benchTrainer(c);
  let counts = { dispatches: 0, reads: 0, uploads: 0 };
  const shaders = new Map<string, number>();
  const wrapped: [string, unknown][] = [];
  const wrap = (method: string, count: (args: unknown[]) => void) => {
    const original = backend[method] as (...args: unknown[]) => unknown;
    if (typeof original !== 'function') return;
    wrapped.push([method, original]);
    backend[method] = function (this: unknown, ...args: unknown[]) {
      count(args);
      return original.apply(this, args);
    };
  };
  try {
    for (let i = 0; i < warmup; i++) trainer.queueStep();
    await trainer.drain();
    await trainer.step();
    wrap('recordAndSubmit', (args) => {
      counts.dispatches++;
      const key = String((args[0] as { shaderKey?: string }).shaderKey ?? '?').split('_')[0]!;
      shaders.set(key, (shaders.get(key) ?? 0) + 1);
    });
    wrap('getBufferData', () => counts.reads++);
    wrap('readSync', () => counts.reads++);
    wrap('uploadToGPU', (args) => {
      if (backend.tensorMap?.get(args[0])?.resource == null) counts.uploads++;
    });
    trainer.queueStep();
    const queued = counts;
    const byShader = [...shaders.entries()].sort((a, b) => b[1] - a[1]);
    counts = { dispatches: 0, reads: 0, uploads: 0 };
    await trainer.drain();
    const drainReads = counts.reads;
    counts = { dispatches: 0, reads: 0, uploads: 0 };
    await trainer.step();
    return {
      name: c.name,
      batchSize: c.batchSize,
      ...queued,
      drainReads,
      plainStepReads: counts.reads,
      byShader,
    };
  } finally {
    for (const [method, original] of wrapped) backend[method] = original;
    trainer.dispose();
  }
}

export interface KernelTime {
  kernel: string;
  ms: number;
  count: number;
}

/** Kernel times of one step of a bench case (Trainer built here). */
export async function profileStep(c: BenchCase): Promise<KernelTime[]> {
  const trainer = benchTrainer(c);
  try {
    return (await profileTrainerStep(trainer)).kernels;
  } finally {
    trainer.dispose();
  }
}

/**
 * One profiled step of a trainer (after one unprofiled): time per kernel, most first, and the
 * step's wall time, so that what is not in a kernel (JavaScript: augmentation, bookkeeping) shows.
 */
export async function profileTrainerStep(
  trainer: Trainer,
): Promise<{ kernels: KernelTime[]; stepMs: number }> {
  await trainer.step();
  const totals = new Map<string, { ms: number; count: number }>();
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await trainer.step();
  });
  const stepMs = performance.now() - t0;
  for (const k of info.kernels) {
    // Custom-gradient ops show as 'unnamed scope' with the time of the kernels inside them.
    if (k.name === 'unnamed scope') continue;
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const t = totals.get(k.name) ?? { ms: 0, count: 0 };
    totals.set(k.name, { ms: t.ms + ms, count: t.count + 1 });
  }
  const kernels = [...totals.entries()]
    .map(([kernel, t]) => ({ kernel, ...t }))
    .sort((a, b) => b.ms - a.ms);
  return { kernels, stepMs };
}

/** A training run to time in the browser: a scene's arm or a preset, by its full config. */
export interface SceneRun {
  /** `scene/arm` or the preset's id. */
  id: string;
  config: Record<string, unknown>;
}

/** Steps per second of a scene's arm (or a preset) with its own data set and augmentations. */
export interface SceneResult {
  id: string;
  batchSize: number;
  stepsPerSecond: number;
  backend: string;
  threads?: number;
  /** Whether a helper worker made the views (augment.prefetch). */
  prefetched?: boolean;
}

/** Times `steps` steps of a Trainer already built for a scene, after `warmup` steps. */
export async function benchScene(
  id: string,
  trainer: Trainer,
  steps = 5,
  warmup = 2,
  rounds = 2,
): Promise<SceneResult> {
  for (let i = 0; i < warmup; i++) await trainer.step();
  // The best of `rounds` windows, as for the cases: other jobs (and the GC) only ever add time.
  let seconds = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await trainer.step();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return {
    id,
    batchSize: trainer.config.batchSize,
    stepsPerSecond: steps / seconds,
    backend: tf.getBackend(),
  };
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
