/**
 * The kernel pool's job protocol and pool on one thread (Node has no shared WASM heap for TF.js;
 * test/browser/kernelPool.test.ts runs a real helper thread): a job split into chunks writes what
 * one call over the whole writes, bit for bit, whoever runs the chunks; chunk ranges cover every
 * item once; a chunk that throws or never finishes fails the job instead of hanging it; a pool
 * whose helpers never answer is not started, and a started one runs jobs until it stops.
 */
import { describe, expect, test } from 'vitest';
import {
  accumulateFilterGradRows,
  naturalLayout,
  type FilterGradShape,
} from '../../../../src/engine/simd/filterGradRows';
import {
  CONTROL_BYTES,
  JOB,
  KernelPoolStalled,
  PRODUCT_FIELDS,
  SLOT,
  chunkRange,
  controlBlock,
  encode,
  postAndRun,
  takeChunks,
} from '../../../../src/engine/simd/kernelJobs';
import {
  kernelPoolOf,
  startKernelPool,
  type HelperThread,
  type KernelHelperReply,
} from '../../../../src/engine/simd/kernelPool';
import {
  PRODUCT_START,
  productQuads,
  type ProductGeometry,
} from '../../../../src/engine/simd/productRows';
import { simdKernelsOf, simdKernelsOn } from '../../../../src/engine/simd/simdKernels';
import { SeededRandom } from '../../../../src/ml/random';

const memory = new WebAssembly.Memory({ initial: 256, maximum: 512, shared: true });
const kernels = simdKernelsOn(memory)!;
const heap = new Float32Array(memory.buffer);
const rng = new SeededRandom(17);

/** Float offsets: every array 16-byte aligned, far enough apart. */
const REGION = 1 << 18;
const at = (region: number) => region * REGION * 4; // byte offset
function fill(region: number, n: number, f = () => rng.next() - 0.5): Float32Array {
  const values = Float32Array.from({ length: n }, f);
  heap.set(values, region * REGION);
  return values;
}
const read = (region: number, n: number) => heap.slice(region * REGION, region * REGION + n);
const bits = (x: Float32Array) => Array.from(new Uint32Array(x.slice().buffer));
const newControl = () => controlBlock(new SharedArrayBuffer(CONTROL_BYTES));

test('chunk ranges cover every item once, cut at multiples of the unit', () => {
  for (const [total, chunks, unit] of [
    [9, 4, 4],
    [144, 4, 4],
    [1000, 3, 4],
    [7, 8, 1],
    [0, 2, 4],
  ] as const) {
    const seen = new Array<number>(total).fill(0);
    for (let c = 0; c < chunks; c++) {
      const [begin, end] = chunkRange(total, chunks, c, unit);
      if (begin < end && end < total) expect(end % unit).toBe(0);
      for (let i = begin; i < end; i++) seen[i]!++;
    }
    expect(seen.every((x) => x === 1)).toBe(true);
  }
});

