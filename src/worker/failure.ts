/**
 * Which errors leave the worker's backend unusable. A WASM abort ("memory access out of bounds",
 * "Aborted(OOM)"), a failed allocation or a lost device poisons every later run on that backend
 * (issue 13's probe: every run failed until a reload), so the page restarts the worker after one.
 * An error thrown while training is treated the same way: the backend's state is then unknown.
 */
const BACKEND_FAILURE =
  /out of memory|memory access out of bounds|aborted\(|allocat|\boom\b|unreachable|device (was )?lost|context (was )?lost|backend failure/i;

export function isBackendFailure(error: unknown, during: string): boolean {
  if (during === 'play' || during === 'step' || during === 'evaluate') return true;
  if (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) return true;
  if (error instanceof RangeError) return true;
  const message = error instanceof Error ? error.message : String(error);
  return BACKEND_FAILURE.test(message);
}

/**
 * Hooks a browser test reaches through the worker's global scope (playwright's worker.evaluate);
 * nothing in the page sets them. `failNextStep`: the next step throws as a WASM out-of-memory
 * would; `slowStepMs`: every step first blocks the worker this long, as a huge layer would;
 * `destroyDevice`: destroys the WebGPU device, as a driver reset would.
 */
export interface WorkerTestHooks {
  failNextStep: boolean;
  slowStepMs: number;
  destroyDevice(): boolean;
}

/** A step wrapped with the test hooks (a no-op unless a test set them). */
export function hookedStep<T>(hooks: WorkerTestHooks, step: () => Promise<T>): () => Promise<T> {
  return () => {
    if (hooks.slowStepMs > 0) {
      // Blocks the worker on purpose: a real long WASM kernel does not let messages in either.
      // Atomics.wait sleeps without spinning a core (the page is cross-origin isolated, so
      // SharedArrayBuffer exists); a spin is the fallback.
      if (typeof SharedArrayBuffer !== 'undefined')
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, hooks.slowStepMs);
      else {
        const until = performance.now() + hooks.slowStepMs;
        while (performance.now() < until);
      }
    }
    if (hooks.failNextStep) {
      hooks.failNextStep = false;
      return Promise.reject(
        new WebAssembly.RuntimeError('memory access out of bounds (forced by a test hook)'),
      );
    }
    return step();
  };
}
