/** Runs the training-step benchmark inside the page on a chosen backend. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  configureWasmThreads,
  installWasmKernels,
  wasmThreadCount,
} from '../../src/engine/wasmKernels';
import { TrainingOptimizer } from '../../src/engine/optimizer';
import {
  BENCH_CASES,
  benchCase,
  benchScene,
  countGpuStep,
  profileTrainerStep,
  benchTrainer,
  type KernelTime,
  type BenchCase,
  type BenchResult,
  type GpuStepCounts,
  type SceneResult,
  type SceneRun,
} from '../../src/engine/benchmark';
import { parseTrainingConfig } from '../../src/contracts/trainingConfig';
import { Trainer } from '../../src/engine/trainer';
import { browserDataSource } from '../../src/data/browserReader';
import { loadTrainingData, type TrainingData } from '../../src/engine/trainingData';
import { withHelperWorker } from '../../src/worker/augmentPrefetch';
import { startKernelHelpers } from '../../src/worker/kernelHelpers';
import { kernelPoolOf } from '../../src/engine/simd/kernelPool';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});
installWasmKernels();
// The thread count is fixed when the WASM module starts (the first tensor anywhere may start it):
// it comes from the page's address (?threads=N, default 1), before anything else runs.
const requested = Number(new URLSearchParams(location.search).get('threads') ?? '1');
configureWasmThreads(setThreadsCount, requested);

/** The same steps with our kernels split among threads and on the calling thread alone. */
interface KernelPoolCheck {
  threads: number;
  helpers: number;
  /** TF.js' own pool (one thread: the other cores are the kernel pool's). */
  tfjsThreads: number;
  /** Chunks the helpers ran during the pooled steps. */
  helperChunks: number;
  pooled: { losses: number[]; weights: number[] };
  alone: { losses: number[]; weights: number[] };
}

declare global {
  interface Window {
    checkKernelPool: (caseIndex: number, steps: number) => Promise<KernelPoolCheck>;
    runBench: (backend: string, cases: BenchCase[]) => Promise<BenchResult[]>;
    countGpu: (cases: BenchCase[]) => Promise<GpuStepCounts[]>;
    runScenes: (runs: SceneRun[], steps: number) => Promise<SceneResult[]>;
    profileRuns: (
      cases: BenchCase[],
      runs: SceneRun[],
      repeats: number,
    ) => Promise<{ id: string; threads: number; stepMs: number; kernels: KernelTime[] }[]>;
    checkGuardedAdam: (
      backend: string,
    ) => Promise<{ fused: boolean; maxDifference: number; maxMove: number }>;
  }
}

async function useBackend(backend: string): Promise<void> {
  const ok = await tf.setBackend(backend);
  await tf.ready();
  if (!ok || tf.getBackend() !== backend) throw new Error(`backend '${backend}' did not start`);
  // The page's other threads: the kernel pool's helpers, as in the training worker.
  if (backend === 'wasm') await startKernelHelpers();
}

window.runBench = async (backend, cases) => {
  await useBackend(backend);
  const threads = backend === 'wasm' ? wasmThreadCount() : 1;
  const results: BenchResult[] = [];
  // WASM steps are short: more timing windows, the best of them (load only ever adds time).
  const rounds = backend === 'wasm' ? 5 : 2;
  for (const c of cases)
    results.push({ ...(await benchCase(c, { warmup: 1, steps: 3, rounds })), threads });
  return results;
};

window.countGpu = async (cases) => {
  await useBackend('webgpu');
  const out: GpuStepCounts[] = [];
  for (const c of cases) {
    const counts = await countGpuStep(c);
    if (counts) out.push(counts);
  }
  return out;
};

// Kernel times of a step on WASM, for bench cases and scene runs (the median step of `repeats`).
window.profileRuns = async (cases, runs, repeats) => {
  await useBackend('wasm');
  const dataUrl = new URL('/data/', location.href).href;
  const out: { id: string; threads: number; stepMs: number; kernels: KernelTime[] }[] = [];
  const profile = async (id: string, trainer: Trainer) => {
    try {
      const all = [];
      for (let i = 0; i < repeats; i++) all.push(await profileTrainerStep(trainer));
      all.sort((a, b) => a.stepMs - b.stepMs);
      out.push({ id, threads: wasmThreadCount(), ...all[Math.floor(all.length / 2)]! });
    } finally {
      trainer.dispose();
    }
  };
  for (const c of cases) await profile(`${c.name} @${c.batchSize}`, benchTrainer(c));
  for (const run of runs) {
    const config = parseTrainingConfig(run.config);
    const { dataset, augment } = await loadTrainingData(
      config,
      browserDataSource(config.dataset.name, dataUrl),
    );
    await profile(run.id, new Trainer(config, dataset, withHelperWorker(augment, dataset, config)));
  }
  return out;
};