describe.each([1, 3, 4, 7])('a job in %i chunks, all run by the poster', (chunks) => {
  test('product', () => {
    // Two batches of 13 × 9 · 9 × 12: a last group of one row.
    const g = (c: number): ProductGeometry => ({
      a: at(1),
      b: at(2),
      c: at(c),
      batchA: 2,
      batchB: 2,
      m: 13,
      k: 9,
      n: 12,
    });
    fill(1, 2 * 13 * 9);
    fill(2, 2 * 9 * 12);
    const bias = fill(3, 2 * 13 * 12);
    heap.set(bias, 4 * REGION);
    productQuads(kernels, g(3), 0, 2 * 4);
    const { a, b, c, batchA, batchB, m, k, n } = g(4);
    postAndRun(kernels, newControl(), JOB.product, [a, b, c, batchA, batchB, m, k, n], [], chunks);
    expect(bits(read(4, 2 * 13 * 12))).toEqual(bits(read(3, 2 * 13 * 12)));
  });

  test.each([
    ['zeros', PRODUCT_START.zeros],
    ['a bias', PRODUCT_START.bias],
  ])('product starting from %s: each chunk sets its own rows first', (_, start) => {
    // Two batches of 13 × 9 · 9 × 12 (a last group of one row), C full of NaN before.
    const [m, k, n] = [13, 9, 12];
    fill(1, 2 * m * k);
    fill(2, 2 * k * n);
    const bias = fill(5, n);
    bias[3] = -0; // a signed zero stays one
    heap.set(bias, 5 * REGION);
    // What it must equal: C set by hand, then the products added to it.
    for (let row = 0; row < 2 * m; row++)
      heap.set(start === PRODUCT_START.bias ? bias : new Float32Array(n), 3 * REGION + row * n);
    const g: ProductGeometry = { a: at(1), b: at(2), c: at(3), batchA: 2, batchB: 2, m, k, n };
    productQuads(kernels, g, 0, 2 * 4);
    heap.fill(NaN, 4 * REGION, 4 * REGION + 2 * m * n);
    const args = encode(PRODUCT_FIELDS, { ...g, c: at(4), start, bias: at(5) });
    postAndRun(kernels, newControl(), JOB.product, args, [], chunks);
    expect(bits(read(4, 2 * m * n))).toEqual(bits(read(3, 2 * m * n)));
  });

  test('convolution', () => {
    const [n, h, w, ci, co, k, stride, top, left] = [3, 7, 6, 5, 12, 3, 2, 1, 1];
    const [oh, ow] = [4, 3];
    const pixels = n * oh * ow;
    fill(1, n * h * w * ci);
    fill(2, k * k * ci * co);
    heap.fill(0, 3 * REGION, 3 * REGION + ci); // the zeros for padded taps
    // One call over the whole (scratch in region 5), then the job (one scratch area per chunk).
    kernels.convRows4(
      at(1),
      at(3),
      at(2),
      at(4),
      at(5),
      h,
      w,
      ci,
      co,
      k,
      k,
      stride,
      top,
      left,
      oh,
      ow,
      0,
      pixels,
    );
    postAndRun(
      kernels,
      newControl(),
      JOB.convolution,
      [at(1), at(3), at(2), at(6), at(5), h, w, ci, co, k, k, stride, top, left, oh, ow, pixels],
      [],
      chunks,
    );
    expect(bits(read(6, pixels * co))).toEqual(bits(read(4, pixels * co)));
  });

  test('transpose', () => {
    const [rows, cols] = [36, 20];
    const src = fill(1, rows * cols);
    postAndRun(
      kernels,
      newControl(),
      JOB.transpose,
      [at(1), at(2), rows, cols, cols, rows, 8],
      [],
      chunks,
    );
    const out = read(2, rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) expect(out[j * rows + i]).toBe(src[i * cols + j]);
  });

  test('swapBlocks', () => {
    const [a, b, c] = [6, 9, 8];
    fill(1, a * b * c);
    kernels.swapBlocks(at(1), at(3), a, b, c, 0, b);
    postAndRun(kernels, newControl(), JOB.swapBlocks, [at(1), at(2), a, b, c], [], chunks);
    expect(bits(read(2, a * b * c))).toEqual(bits(read(3, a * b * c)));
  });

  test('map', () => {
    fill(1, 400);
    fill(2, 20);
    for (const op of [0, 1, 2, 3, 4, 5]) {
      kernels.mapRange(op, at(1), at(2), at(3), 0, 400, 20, 0.25);
      postAndRun(
        kernels,
        newControl(),
        JOB.map,
        [op, at(1), at(2), at(4), 400, 20],
        [0.25],
        chunks,
      );
      expect(bits(read(4, 400))).toEqual(bits(read(3, 400)));
    }
  });

  test('sumRows', () => {
    const [rows, cols] = [13, 40];
    fill(1, rows * cols);
    kernels.sumRows(at(1), at(3), rows, cols, cols);
    postAndRun(kernels, newControl(), JOB.sumRows, [at(1), at(2), rows, cols, cols], [], chunks);
    expect(bits(read(2, cols))).toEqual(bits(read(3, cols)));
  });

  test('Adam', () => {
    const n = 1000;
    const [w, m] = [fill(1, n), fill(2, n)];
    fill(4, n); // the gradients
    const s = fill(3, n, () => rng.next());
    const doubles = [0.01, 1.05, 1e-7];
    // Reference: one call over the whole, on copies of the moments.
    heap.set(m, 6 * REGION);
    heap.set(s, 7 * REGION);
    kernels.adam(at(1), at(6), at(7), at(4), at(8), n, doubles[0]!, doubles[1]!, doubles[2]!);
    postAndRun(
      kernels,
      newControl(),
      JOB.adam,
      [at(1), at(2), at(3), at(4), at(5), n],
      doubles,
      chunks,
    );
    expect(bits(read(5, n))).toEqual(bits(read(8, n)));
    expect(bits(read(2, n))).toEqual(bits(read(6, n)));
    expect(bits(read(3, n))).toEqual(bits(read(7, n)));
    expect(bits(w)).toEqual(bits(read(1, n))); // the weights are read, not written
  });

  test('filter gradient', () => {
    const shape: FilterGradShape = {
      n: 6,
      h: 9,
      w: 9,
      ci: 3,
      oh: 5,
      ow: 5,
      co: 8,
      k: 3,
      stride: 2,
      top: 1,
      left: 1,
    };
    const rows = shape.k * shape.k * shape.ci;
    const layout = naturalLayout(shape);
    fill(1, shape.n * shape.h * shape.w * shape.ci);
    fill(2, shape.n * shape.oh * shape.ow * shape.co);
    heap.fill(0, 3 * REGION, 3 * REGION + rows * shape.co);
    heap.fill(0, 4 * REGION, 4 * REGION + rows * shape.co);
    accumulateFilterGradRows(kernels, shape, layout, at(1), at(2), at(4), 0, rows);
    const { n, h, w, ci, oh, ow, co, k, stride, top, left } = shape;
    const { xM, xPixel, xChannel, dyM, dyTap } = layout;
    postAndRun(
      kernels,
      newControl(),
      JOB.filterGrad,
      [
        n,
        h,
        w,
        ci,
        oh,
        ow,
        co,
        k,
        stride,
        top,
        left,
        xM,
        xPixel,
        xChannel,
        dyM,
        dyTap,
        at(1),
        at(2),
        at(3),
      ],
      [],
      chunks,
    );
    expect(bits(read(3, rows * co))).toEqual(bits(read(4, rows * co)));
  });
});

