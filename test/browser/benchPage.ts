/** Runs the training-step benchmark inside the page on a chosen backend. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { installWasmKernels } from '../../src/engine/wasmKernels';
import { benchCase, type BenchCase, type BenchResult } from '../../src/engine/benchmark';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

installWasmKernels();

declare global {
  interface Window {
    runBench: (backend: string, cases: BenchCase[], threads?: number) => Promise<BenchResult[]>;
  }
}

window.runBench = async (backend, cases, threads = 1) => {
  // One page per thread count: the WASM module picks its build and thread pool once.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1 && self.crossOriginIsolated);
  if (threads > 1) setThreadsCount(threads);
  const ok = await tf.setBackend(backend);
  await tf.ready();
  if (!ok || tf.getBackend() !== backend) throw new Error(`backend '${backend}' did not start`);
  const results: BenchResult[] = [];
  const used = backend === 'wasm' ? wasmThreads() : 1;
  for (const c of cases)
    results.push({ ...(await benchCase(c, { warmup: 1, steps: 3 })), threads: used });
  return results;
};
/** The thread pool the WASM module really started with (1 when the threaded build was not taken). */
function wasmThreads(): number {
  const wasm = (tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } })
    .wasm;
  return wasm?.tfjs?.getThreadsCount?.() ?? 1;
}

document.getElementById('status')!.textContent = 'ready';
