/** The vector check inside headless Chromium on the WebGPU backend, served by an in-process Vite. */
import type { CaseResult, VectorFile } from '../vectors/check';
import { openTestPage } from './browserPage';

export async function checkFilesInBrowser(
  files: VectorFile[],
  backend = 'webgpu',
): Promise<CaseResult[]> {
  const { page, errors, close } = await openTestPage('test/browser/vectors.html', [
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-backend-webgpu',
    'zod',
  ]);
  try {
    const { report, results } = await page.evaluate(
      ([f, b]) => window.runVectorCheck(f as VectorFile[], b as string),
      [files, backend] as const,
    );
    console.log(`browser backend: ${report.backend}; adapter: ${report.adapter}`);
    if (errors.length) console.error(`page errors: ${errors.join('; ')}`);
    return results;
  } finally {
    await close();
  }
}