test('a chunk that throws fails the job at once: the chunks left are not started', () => {
  const control = newControl();
  expect(() => postAndRun(kernels, control, 99 as never, [], [], 3)).toThrow(/unknown job/);
  expect(Atomics.load(control.ints, SLOT.done)).toBe(3);
  expect(Atomics.load(control.ints, SLOT.failed)).toBe(1);
  expect(takeChunks(kernels, control)).toBe(0);
});

test('a chunk held by a thread that never finishes stops the wait at the deadline', () => {
  const control = newControl();
  // A "helper" takes chunk 0 of the next job the moment it is posted and never counts it done:
  // the poster finds `next` already past it.
  const c = control.ints;
  const take = Atomics.compareExchange.bind(Atomics);
  let posted = false;
  const original = Atomics.notify;
  Atomics.notify = ((array: Int32Array, index: number, count?: number) => {
    if (array === c && !posted) {
      posted = true;
      const next = Atomics.load(c, SLOT.next);
      expect(take(c, SLOT.next, next, next + 1)).toBe(next);
    }
    return original(array, index, count);
  }) as typeof Atomics.notify;
  try {
    fill(1, 8 * 8);
    fill(2, 8 * 8);
    expect(() =>
      postAndRun(kernels, control, JOB.product, [at(1), at(2), at(3), 1, 1, 8, 8, 8], [], 2, 50),
    ).toThrow(KernelPoolStalled);
  } finally {
    Atomics.notify = original;
  }
});

test('a claim read in one job fails in the next (the tag in `next`): no chunk of the wrong job', () => {
  const control = newControl();
  const c = control.ints;
  fill(1, 8 * 8);
  fill(2, 8 * 8);
  const args = [at(1), at(2), at(3), 1, 1, 8, 8, 8];
  // A helper reads `next` as job A is posted, is preempted, and tries its claim once job B is
  // posted: without the tag both read chunk 0 and the claim would take B's chunk 0 (run with
  // A's reading of the job) and count it done.
  let read = -1;
  let claimed = -2;
  const original = Atomics.notify;
  Atomics.notify = ((array: Int32Array, index: number, count?: number) => {
    if (array === c && read === -1) read = Atomics.load(c, SLOT.next);
    else if (array === c && claimed === -2)
      claimed = Atomics.compareExchange(c, SLOT.next, read, read + 1);
    return original(array, index, count);
  }) as typeof Atomics.notify;
  try {
    postAndRun(kernels, control, JOB.product, args, [], 2);
    postAndRun(kernels, control, JOB.product, args, [], 2);
  } finally {
    Atomics.notify = original;
  }
  expect(read & 0xff).toBe(0);
  expect(claimed).not.toBe(read);
  expect(Atomics.load(c, SLOT.done)).toBe(2);
  expect(() => postAndRun(kernels, control, JOB.product, args, [], 256)).toThrow(/256 chunks/);
  expect(() => postAndRun(kernels, control, JOB.product, args, [], 2.25)).toThrow(/2.25 chunks/);
});

