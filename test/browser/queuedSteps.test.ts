/**
 * The guarded Adam update that lets a WebGPU step read nothing back (one fused kernel per output)
 * computes what the same rule computes with TF.js ops on the CPU backend, and a step flagged not
 * finite (NaN gradients) changes nothing (SwiftShader here).
 */
import { expect, test } from 'vitest';
import { openTestPage } from '../../src/cli/browserPage';

test('the fused guarded Adam kernel on WebGPU matches the CPU rule', async () => {
  const { page, errors, close } = await openTestPage('test/browser/bench.html', [
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-backend-webgpu',
    '@tensorflow/tfjs-backend-wasm',
    'zod',
  ]);
  try {
    const r = await page.evaluate(() => window.checkGuardedAdam('webgpu'));
    expect(r.fused).toBe(true);
    expect(r.maxMove).toBeGreaterThan(0.02); // three applied steps of lr 0.01
    expect(r.maxDifference).toBeLessThan(5e-6);
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
}, 300_000);
