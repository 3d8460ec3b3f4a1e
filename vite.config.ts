import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { execSync } from 'node:child_process';

/** The commit the page is built from: the PyTorch export names it in run.json. */
function gitCommit(): string | null {
  try {
    return (
      execSync('git rev-parse HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() || null
    );
  } catch {
    return null;
  }
}

/**
 * TF.js' threaded WASM build starts each pthread by evaluating its factory function's source in a
 * blob worker. The factory reads `typeof _scriptDir !== "undefined" && _scriptDir`, a variable of
 * the enclosing scope; the minifier knows it is declared there and shortens the test to a plain
 * comparison, which throws "e is not defined" in the blob, where it is not. A pthread never needs
 * it (the main thread hands it the script), so the test becomes `false` before minification.
 */
function wasmPthreadScriptDir(): Plugin {
  return {
    name: 'tfjs-wasm-pthread-script-dir',
    transform(code, id) {
      if (!id.includes('tfjs-backend-wasm-threaded-simd')) return null;
      const patched = code.replace('typeof _scriptDir !== "undefined" && _scriptDir', 'false');
      return patched === code ? null : { code: patched, map: null };
    },
  };
}

// Cross-origin isolation (COOP/COEP) gives the page SharedArrayBuffer: the training worker's WASM
// backend then runs the threaded SIMD build, one thread per logical core (worker/backends.ts,
// engine/wasmKernels.ts configureWasmThreads); served without these headers it runs on one thread,
// and the backend badge says how many threads it got.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react(), wasmPthreadScriptDir()],
  define: { __PLAYGROUND_COMMIT__: JSON.stringify(gitCommit()) },
  base: './',
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es', plugins: () => [wasmPthreadScriptDir()] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
