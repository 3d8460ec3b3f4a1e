/**
 * The training worker's backends: TF.js without the umbrella package (its layers, converter and
 * data parts are never used here, and the worker's script is on the way to the first plot), the
 * WASM binaries and threads, and the backend ladder's choice for a run. WebGPU (a quarter of the
 * rest) loads as a chunk of its own while the first data set downloads; WebGL (another quarter)
 * only when the ladder may reach it (registerBackendsFor).
 */
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  chooseBackend,
  probeWebGpu,
  type BackendName,
  type BackendRequest,
} from '../engine/backend';
import {
  configureWasmThreads,
  installWasmKernels,
  kernelPoolHelpersWanted,
  wasmThreadCount,
} from '../engine/wasmKernels';
import type { BackendChoice } from '../contracts/backend';
import { startKernelHelpers } from './kernelHelpers';
import { wasmThreadsFromName } from './protocol';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});
// Every core when the page is cross-origin isolated (COOP/COEP headers): the threaded SIMD build;
// fewer when the page asked this worker to share the cores (its name says how many: protocol.ts).
configureWasmThreads(setThreadsCount, wasmThreadsFromName((globalThis as { name?: string }).name));
installWasmKernels();

const webgpu: Promise<unknown> = import('@tensorflow/tfjs-backend-webgpu');
let webgl: Promise<unknown> | null = null;
const loadWebgl = () => (webgl ??= import('@tensorflow/tfjs-backend-webgl'));

/**
 * Registers WebGPU (always: the ladder's choice and its reason depend on the adapter), and WebGL
 * when the ladder may use it: asked for by name, or `auto` unless the WebGPU adapter is a software
 * one (then WASM and CPU come first and never both fail). `wasm` and `cpu` requests fall back to
 * each other.
 */
async function registerBackendsFor(request: BackendRequest): Promise<void> {
  await webgpu;
  if (request === 'wasm' || request === 'cpu') return;
  if (request === 'auto') {
    const gpu = await probeWebGpu();
    if (gpu.available && gpu.software) return;
  }
  await loadWebgl();
}

/**
 * Starts the best backend for `request` that has not failed in this worker; the reason says how
 * many threads WASM really got (1 without cross-origin isolation).
 */
export async function startBackend(
  request: BackendRequest,
  failed: BackendName[],
): Promise<BackendChoice> {
  await registerBackendsFor(request);
  const choice = await chooseBackend(request, failed);
  if (choice.backend !== 'wasm') return choice;
  const helpers = await startKernelHelpers();
  const threads = wasmThreadCount();
  // TF.js' own pool was set to one thread for the helpers: say so if they did not start.
  const missing = kernelPoolHelpersWanted() - helpers;
  const note =
    missing > 0 ? ` (${missing} helper thread${missing > 1 ? 's' : ''} did not start)` : '';
  return {
    ...choice,
    reason: `${choice.reason} WASM runs on ${threads} thread${threads > 1 ? 's' : ''}${note}.`,
  };
}

/** The next backend after a lost GPU device (WebGL may now be needed). */
export async function fallbackBackend(failed: BackendName[]): Promise<BackendChoice> {
  await loadWebgl();
  const choice = await chooseBackend('auto', failed);
  if (choice.backend === 'wasm') await startKernelHelpers();
  return choice;
}
