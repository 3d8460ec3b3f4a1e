/**
 * The benchmark inside headless Chromium (WebGPU is SwiftShader here: CPU emulation, not a GPU
 * figure). One page per call: the WASM thread count is fixed when the page starts.
 */
import type {
  BenchCase,
  BenchResult,
  GpuStepCounts,
  KernelTime,
  SceneResult,
  SceneRun,
} from '../engine/benchmark';
import { openTestPage, type OpenPage } from './browserPage';

const DEPS = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-backend-wasm',
  'zod',
];

async function withPage<T>(threads: number, f: (page: OpenPage['page']) => Promise<T>): Promise<T> {
  const { page, close } = await openTestPage(`test/browser/bench.html?threads=${threads}`, DEPS);
  try {
    return await f(page);
  } finally {
    await close();
  }
}

export function benchInBrowser(
  backend: string,
  cases: BenchCase[],
  threads = 1,
): Promise<BenchResult[]> {
  return withPage(threads, (page) =>
    page.evaluate(([b, c]) => window.runBench(b as string, c as BenchCase[]), [
      backend,
      cases,
    ] as const),
  );
}

/** Dispatches, reads and uploads of one WebGPU step per case. */
export function countGpuInBrowser(cases: BenchCase[]): Promise<GpuStepCounts[]> {
  return withPage(1, (page) => page.evaluate((c) => window.countGpu(c), cases));
}

/** Steps per second of each run (a scene's arm, a preset) on WASM with its own data and augmentations. */
export function scenesInBrowser(
  runs: SceneRun[],
  steps: number,
  threads: number,
): Promise<SceneResult[]> {
  return withPage(threads, (page) =>
    page.evaluate(([r, s]) => window.runScenes(r as SceneRun[], s as number), [
      runs,
      steps,
    ] as const),
  );
}

/** Kernel times of a WASM step with `threads` threads, for bench cases and scene runs. */
export function profileInBrowser(
  cases: BenchCase[],
  runs: SceneRun[],
  threads: number,
  repeats = 3,
): Promise<{ id: string; threads: number; stepMs: number; kernels: KernelTime[] }[]> {
  return withPage(threads, (page) =>
    page.evaluate(
      ([c, r, n]) => window.profileRuns(c as BenchCase[], r as SceneRun[], n as number),
      [cases, runs, repeats] as const,
    ),
  );
}
