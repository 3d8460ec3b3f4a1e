/**
 * The kernel pool: helper threads for our SIMD kernels on the threaded WASM build, whose heap is a
 * shared memory. With the pool, TF.js' WASM backend runs on one thread (its own pool's workers spin
 * between XNNPACK's calls, about 2 ms each time, on the core a helper needs), and a step's heavy
 * work is ours and split: products (gemm.ts), convolutions (convForward.ts) and their filter
 * gradients (convFilterGrad.ts), transposes and block moves, bias gradients and Adam. The protocol is
 * kernelJobs.ts.
 *
 * The engine owns the protocol; whoever may create workers (worker/kernelHelpers.ts) spawns the
 * helpers and hands them over. Without a shared memory (Node, a page that is not cross-origin
 * isolated) there is no pool and every kernel runs where it is called.
 */
import type { FilterGradLayout, FilterGradShape } from './filterGradRows';
import { accumulateFilterGradRows } from './filterGradRows';
import {
  CONTROL_BYTES,
  JOB,
  KernelPoolStalled,
  MAX_CHUNKS,
  SLOT,
  controlBlock,
  postAndRun,
  convolvePixels,
  encode,
  CONVOLUTION_FIELDS,
  FILTER_GRAD_FIELDS,
  PRODUCT_FIELDS,
  type ControlBlock,
  type ConvolutionJob,
  type JobKind,
} from './kernelJobs';

export type { ConvolutionJob } from './kernelJobs';
import { productQuads, type ProductGeometry } from './productRows';
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

/** Below this many multiply-adds a job runs where it is called: waking a helper costs more. */
const MIN_WORK = 1 << 18;
/** The same for the kernels that move or update values, one pass each. */
const MIN_ELEMENTS = 1 << 16;
/**
 * The same for an elementwise map: a pass over memory at a fraction of a nanosecond a value, so
 * waking a helper only pays from about a megabyte (ReLU of [512, 128]: 0.03 ms alone, slower split).
 */
const MIN_MAPPED = 1 << 18;

export interface KernelPool {
  /** Helper threads that answered ready (the calling thread works too). */
  readonly helpers: number;
  /** Chunks a job is cut into at most (a convolution needs as many scratch areas). */
  readonly maxChunks: number;
  product(g: ProductGeometry): void;
  convolution(job: ConvolutionJob): void;
  filterGrad(
    shape: FilterGradShape,
    layout: FilterGradLayout,
    x: number,
    dy: number,
    out: number,
  ): void;
  /** The masked log-sum-exp's rows (engine/logSumExp.ts), split among the threads. */
  logSumExpRows(
    x: number,
    mask: number,
    cols: number,
    shift: number,
    sum: number,
    table: number,
    rows: number,
  ): void;
  logSumExpGradRows(
    x: number,
    mask: number,
    cols: number,
    lse: number,
    dy: number,
    dx: number,
    table: number,
    rows: number,
  ): void;
  /** An elementwise map of n floats (simdKernels.ts mapRange), split among the threads. */
  map(
    op: number,
    a: number,
    b: number,
    out: number,
    n: number,
    period: number,
    alpha: number,
  ): void;
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
  // more than the job has units.
  const maxChunks = Math.min(2 * (threads.length + 1), MAX_CHUNKS);
  const run = (kind: JobKind, args: number[], units: number, doubles: number[] = []) => {
    try {
      postAndRun(
        base,
        control,
        kind,
        args,
        doubles,
        Math.max(1, Math.min(Math.ceil(units), maxChunks)),
      );
    } catch (error) {
      // A helper died holding a chunk: go on without the pool (this step fails and says why).
      if (error instanceof KernelPoolStalled) pool.stop();
      throw error;
    }
  };
  const pool: KernelPool = {
    helpers: threads.length,
    maxChunks,
    product(g) {
      const quads = Math.max(g.batchA, g.batchB) * Math.ceil(g.m / 4);
      if (g.m * g.k * g.n < MIN_WORK || quads < 2) return productQuads(base, g, 0, quads);
      run(JOB.product, encode(PRODUCT_FIELDS, { start: 0, bias: 0, ...g }), quads);
    },
    convolution(j) {
      const work = j.pixels * j.kh * j.kw * j.ci * j.co;
      if (work < MIN_WORK || j.pixels < 8) return convolvePixels(base, j, j.scratch, 0, j.pixels);
      run(JOB.convolution, encode(CONVOLUTION_FIELDS, j), Math.ceil(j.pixels / 4));
    },
    filterGrad(shape, layout, x, dy, out) {
      const rows = shape.k * shape.k * shape.ci;
      if (rows * shape.co * shape.n * shape.oh * shape.ow < MIN_WORK || rows < 8)
        return accumulateFilterGradRows(base, shape, layout, x, dy, out, 0, rows);
      run(
        JOB.filterGrad,
        encode(FILTER_GRAD_FIELDS, { ...shape, ...layout, x, dy, out }),
        rows / 4,
      );
    },
    logSumExpRows(x, mask, cols, shift, sum, table, rows) {
      if (rows * cols < MIN_ELEMENTS || rows < 8)
        return base.logSumExpRows(x, mask, cols, 0, rows, shift, sum, table);
      run(JOB.logSumExpRows, [x, mask, cols, shift, sum, table, rows], rows);
    },
    logSumExpGradRows(x, mask, cols, lse, dy, dx, table, rows) {
      if (rows * cols < MIN_ELEMENTS || rows < 8)
        return base.logSumExpGradRows(x, mask, cols, 0, rows, lse, dy, dx, table);
      run(JOB.logSumExpGradRows, [x, mask, cols, lse, dy, dx, table, rows], rows);
    },
    map(op, a, b, out, n, period, alpha) {
      if (n < MIN_MAPPED) return base.mapRange(op, a, b, out, 0, n, period, alpha);
      run(JOB.map, [op, a, b, out, n, period], n / 4, [alpha]);
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
  // Every caller of simdKernelsOf gets kernels that split large jobs among the threads: the
  // transposes of every product's gradient, the bias gradients' sums, Adam.
  replaceSimdKernels(memory, {
    ...base,
    transpose(src, dst, rows, cols, srcStride, dstStride, strip) {
      if (rows * cols < MIN_ELEMENTS || rows < 8)
        return base.transpose(src, dst, rows, cols, srcStride, dstStride, strip);
      run(JOB.transpose, [src, dst, rows, cols, srcStride, dstStride, strip], rows / 4);
    },
    swapBlocks(src, dst, a, b, c, j0, j1) {
      if (a * b * c < MIN_ELEMENTS || j0 !== 0 || j1 !== b || b < 2)
        return base.swapBlocks(src, dst, a, b, c, j0, j1);
      run(JOB.swapBlocks, [src, dst, a, b, c], b);
    },
    sumRows(src, dst, rows, cols, stride) {
      if (rows * cols < MIN_ELEMENTS || cols < 8) return base.sumRows(src, dst, rows, cols, stride);
      run(JOB.sumRows, [src, dst, rows, cols, stride], cols / 4);
    },
    adam(w, m, s, g, o, n, a, b, eps) {
      if (n < MIN_ELEMENTS) return base.adam(w, m, s, g, o, n, a, b, eps);
      run(JOB.adam, [w, m, s, g, o, n], n / 4, [a, b, eps]);
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
