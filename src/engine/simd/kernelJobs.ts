/**
 * Jobs of our SIMD kernels split into chunks that several threads run side by side on the WASM
 * backend's shared memory (the threaded build): the training thread and the kernel pool's helpers
 * (kernelPool.ts). The jobs are a step's heavy work: products, convolutions and their filter
 * gradients.
 *
 * One control block, a SharedArrayBuffer, holds the job: its kind, arguments and chunk counters.
 * A thread takes the next chunk by compare-and-swap and counts it done when it has written it; the
 * thread that posted the job takes chunks too, then waits for the chunks others hold. A helper that
 * never wakes costs nothing but its share: the poster runs every chunk left. Every chunk writes its
 * own part of the output, with the same arithmetic in the same order as one call over the whole, so
 * results do not depend on how the chunks fell.
 *
 * No TF.js here: the helper threads import this module alone.
 */
import { accumulateFilterGradRows } from './filterGradRows';
import { productQuads, type ProductGeometry } from './productRows';
import type { FilterGradLayout, FilterGradShape } from './filterGradRows';
import type { SimdKernels } from './simdKernels';

/** Int32 slots of the control block. */
export const SLOT = {
  /** Bumped for every job posted; helpers sleep on it. */
  sequence: 0,
  kind: 1,
  /** The next chunk to take, below the job's tag (see CHUNK_BITS). */
  next: 2,
  /** Chunks written. */
  done: 3,
  /** Chunks in the job; 0 while a job is being written. */
  chunks: 4,
  /** Chunks run by helpers since the pool started (the tests and the bench read it). */
  helperChunks: 5,
  /** Set by the poster to stop the helpers. */
  stop: 6,
  /** Set when a helper's chunk threw: the job's output is not to be trusted. */
  failed: 7,
  args: 8,
} as const;

/**
 * `next` holds the chunk index in its low CHUNK_BITS and the job's tag (its sequence number) above
 * them, set before the job's chunk count is. A thread that read `next` in one job and claims it by
 * compare-and-swap after the next job was posted then fails, instead of running (or counting as
 * done) a chunk of the wrong job.
 */
const CHUNK_BITS = 8;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
/** The most chunks a job may have. */
export const MAX_CHUNKS = CHUNK_MASK;

const INT_SLOTS = 32;
const DOUBLE_SLOTS = 4;
export const CONTROL_BYTES = INT_SLOTS * 4 + DOUBLE_SLOTS * 8;

export const JOB = {
  product: 1,
  convolution: 2,
  filterGrad: 3,
  transpose: 4,
  sumRows: 5,
  adam: 6,
  logSumExpRows: 7,
  logSumExpGradRows: 8,
  map: 9,
  swapBlocks: 10,
} as const;
export type JobKind = (typeof JOB)[keyof typeof JOB];

export interface ControlBlock {
  ints: Int32Array;
  doubles: Float64Array;
}

/** The arguments of a convolution job after the kernel's pointers (below). */
export interface ConvolutionJob {
  x: number;
  zero: number;
  filter: number;
  out: number;
  /** Scratch for 4·kh·kw addresses per chunk (`scratchChunks` of them). */
  scratch: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  kh: number;
  kw: number;
  stride: number;
  top: number;
  left: number;
  oh: number;
  ow: number;
  pixels: number;
}

/**
 * A job's named numbers in the control block's argument slots, in one order per kind (the poster
 * encodes, the chunk runner decodes): a field list is the one definition of that order.
 */
export const PRODUCT_FIELDS = [
  'a',
  'b',
  'c',
  'batchA',
  'batchB',
  'm',
  'k',
  'n',
  'start',
  'bias',
] as const;
export const CONVOLUTION_FIELDS = [
  'x',
  'zero',
  'filter',
  'out',
  'scratch',
  'h',
  'w',
  'ci',
  'co',
  'kh',
  'kw',
  'stride',
  'top',
  'left',
  'oh',
  'ow',
  'pixels',
] as const;
export const FILTER_GRAD_FIELDS = [
  'n',
  'h',
  'w',
  'ci',
  'oh',
  'ow',
  'co',
  'k',
  'stride',
  'top',
  'left',
  'xM',
  'xPixel',
  'xChannel',
  'dyM',
  'dyTap',
  'x',
  'dy',
  'out',
] as const;

