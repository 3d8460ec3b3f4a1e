/**
 * Starts the kernel pool's helper threads (engine/simd/kernelPool.ts) for the WASM backend that is
 * running: one per thread asked for beyond the first (configureWasmThreads), when the heap is
 * shared (threaded build, a cross-origin isolated page). Resolves to the number of helpers that
 * started (0: our kernels stay on the training thread).
 */
import * as tf from '@tensorflow/tfjs-core';
import { startKernelPool, type HelperThread } from '../engine/simd/kernelPool';
import { kernelPoolHelpersWanted } from '../engine/wasmKernels';

export async function startKernelHelpers(): Promise<number> {
  const wanted = kernelPoolHelpersWanted();
  if (tf.getBackend() !== 'wasm' || typeof Worker === 'undefined' || wanted < 1) return 0;
  const pool = await startKernelPool(
    tf.backend(),
    wanted,
    () =>
      new Worker(new URL('./kernelPool.worker.ts', import.meta.url), {
        type: 'module',
      }) as unknown as HelperThread,
  );
  return pool?.helpers ?? 0;
}
