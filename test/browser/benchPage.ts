/** Runs the training-step benchmark inside the page on a chosen backend. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { benchCase, type BenchCase, type BenchResult } from '../../src/engine/benchmark';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

declare global {
  interface Window {
    runBench: (backend: string, cases: BenchCase[]) => Promise<BenchResult[]>;
  }
}

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

window.runBench = async (backend, cases) => {
  const ok = await tf.setBackend(backend);
  await tf.ready();
  if (!ok || tf.getBackend() !== backend) throw new Error(`backend '${backend}' did not start`);
  const results: BenchResult[] = [];
  for (const c of cases) results.push(await benchCase(c, { warmup: 1, steps: 3 }));
  return results;
};
document.getElementById('status')!.textContent = 'ready';