type Fields = readonly string[];
type Decoded<F extends Fields> = Record<F[number], number>;

export function encode<F extends Fields>(fields: F, values: Decoded<F>): number[] {
  return fields.map((f) => values[f as F[number]]);
}

export function decode<F extends Fields>(fields: F, args: ArrayLike<number>): Decoded<F> {
  const out = {} as Decoded<F>;
  fields.forEach((f, i) => (out[f as F[number]] = args[i]!));
  return out;
}

/** Output pixels begin <= p < end of a convolution (begin a multiple of 4), `taps` its scratch. */
export function convolvePixels(
  kernels: SimdKernels,
  j: ConvolutionJob,
  taps: number,
  begin: number,
  end: number,
): void {
  kernels.convRows4(
    j.x,
    j.zero,
    j.filter,
    j.out,
    taps,
    j.h,
    j.w,
    j.ci,
    j.co,
    j.kh,
    j.kw,
    j.stride,
    j.top,
    j.left,
    j.oh,
    j.ow,
    begin,
    end,
  );
}

export function controlBlock(buffer: SharedArrayBuffer): ControlBlock {
  return {
    ints: new Int32Array(buffer, 0, INT_SLOTS),
    doubles: new Float64Array(buffer, INT_SLOTS * 4, DOUBLE_SLOTS),
  };
}

/** [begin, end) of chunk `chunk` of `chunks` over `total` items, cut at multiples of `unit`. */
export function chunkRange(
  total: number,
  chunks: number,
  chunk: number,
  unit: number,
): [number, number] {
  const per = Math.ceil(total / chunks / unit) * unit;
  return [Math.min(chunk * per, total), Math.min((chunk + 1) * per, total)];
}

