/**
 * What the tests of our WASM kernels share: the WASM backend with our kernels for the file's
 * tests (the CPU backend again after them), the backend's own kernel that ours replaced, called
 * directly, and the bits of float32 values (NaN payloads aside, where asked).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll } from 'vitest';
import { backendKernel, installWasmKernels } from '../../../src/engine/wasmKernels';

export function useWasmBackend(): void {
  beforeAll(async () => {
    installWasmKernels();
    await tf.setBackend('wasm');
    await tf.ready();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
}

/** The backend's own kernel `name` (the one ours replaced) on these inputs. */
export function runBackendKernel(
  name: string,
  inputs: Record<string, tf.Tensor | null>,
  attrs: object = {},
): tf.Tensor {
  const info = backendKernel(name)!({
    inputs: inputs as never,
    backend: tf.backend(),
    attrs: attrs as never,
  }) as TensorInfo;
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** The float32 bit patterns of the values. */
export const bits = (x: ArrayLike<number>) =>
  Array.from(new Uint32Array(Float32Array.from(x).buffer));
