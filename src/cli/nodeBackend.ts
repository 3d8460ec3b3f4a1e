/** Backends for Node: tfjs (cpu, with every gradient registered) and wasm (with our faster kernels). */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installWasmKernels } from '../engine/wasmKernels';

export type NodeBackend = 'cpu' | 'wasm';

installWasmKernels();

export async function useNodeBackend(name: NodeBackend): Promise<void> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`could not start the '${name}' backend`);
}
