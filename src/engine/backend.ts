/**
 * The backend ladder of the browser: WebGPU → WebGL → WASM → CPU, with the reason for the choice.
 * Asked for `auto`, a software adapter (SwiftShader, a fallback adapter) counts as a CPU: WASM is
 * faster than emulated WebGPU there. Asked for a backend by name, that one is tried first.
 */
import * as tf from '@tensorflow/tfjs-core';

import {
  BACKEND_LADDER,
  type BackendChoice,
  type BackendName,
  type BackendRequest,
} from '../contracts/backend';

export { BACKEND_LADDER, type BackendChoice, type BackendName, type BackendRequest };

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string };
  isFallbackAdapter?: boolean;
}

/** Describes the WebGPU adapter, or says why there is none. */
export async function probeWebGpu(): Promise<{
  available: boolean;
  software: boolean;
  description: string;
}> {
  const gpu = (
    globalThis.navigator as
      (Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }) | undefined
  )?.gpu;
  if (!gpu) return { available: false, software: false, description: 'navigator.gpu is missing' };
  const adapter = (await gpu.requestAdapter().catch(() => null)) as GpuAdapterLike | null;
  if (!adapter) return { available: false, software: false, description: 'no WebGPU adapter' };
  const info = adapter.info ?? {};
  const description =
    [info.vendor, info.architecture, info.description].filter(Boolean).join(' / ') ||
    'unknown adapter';
  const software =
    Boolean(adapter.isFallbackAdapter) || /swiftshader|llvmpipe|software/i.test(description);
  return { available: true, software, description };
}

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/** Picks and starts a backend; `skip` removes backends that failed before (e.g. a lost device). */
export async function chooseBackend(
  request: BackendRequest = 'auto',
  skip: BackendName[] = [],
): Promise<BackendChoice> {
  const registered = BACKEND_LADDER.filter((b) => tf.findBackendFactory(b) && !skip.includes(b));
  const gpu = registered.includes('webgpu') ? await probeWebGpu() : undefined;
  let order: BackendName[] = [...registered];
  let reason: string;
  if (request !== 'auto') {
    order = [request, ...registered.filter((b) => b !== request)];
    reason = `${request} was requested`;
  } else if (gpu?.available && gpu.software) {
    order = ['wasm', 'cpu', ...registered.filter((b) => b !== 'wasm' && b !== 'cpu')];
    reason = `the WebGPU adapter (${gpu.description}) is a software emulation, so WASM is faster`;
  } else if (gpu?.available) {
    reason = `WebGPU adapter: ${gpu.description}`;
  } else {
    reason = gpu ? `WebGPU unavailable (${gpu.description})` : 'WebGPU is not registered here';
  }
  const failed: string[] = [];
  for (const name of order) {
    if (!registered.includes(name)) continue;
    if (await tryBackend(name)) {
      const fell = failed.length ? `; ${failed.join(', ')} failed to start` : '';
      return { backend: name, reason: `${reason}${fell}`, adapter: gpu?.description };
    }
    failed.push(name);
  }
  throw new Error(`No TF.js backend could start (tried ${failed.join(', ') || 'none'}).`);
}

/** Resolves when the WebGPU device is lost (never, on other backends). */
export function onDeviceLost(callback: (message: string) => void): void {
  if (tf.getBackend() !== 'webgpu') return;
  const backend = tf.backend() as unknown as {
    device?: { lost?: Promise<{ message?: string; reason?: string }> };
  };
  backend.device?.lost?.then((info) =>
    callback(info.message || info.reason || 'the GPU device was lost'),
  );
}