describe('the pool', () => {
  const backend = { wasm: { wasmMemory: memory } };

  function fakeHelper(
    answer: KernelHelperReply | null,
  ): HelperThread & { started: boolean; terminated: boolean } {
    const thread = {
      started: false,
      terminated: false,
      onmessage: null as HelperThread['onmessage'],
      onerror: null as HelperThread['onerror'],
      postMessage() {
        thread.started = true;
        if (answer)
          setTimeout(() => thread.onmessage?.({ data: answer } as MessageEvent<KernelHelperReply>));
      },
      terminate() {
        thread.terminated = true;
      },
    };
    return thread;
  }

  test('is not started without a shared heap, without helpers, or when no helper answers', async () => {
    const plain = { wasm: { wasmMemory: new WebAssembly.Memory({ initial: 1 }) } };
    expect(await startKernelPool(plain, 1, () => fakeHelper({ ready: true }))).toBeUndefined();
    expect(await startKernelPool(backend, 0, () => fakeHelper({ ready: true }))).toBeUndefined();
    const silent = fakeHelper(null);
    expect(await startKernelPool(backend, 1, () => silent, 50)).toBeUndefined();
    expect(silent.terminated).toBe(true);
    const refusing = fakeHelper({ ready: false });
    expect(await startKernelPool(backend, 1, () => refusing)).toBeUndefined();
    expect(refusing.terminated).toBe(true);
    expect(kernelPoolOf(backend)).toBeUndefined();
  });

  test('started, it runs large jobs (the poster takes the chunks no helper takes) until it stops', async () => {
    const helper = fakeHelper({ ready: true });
    const pool = (await startKernelPool(backend, 1, () => helper))!;
    expect(pool.helpers).toBe(1);
    expect(pool.maxChunks).toBe(4);
    expect(kernelPoolOf(backend)).toBe(pool);
    // 128 × 64 · 64 × 64: 2^19 multiply-adds, split.
    const g: ProductGeometry = {
      a: at(1),
      b: at(2),
      c: at(3),
      batchA: 1,
      batchB: 1,
      m: 128,
      k: 64,
      n: 64,
    };
    fill(1, 128 * 64);
    fill(2, 64 * 64);
    heap.fill(0, 3 * REGION, 3 * REGION + 128 * 64);
    heap.fill(0, 4 * REGION, 4 * REGION + 128 * 64);
    pool.product(g);
    productQuads(kernels, { ...g, c: at(4) }, 0, 32);
    expect(bits(read(3, 128 * 64))).toEqual(bits(read(4, 128 * 64)));
    // A filter gradient of a first layer (9 rows: 2.25 groups of four) through the pool.
    const shape: FilterGradShape = {
      n: 64,
      h: 12,
      w: 12,
      ci: 1,
      oh: 6,
      ow: 6,
      co: 16,
      k: 3,
      stride: 2,
      top: 0,
      left: 0,
    };
    fill(7, 64 * 12 * 12);
    fill(8, 64 * 6 * 6 * 16);
    heap.fill(0, 9 * REGION, 9 * REGION + 9 * 16);
    heap.fill(0, 10 * REGION, 10 * REGION + 9 * 16);
    pool.filterGrad(shape, naturalLayout(shape), at(7), at(8), at(9));
    accumulateFilterGradRows(kernels, shape, naturalLayout(shape), at(7), at(8), at(10), 0, 9);
    expect(bits(read(9, 9 * 16))).toEqual(bits(read(10, 9 * 16)));
    // simdKernelsOf answers splitting kernels while the pool runs.
    const pooled = simdKernelsOf(backend)!;
    expect(pooled).not.toBe(kernels);
    const [rows, cols] = [256, 512]; // 2^17 values: split
    const src = fill(5, rows * cols);
    pooled.transpose(at(5), at(6), rows, cols, cols, rows, 8);
    const out = read(6, rows * cols);
    for (let i = 0; i < rows; i += 17)
      for (let j = 0; j < cols; j += 13) expect(out[j * rows + i]).toBe(src[i * cols + j]);
    pool.stop();
    expect(helper.terminated).toBe(true);
    expect(kernelPoolOf(backend)).toBeUndefined();
    expect(simdKernelsOf(backend)).toBe(kernels);
  });
});