/** Runs chunk `chunk` of the job in the control block. */
export function runChunk(kernels: SimdKernels, control: ControlBlock, chunk: number): void {
  const a = control.ints.subarray(SLOT.args);
  const chunks = Atomics.load(control.ints, SLOT.chunks);
  switch (Atomics.load(control.ints, SLOT.kind)) {
    case JOB.product: {
      const g: ProductGeometry = decode(PRODUCT_FIELDS, a);
      const quads = Math.max(g.batchA, g.batchB) * Math.ceil(g.m / 4);
      const [begin, end] = chunkRange(quads, chunks, chunk, 1);
      if (begin < end) productQuads(kernels, g, begin, end);
      return;
    }
    case JOB.convolution: {
      const j = decode(CONVOLUTION_FIELDS, a);
      const [begin, end] = chunkRange(j.pixels, chunks, chunk, 4);
      // Each chunk its own scratch for the taps' addresses.
      if (begin < end) convolvePixels(kernels, j, j.scratch + chunk * 16 * j.kh * j.kw, begin, end);
      return;
    }
    case JOB.filterGrad: {
      const f = decode(FILTER_GRAD_FIELDS, a);
      const shape: FilterGradShape = f;
      const layout: FilterGradLayout = f;
      const [begin, end] = chunkRange(f.k * f.k * f.ci, chunks, chunk, 4);
      if (begin < end)
        accumulateFilterGradRows(kernels, shape, layout, f.x, f.dy, f.out, begin, end);
      return;
    }
    case JOB.transpose: {
      // Rows of the source (columns of the destination) in ranges of multiples of 4.
      const [src, dst, rows, cols, srcStride, dstStride, strip] = a as unknown as number[];
      const [begin, end] = chunkRange(rows!, chunks, chunk, 4);
      if (begin < end)
        kernels.transpose(
          src! + begin * srcStride! * 4,
          dst! + begin * 4,
          end - begin,
          cols!,
          srcStride!,
          dstStride!,
          strip!,
        );
      return;
    }
    case JOB.sumRows: {
      const [src, dst, rows, cols, stride] = a as unknown as number[];
      const [begin, end] = chunkRange(cols!, chunks, chunk, 4);
      if (begin < end)
        kernels.sumRows(src! + begin * 4, dst! + begin * 4, rows!, end - begin, stride!);
      return;
    }
    case JOB.adam: {
      const [w, m, s, g, o, n] = a as unknown as number[];
      const [lr, b, eps] = control.doubles;
      const [begin, end] = chunkRange(n!, chunks, chunk, 4);
      const at = (p: number) => p + begin * 4;
      if (begin < end)
        kernels.adam(at(w!), at(m!), at(s!), at(g!), at(o!), end - begin, lr!, b!, eps!);
      return;
    }
    case JOB.logSumExpRows: {
      const [x, mask, cols, shift, sum, table, rows] = a as unknown as number[];
      const [begin, end] = chunkRange(rows!, chunks, chunk, 1);
      if (begin < end) kernels.logSumExpRows(x!, mask!, cols!, begin, end, shift!, sum!, table!);
      return;
    }
    case JOB.logSumExpGradRows: {
      const [x, mask, cols, lse, dy, dx, table, rows] = a as unknown as number[];
      const [begin, end] = chunkRange(rows!, chunks, chunk, 1);
      if (begin < end)
        kernels.logSumExpGradRows(x!, mask!, cols!, begin, end, lse!, dy!, dx!, table!);
      return;
    }
    case JOB.map: {
      const [op, x, y, out, n, period] = a as unknown as number[];
      const [begin, end] = chunkRange(n!, chunks, chunk, 4);
      if (begin < end)
        kernels.mapRange(op!, x!, y!, out!, begin, end, period!, control.doubles[0]!);
      return;
    }
    case JOB.swapBlocks: {
      const [src, dst, x, y, z] = a as unknown as number[];
      const [begin, end] = chunkRange(y!, chunks, chunk, 1);
      if (begin < end) kernels.swapBlocks(src!, dst!, x!, y!, z!, begin, end);
      return;
    }
    default:
      throw new Error(`kernel pool: unknown job ${control.ints[SLOT.kind]}`);
  }
}

/**
 * Takes and runs chunks of the current job until none is left; returns how many it ran. A chunk
 * that throws still counts as done (so nobody waits for it forever) and marks the job failed.
 */
export function takeChunks(kernels: SimdKernels, control: ControlBlock): number {
  const c = control.ints;
  let ran = 0;
  for (;;) {
    const next = Atomics.load(c, SLOT.next);
    const chunk = next & CHUNK_MASK;
    if (chunk >= Atomics.load(c, SLOT.chunks)) return ran;
    if (Atomics.compareExchange(c, SLOT.next, next, next + 1) !== next) continue;
    try {
      runChunk(kernels, control, chunk);
    } catch (error) {
      Atomics.store(c, SLOT.failed, 1);
      throw error;
    } finally {
      Atomics.add(c, SLOT.done, 1);
    }
    ran++;
  }
}

/**
 * Writes a job and runs it with whichever helpers wake, returning when every chunk is written.
 * The poster spins for the last chunks: they are at most one chunk's time, and a page's main
 * thread may not block.
 */
