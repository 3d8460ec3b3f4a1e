/**
 * A helper thread of the kernel pool (engine/simd/kernelPool.ts): it instantiates our SIMD kernels
 * on the WASM backend's shared heap and then runs chunks of the jobs the training thread posts, for
 * as long as it lives (engine/simd/kernelJobs.ts serveJobs). No TF.js here.
 */
import { controlBlock, serveJobs } from '../engine/simd/kernelJobs';
import type { KernelHelperReply, KernelHelperStart } from '../engine/simd/kernelPool';
import { simdKernelsOn } from '../engine/simd/simdKernels';
import { dedicatedWorkerScope } from './workerScope';

const scope = dedicatedWorkerScope();
scope?.addEventListener('message', (event) => {
  const { memory, control } = event.data as KernelHelperStart;
  const reply = (message: KernelHelperReply) => scope.postMessage(message, []);
  const kernels = simdKernelsOn(memory);
  reply({ ready: kernels !== undefined });
  if (kernels)
    serveJobs(kernels, controlBlock(control), (error) => reply({ error: String(error) }));
});
