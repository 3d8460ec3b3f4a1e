/**
 * The kernel pool: helper threads for our own SIMD kernels on the threaded WASM build, whose heap
 * is a shared memory. XNNPACK's products and convolutions already run on TF.js' thread pool; ours
 * (the convolutions' filter gradients, transposes, bias sums, Adam) ran on the training thread
 * alone, and with two cores they were most of a step's serial time. The protocol is kernelJobs.ts.
 *
 * The engine owns the protocol; whoever may create workers (worker/kernelHelpers.ts) spawns the
 * helpers and hands them over. Without a shared memory (Node, a page that is not cross-origin
 * isolated) there is no pool and every kernel runs where it is called, as before.
 */
import {
  CONTROL_BYTES,
  JOB,
  KernelPoolStalled,
  SLOT,
  controlBlock,
  postAndRun,
  type ControlBlock,
  type JobKind,
} from './kernelJobs';
import type { FilterGradShape } from './filterGradRows';
import { accumulateFilterGradRows } from './filterGradRows';
import { replaceSimdKernels, sharedMemoryOf, simdKernelsOn, type SimdKernels } from './simdKernels';

/** What the pool needs of a helper thread (a Worker running worker/kernelPool.worker.ts). */
export interface HelperThread {
  postMessage(message: KernelHelperStart): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<KernelHelperReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

/** The first and only message a helper gets. */
export interface KernelHelperStart {
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
}

export type KernelHelperReply = { ready: boolean } | { error: string };

/** Below this many elements a job runs where it is called: waking a helper costs more. */
const MIN_ELEMENTS = 1 << 16;

export interface KernelPool {
  /** Helper threads that answered ready (the calling thread works too). */
  readonly helpers: number;
  /** dW of a convolution (convFilterGrad.ts), rows split among the threads. */
  filterGrad(shape: FilterGradShape, x: number, dy: number, out: number): void;
  /** Chunks the helpers have run since the pool started. */
  helperChunks(): number;
  stop(): void;
}

const pools = new WeakMap<WebAssembly.Memory, KernelPool>();

/** The pool on a WASM backend's heap, if one was started. */
export function kernelPoolOf(backend: unknown): KernelPool | undefined {
  const memory = sharedMemoryOf(backend);
  return memory ? pools.get(memory) : undefined;
}

function createPool(
  memory: WebAssembly.Memory,
  base: SimdKernels,
  control: ControlBlock,
  threads: HelperThread[],
): KernelPool {
  // Twice as many chunks as threads, so that a helper that wakes late still gets a share; never
  // more than the job has units (4 rows or columns, the kernels' width).
  const chunksFor = (units: number) =>
    Math.max(1, Math.min(Math.ceil(units), 2 * (threads.length + 1)));
  const run = (kind: JobKind, args: number[], doubles: number[], units: number) => {
    try {
      postAndRun(base, control, kind, args, doubles, chunksFor(units));
    } catch (error) {
      // A helper died holding a chunk: go on without the pool (this step fails and says why).
      if (error instanceof KernelPoolStalled) pool.stop();
      throw error;
    }
  };
  const pool: KernelPool = {
    helpers: threads.length,
    filterGrad(shape, x, dy, out) {
      const rows = shape.k * shape.k * shape.ci;
      const work = rows * shape.co * shape.n * shape.oh * shape.ow;
      if (work < MIN_ELEMENTS * 16 || rows < 8)
        return accumulateFilterGradRows(base, shape, x, dy, out, 0, rows);
      const { n, h, w, ci, oh, ow, co, k, stride, top, left } = shape;
      run(
        JOB.filterGrad,
        [n, h, w, ci, oh, ow, co, k, stride, top, left, x, dy, out],
        [],
        rows / 4,
      );
    },
    helperChunks: () => Atomics.load(control.ints, SLOT.helperChunks),
    stop() {
      Atomics.store(control.ints, SLOT.stop, 1);
      Atomics.add(control.ints, SLOT.sequence, 1);
      Atomics.notify(control.ints, SLOT.sequence);
      for (const t of threads) t.terminate();
      threads.length = 0;
      pools.delete(memory);
      replaceSimdKernels(memory, base);
    },
  };
  // Every caller of simdKernelsOf gets kernels that split large jobs among the threads.
  replaceSimdKernels(memory, {
    ...base,
    transpose(src, dst, rows, cols, srcStride, dstStride, strip) {
      if (rows * cols < MIN_ELEMENTS || rows < 8)
        return base.transpose(src, dst, rows, cols, srcStride, dstStride, strip);
      run(JOB.transpose, [src, dst, rows, cols, srcStride, dstStride, strip], [], rows / 4);
    },
    sumRows(src, dst, rows, cols, stride) {
      if (rows * cols < MIN_ELEMENTS || cols < 8) return base.sumRows(src, dst, rows, cols, stride);
      run(JOB.sumRows, [src, dst, rows, cols, stride], [], cols / 4);
    },
    adam(w, m, s, g, o, n, a, b, eps) {
      if (n < MIN_ELEMENTS) return base.adam(w, m, s, g, o, n, a, b, eps);
      run(JOB.adam, [w, m, s, g, o, n], [a, b, eps], n / 4);
    },
  });
  pools.set(memory, pool);
  return pool;
}

/**
 * Starts `helpers` helper threads on a WASM backend with a shared heap and SIMD; resolves to the
 * pool, or undefined when there is no shared heap, no helper is wanted, or none answered within
 * `timeoutMs` (then the kernels stay on the calling thread). Idempotent per heap.
 */
export async function startKernelPool(
  backend: unknown,
  helpers: number,
  spawn: () => HelperThread,
  timeoutMs = 10_000,
): Promise<KernelPool | undefined> {
  const memory = sharedMemoryOf(backend);
  if (!memory || helpers < 1) return undefined;
  const existing = pools.get(memory);
  if (existing) return existing;
  const base = simdKernelsOn(memory);
  if (!base) return undefined;
  const buffer = new SharedArrayBuffer(CONTROL_BYTES);
  const started = await Promise.all(
    Array.from({ length: helpers }, () =>
      startHelper(spawn, { memory, control: buffer }, timeoutMs),
    ),
  );
  const threads = started.filter((t): t is HelperThread => t !== undefined);
  if (threads.length === 0) return undefined;
  return pools.get(memory) ?? createPool(memory, base, controlBlock(buffer), threads);
}

function startHelper(
  spawn: () => HelperThread,
  start: KernelHelperStart,
  timeoutMs: number,
): Promise<HelperThread | undefined> {
  return new Promise((resolve) => {
    let thread: HelperThread;
    try {
      thread = spawn();
    } catch {
      resolve(undefined);
      return;
    }
    const fail = () => {
      thread.terminate();
      resolve(undefined);
    };
    const timer = setTimeout(fail, timeoutMs);
    thread.onerror = () => {
      clearTimeout(timer);
      fail();
    };
    thread.onmessage = (event) => {
      clearTimeout(timer);
      const reply = event.data;
      if ('ready' in reply && reply.ready) {
        // Later messages are errors of a chunk: the job that hit it already threw on the
        // calling thread, so nothing is left to do here.
        thread.onmessage = null;
        resolve(thread);
      } else fail();
    };
    thread.postMessage(start);
  });
}