export function postAndRun(
  kernels: SimdKernels,
  control: ControlBlock,
  kind: JobKind,
  args: readonly number[],
  doubles: readonly number[],
  chunks: number,
  deadlineMs = CHUNK_DEADLINE_MS,
): void {
  const c = control.ints;
  // A fractional count would never be reached by the whole chunks counted done.
  if (!Number.isInteger(chunks) || chunks < 1 || chunks > MAX_CHUNKS)
    throw new Error(`kernel pool: ${chunks} chunks`);
  const tag = ((Atomics.load(c, SLOT.sequence) + 1) & (0x7fffffff >>> CHUNK_BITS)) << CHUNK_BITS;
  // With `chunks` at 0 nothing is taken while the job is written. `next` gets this job's tag before
  // `chunks` its count: a thread that read the previous job's `next` then fails its claim, where
  // with the count first it could claim an index of the new job under the old tag (and the same
  // chunk would run twice, and count twice).
  Atomics.store(c, SLOT.chunks, 0);
  Atomics.store(c, SLOT.done, 0);
  Atomics.store(c, SLOT.failed, 0);
  c.set(args, SLOT.args);
  control.doubles.set(doubles);
  Atomics.store(c, SLOT.kind, kind);
  Atomics.store(c, SLOT.next, tag);
  Atomics.store(c, SLOT.chunks, chunks);
  Atomics.add(c, SLOT.sequence, 1);
  Atomics.notify(c, SLOT.sequence);
  try {
    takeChunks(kernels, control);
  } catch (error) {
    // Nobody is to start the chunks left: they count as done, and the job has failed.
    const next = Atomics.exchange(c, SLOT.next, tag | chunks) & CHUNK_MASK;
    if (next < chunks) Atomics.add(c, SLOT.done, chunks - next);
    waitForChunks(c, chunks, deadlineMs);
    throw error;
  }
  waitForChunks(c, chunks, deadlineMs);
  if (Atomics.load(c, SLOT.failed) !== 0)
    throw new Error('kernel pool: a helper thread failed in its part of the job');
}

/** How long a helper looks for the next job before it sleeps. */
export const SPIN_BEFORE_SLEEP_MS = 0.3;

/** A chunk taken and never finished (its thread died) must not hang the training thread. */
const CHUNK_DEADLINE_MS = 5_000;

function waitForChunks(c: Int32Array, chunks: number, deadlineMs: number): void {
  let deadline = 0;
  for (let spins = 1; Atomics.load(c, SLOT.done) < chunks; spins++) {
    if ((spins & 0xfff) !== 0) continue;
    const now = performance.now();
    deadline ||= now + deadlineMs;
    if (now > deadline)
      throw new KernelPoolStalled(
        `kernel pool: a helper thread held its part of a job for over ${deadlineMs / 1000} s`,
      );
  }
}

/** A helper stopped in the middle of a job: the pool must stop (its output is incomplete). */
export class KernelPoolStalled extends Error {}

/**
 * A helper thread's loop: sleep until a job is posted, take chunks, sleep again; returns when the
 * pool stops, or after a chunk threw (reported; the poster sees the job failed, and later jobs run
 * without this helper).
 */
export function serveJobs(
  kernels: SimdKernels,
  control: ControlBlock,
  onError: (error: unknown) => void,
): void {
  const c = control.ints;
  let seen = Atomics.load(c, SLOT.sequence);
  for (;;) {
    // A step posts its jobs a fraction of a millisecond apart: spin briefly before sleeping, since
    // waking a sleeping thread costs about as much as a small job (TF.js' own pool spins 1,000,000
    // iterations; this is a few hundred microseconds, on a core that is ours).
    const spinUntil = performance.now() + SPIN_BEFORE_SLEEP_MS;
    while (Atomics.load(c, SLOT.sequence) === seen && performance.now() < spinUntil) {
      for (let i = 0; i < 64 && Atomics.load(c, SLOT.sequence) === seen; i++);
    }
    Atomics.wait(c, SLOT.sequence, seen);
    if (Atomics.load(c, SLOT.stop) !== 0) return;
    seen = Atomics.load(c, SLOT.sequence);
    try {
      Atomics.add(c, SLOT.helperChunks, takeChunks(kernels, control));
    } catch (error) {
      onError(error);
      return;
    }
  }
}
