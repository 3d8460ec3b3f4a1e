/**
 * The kernel pool's job protocol and pool on one thread (Node has no shared WASM heap for TF.js;
 * test/browser/kernelPool.test.ts runs real helper threads): a job split into chunks writes what one
 * call over the whole writes, bit for bit, whoever runs the chunks; chunk ranges cover every item
 * once; a chunk that throws or never finishes fails the job instead of hanging it; a pool whose
 * helpers never answer is not started, and a started one hands its splitting kernels to
 * simdKernelsOf until it stops.
 */
import { describe, expect, test } from 'vitest';
import {
  CONTROL_BYTES,
  JOB,
  KernelPoolStalled,
  SLOT,
  chunkRange,
  controlBlock,
  postAndRun,
  takeChunks,
} from '../../../../src/engine/simd/kernelJobs';
import {
  accumulateFilterGradRows,
  type FilterGradShape,
} from '../../../../src/engine/simd/filterGradRows';
import {
  kernelPoolOf,
  startKernelPool,
  type HelperThread,
  type KernelHelperReply,
} from '../../../../src/engine/simd/kernelPool';
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

  test('sumRows', () => {
    const [rows, cols] = [13, 40];
    fill(1, rows * cols);
    kernels.sumRows(at(1), at(3), rows, cols, cols);
    postAndRun(kernels, newControl(), JOB.sumRows, [at(1), at(2), rows, cols, cols], [], chunks);
    expect(Array.from(read(2, cols))).toEqual(Array.from(read(3, cols)));
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
    expect(Array.from(read(5, n))).toEqual(Array.from(read(8, n)));
    expect(Array.from(read(2, n))).toEqual(Array.from(read(6, n)));
    expect(Array.from(read(3, n))).toEqual(Array.from(read(7, n)));
    expect(Array.from(w)).toEqual(Array.from(read(1, n))); // the weights are read, not written
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
    fill(1, shape.n * shape.h * shape.w * shape.ci);
    fill(2, shape.n * shape.oh * shape.ow * shape.co);
    heap.fill(0, 3 * REGION, 3 * REGION + rows * shape.co);
    heap.fill(0, 4 * REGION, 4 * REGION + rows * shape.co);
    accumulateFilterGradRows(kernels, shape, at(1), at(2), at(4), 0, rows);
    const { n, h, w, ci, oh, ow, co, k, stride, top, left } = shape;
    postAndRun(
      kernels,
      newControl(),
      JOB.filterGrad,
      [n, h, w, ci, oh, ow, co, k, stride, top, left, at(1), at(2), at(3)],
      [],
      chunks,
    );
    expect(Array.from(read(3, rows * co))).toEqual(Array.from(read(4, rows * co)));
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
      take(c, SLOT.next, 0, 1);
    }
    return original(array, index, count);
  }) as typeof Atomics.notify;
  try {
    const [rows, cols] = [8, 8];
    expect(() =>
      postAndRun(
        kernels,
        control,
        JOB.transpose,
        [at(1), at(2), rows, cols, cols, rows, 8],
        [],
        2,
        50,
      ),
    ).toThrow(KernelPoolStalled);
  } finally {
    Atomics.notify = original;
  }
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

  test('started, it splits large jobs (the poster runs the chunks no helper takes) until it stops', async () => {
    const base = simdKernelsOf(backend)!;
    const helper = fakeHelper({ ready: true });
    const pool = (await startKernelPool(backend, 1, () => helper))!;
    expect(pool.helpers).toBe(1);
    expect(kernelPoolOf(backend)).toBe(pool);
    const pooled = simdKernelsOf(backend)!;
    expect(pooled).not.toBe(base);
    const [rows, cols] = [256, 512]; // 2^17 values: split
    const src = fill(1, rows * cols);
    pooled.transpose(at(1), at(2), rows, cols, cols, rows, 8);
    const out = read(2, rows * cols);
    for (let i = 0; i < rows; i += 17)
      for (let j = 0; j < cols; j += 13) expect(out[j * rows + i]).toBe(src[i * cols + j]);
    pool.stop();
    expect(helper.terminated).toBe(true);
    expect(kernelPoolOf(backend)).toBeUndefined();
    expect(simdKernelsOf(backend)).toBe(base);
  });
});