window.runScenes = async (runs, steps) => {
  await useBackend('wasm');
  const dataUrl = new URL('/data/', location.href).href;
  const out: SceneResult[] = [];
  // Arms of a scene share their data set: load it once.
  const datasets = new Map<string, TrainingData>();
  for (const run of runs) {
    const config = parseTrainingConfig(run.config);
    const key = JSON.stringify([config.dataset, config.seed, config.prior ?? null]);
    let data = datasets.get(key);
    if (!data) {
      datasets.clear();
      data = await loadTrainingData(config, browserDataSource(config.dataset.name, dataUrl));
      datasets.set(key, data);
    }
    const { dataset } = data;
    const augment = withHelperWorker(data.augment, dataset, config);
    // Count the views the helper worker delivered (a failed helper falls back silently).
    let helped = 0;
    const prefetch = augment.prefetch;
    if (prefetch)
      augment.prefetch = (...args) =>
        prefetch(...args).then((views) => {
          helped++;
          return views;
        });
    const trainer = new Trainer(config, dataset, augment);
    try {
      const result = await benchScene(run.id, trainer, steps);
      out.push({ ...result, threads: wasmThreadCount(), prefetched: helped > 0 });
    } finally {
      trainer.dispose();
    }
  }
  return out;
};

// The guarded Adam update on a backend (fused kernel on WebGPU) against the same rule on the CPU
// backend (TF.js ops), on fixed weights and gradients: steps with ok = 1, 0 (NaN gradients), 1.
window.checkGuardedAdam = async (backend) => {
  const run = async (name: string) => {
    await useBackend(name);
    const size = 1000;
    const values = (k: number) =>
      Float32Array.from({ length: size }, (_, i) => Math.sin(i * k) * 0.1);
    const v = tf.variable(tf.tensor(values(1.3), [10, 100]), true, `w_${name}_${Math.random()}`);
    const optimizer = new TrainingOptimizer({ name: 'adam', lr: 0.01 });
    for (const [step, ok] of [
      [0, 1],
      [1, 0],
      [2, 1],
      [3, 1],
    ] as const) {
      const g = tf.tensor(values(2.1 + step), [10, 100]);
      const bad = ok ? g : tf.mul(g, NaN);
      const flag = tf.scalar(ok);
      optimizer.applyIf([v], [bad], flag);
      tf.dispose([g, bad, flag]);
    }
    const out = Array.from(await v.data());
    optimizer.dispose();
    v.dispose();
    return out;
  };
  const mine = await run(backend);
  const reference = await run('cpu');
  const fused = !!tf.getKernel('ContrastivePlaygroundAdamIf', backend);
  return {
    fused,
    maxDifference: Math.max(...mine.map((x, i) => Math.abs(x - reference[i]!))),
    maxMove: Math.max(...reference.map((x, i) => Math.abs(x - Math.sin(i * 1.3) * 0.1))),
  };
};

window.checkKernelPool = async (caseIndex, steps) => {
  await useBackend('wasm');
  const c = BENCH_CASES[caseIndex]!;
  const train = async () => {
    const trainer = benchTrainer(c);
    try {
      const losses: number[] = [];
      for (let i = 0; i < steps; i++) losses.push((await trainer.step()).loss);
      const weights: number[] = [];
      for (const v of trainer.variables) for (const x of await v.data()) weights.push(x);
      return { losses, weights };
    } finally {
      trainer.dispose();
    }
  };
  const backend = tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number } } };
  const tfjsThreads = backend.wasm.tfjs.getThreadsCount();
  const pool = kernelPoolOf(tf.backend());
  const threads = wasmThreadCount();
  const before = pool?.helperChunks() ?? 0;
  const pooled = await train();
  const helperChunks = (pool?.helperChunks() ?? 0) - before;
  pool?.stop();
  const alone = await train();
  return { threads, helpers: pool?.helpers ?? 0, tfjsThreads, helperChunks, pooled, alone };
};

document.getElementById('status')!.textContent = 'ready';
