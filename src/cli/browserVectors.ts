/** The vector check inside headless Chromium on the WebGPU backend, served by an in-process Vite. */
import { createServer } from 'vite';
import { launchChromium } from './chromium';
import type { CaseResult, VectorFile } from '../vectors/check';

export async function checkFilesInBrowser(
  files: VectorFile[],
  backend = 'webgpu',
): Promise<CaseResult[]> {
  const server = await createServer({
    configFile: false,
    root: process.cwd(),
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1', strictPort: false },
    optimizeDeps: {
      // Pre-bundle up front so the page never reloads halfway for a newly discovered dependency.
      entries: ['test/browser/vectors.html'],
      include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', 'zod'],
    },
  });
  await server.listen();
  const address = server.resolvedUrls?.local[0];
  const browser = await launchChromium();
  try {
    if (!address) throw new Error('the Vite server did not report its address');
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${address}test/browser/vectors.html`);
    await page.waitForFunction(
      () => document.getElementById('status')?.textContent === 'ready',
      null,
      {
        timeout: 120_000,
      },
    );
    const { report, results } = await page.evaluate(
      ([f, b]) => window.runVectorCheck(f as VectorFile[], b as string),
      [files, backend] as const,
    );
    console.log(`browser backend: ${report.backend}; adapter: ${report.adapter}`);
    if (errors.length) console.error(`page errors: ${errors.join('; ')}`);
    return results;
  } finally {
    await browser.close();
    await server.close();
  }
}
