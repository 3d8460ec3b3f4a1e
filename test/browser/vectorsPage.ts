/** Runs the reference-vector check inside the page on a chosen backend (webgpu by default). */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { checkFiles, type CaseResult, type VectorFile } from '../../src/vectors/check';

interface AdapterReport {
  backend: string;
  adapter: string;
}

declare global {
  interface Window {
    runVectorCheck: (
      files: VectorFile[],
      backend: string,
    ) => Promise<{ report: AdapterReport; results: CaseResult[] }>;
  }
}

async function adapterDescription(): Promise<string> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'navigator.gpu missing';
  const adapter = (await gpu.requestAdapter()) as {
    info?: { vendor?: string; architecture?: string };
  } | null;
  if (!adapter) return 'no adapter';
  return `${adapter.info?.vendor ?? '?'} / ${adapter.info?.architecture ?? '?'}`;
}

window.runVectorCheck = async (files, backend) => {
  const ok = await tf.setBackend(backend);
  await tf.ready();
  if (!ok || tf.getBackend() !== backend)
    throw new Error(`backend '${backend}' did not start in this browser`);
  const report = {
    backend: tf.getBackend(),
    adapter: backend === 'webgpu' ? await adapterDescription() : '-',
  };
  return { report, results: await checkFiles(files) };
};
document.getElementById('status')!.textContent = 'ready';
