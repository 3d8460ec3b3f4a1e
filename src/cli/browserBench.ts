/** The benchmark inside headless Chromium (WebGPU is SwiftShader here: CPU emulation, not a GPU figure). */
import type { BenchCase, BenchResult } from '../engine/benchmark';
import { openTestPage } from './browserPage';

export async function benchInBrowser(
  backend: string,
  cases: BenchCase[],
  threads = 1,
): Promise<BenchResult[]> {
  const { page, close } = await openTestPage('test/browser/bench.html', [
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-backend-webgpu',
    '@tensorflow/tfjs-backend-wasm',
    'zod',
  ]);
  try {
    return await page.evaluate(
      ([b, c, t]) => window.runBench(b as string, c as BenchCase[], t as number),
      [backend, cases, threads] as const,
    );
  } finally {
    await close();
  }
}
