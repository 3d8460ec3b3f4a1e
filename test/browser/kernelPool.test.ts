/**
 * The kernel pool on threaded WASM (engine/simd/kernelPool.ts) in Chromium: with two threads TF.js
 * runs on one and a helper runs part of our kernels' work (products, convolutions, filter
 * gradients), and the training it takes part in is the training without it, bit for bit.
 */
import { expect, test } from 'vitest';
import { openTestPage } from '../../src/cli/browserPage';
import { BENCH_CASES } from '../../src/engine/benchmark';

test.each([0, 2].map((i) => [BENCH_CASES[i]!.name, BENCH_CASES[i]!.batchSize, i] as const))(
  '%s at %i × 2: a helper runs chunks, and losses and weights equal those without the pool',
  async (_name, _batch, caseIndex) => {
    const { page, errors, close } = await openTestPage('test/browser/bench.html?threads=2', [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-backend-wasm',
      'zod',
    ]);
    try {
      const r = await page.evaluate((i) => window.checkKernelPool(i, 3), caseIndex);
      expect(r.threads).toBe(2);
      expect(r.helpers).toBe(1);
      expect(r.tfjsThreads).toBe(1);
      expect(r.helperChunks).toBeGreaterThan(0);
      expect(r.pooled.losses.every(Number.isFinite)).toBe(true);
      expect(r.pooled.losses).toEqual(r.alone.losses);
      expect(r.pooled.weights.length).toBeGreaterThan(1000);
      // Bit for bit: the chunks add in the same order as one call over the whole.
      expect(r.pooled.weights).toEqual(r.alone.weights);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  },
  300_000,
);
