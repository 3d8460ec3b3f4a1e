/**
 * Our WASM SIMD kernels: the committed binary is the assembled source, Adam is bit for bit the
 * JavaScript loop's, the finiteness check finds every non-finite value in every lane, and TF.js'
 * WASM backend really runs them (the optimiser's kernels on wasm equal the cpu backend's loop).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, test, vi } from 'vitest';
import {
  assembleSimdKernels,
  renderSimdKernelsModule,
} from '../../../../scripts/build-simd-kernels';
import { simdKernelsOf, simdKernelsOn } from '../../../../src/engine/simd/simdKernels';
import { adamUpdate, finiteFlag, TrainingOptimizer } from '../../../../src/engine/optimizer';
import { SeededRandom } from '../../../../src/ml/random';

afterAll(async () => {
  await tf.setBackend('cpu');
});

test('the committed binary is the assembled kernels.wat (npm run build:simd)', async () => {
  const committed = readFileSync('src/engine/simd/kernelsBinary.ts', 'utf8');
  expect(committed).toBe(renderSimdKernelsModule(await assembleSimdKernels()));
}, 30_000);

const MEMORIES = {
  plain: () => new WebAssembly.Memory({ initial: 64 }),
  shared: () => new WebAssembly.Memory({ initial: 64, maximum: 128, shared: true }),
};

describe.each(Object.keys(MEMORIES) as (keyof typeof MEMORIES)[])('on a %s memory', (kind) => {
  const memory = MEMORIES[kind]();
  const kernels = simdKernelsOn(memory)!;
  const rng = new SeededRandom(5);

  test('it instantiates', () => {
    expect(kernels).toBeDefined();
  });

  test.each([4, 8, 1024, 4096])('Adam on %i values is bit for bit the JavaScript loop', (n) => {
    // Ordinary values, zeros, tiny and huge ones, first step (s = 0) and later ones.
    const fill = (scale: number) =>
      Float32Array.from({ length: n }, (_, i) =>
        i % 17 === 0 ? 0 : i % 29 === 0 ? 1e-30 : i % 31 === 0 ? 3e30 : (rng.next() - 0.5) * scale,
      );
    const [w, m, g] = [fill(2), fill(0.1), fill(5)];
    const s = Float32Array.from(fill(0.1), Math.abs);
    const attrs = { lr: 0.003, c1: 1 - 0.9 ** 7, c2: 1 - 0.999 ** 7, eps: 1e-7 };
    const heap = new Float32Array(memory.buffer);
    const base = 64; // float index; every array 16-byte aligned
    [w, m, s, g].forEach((x, i) => heap.set(x, base + i * n));
    const [mJs, sJs, oJs] = [m.slice(), s.slice(), new Float32Array(n)];
    adamUpdate(w, mJs, sJs, g, oJs, attrs);
    const at = (i: number) => (base + i * n) * 4;
    kernels.adam(
      at(0),
      at(1),
      at(2),
      at(3),
      at(4),
      n,
      attrs.lr / attrs.c1,
      1 / Math.sqrt(attrs.c2),
      attrs.eps,
    );
    const read = (i: number) => Array.from(heap.subarray(base + i * n, base + (i + 1) * n));
    expect(read(1)).toEqual(Array.from(mJs));
    expect(read(2)).toEqual(Array.from(sJs));
    expect(read(4)).toEqual(Array.from(oJs));
  });

  test('allFinite finds NaN, +Inf and −Inf in every lane, and passes the largest finite floats', () => {
    const heap = new Float32Array(memory.buffer);
    const n = 64;
    const p = 256;
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (let lane = 0; lane < n; lane++) {
        heap.fill(3.4e38, p, p + n);
        heap[p + 1] = -3.4e38;
        heap[p + lane] = bad;
        expect(kernels.allFinite(p * 4, n)).toBe(0);
      }
    }
    heap.fill(3.4e38, p, p + n);
    heap[p + 5] = -3.4e38;
    heap[p + 6] = 1e-45;
    expect(kernels.allFinite(p * 4, n)).toBe(1);
    expect(kernels.allFinite(p * 4, 0)).toBe(1);
  });

  test.each([
    [4, 4, 4],
    [8, 12, 8],
    [68, 260, 32],
    [68, 260, 8],
    [128, 132, 64],
    [260, 8, 4],
  ])(
    'transpose of a %i × %i matrix (strips of %i columns) is the naive loop',
    (rows, cols, strip) => {
      const heap = new Float32Array(memory.buffer);
      const src = 128;
      const dst = src + rows * cols + 4;
      for (let i = 0; i < rows * cols; i++) heap[src + i] = rng.next() - 0.5;
      heap.fill(NaN, dst, dst + rows * cols + 4);
      kernels.transpose(src * 4, dst * 4, rows, cols, cols, rows, strip);
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++)
          if (heap[dst + j * rows + i] !== heap[src + i * cols + j])
            throw new Error(`(${i}, ${j}) differs`);
      // Nothing written past the output.
      expect(Array.from(heap.subarray(dst + rows * cols, dst + rows * cols + 4))).toEqual([
        NaN,
        NaN,
        NaN,
        NaN,
      ]);
    },
  );

  test('a strided transpose touches only its rows', () => {
    const heap = new Float32Array(memory.buffer);
    // An 8 × 4 block inside a 8 × 12 source (stride 12) into a 4 × 8 block inside 4 × 20 (stride 20).
    const [src, dst] = [128, 1024];
    for (let i = 0; i < 8 * 12; i++) heap[src + i] = i;
    heap.fill(-1, dst, dst + 4 * 20);
    kernels.transpose((src + 4) * 4, (dst + 3) * 4, 8, 4, 12, 20, 8);
    for (let j = 0; j < 4; j++)
      for (let k = 0; k < 20; k++)
        expect(heap[dst + j * 20 + k]).toBe(k >= 3 && k < 11 ? (k - 3) * 12 + 4 + j : -1);
  });

  test('swapBlocks moves whole blocks: [a, b, c] → [b, a, c], all or a range of output rows', () => {
    const heap = new Float32Array(memory.buffer);
    const [a, b, c] = [3, 5, 6];
    const [src, dst] = [64, 512];
    for (let i = 0; i < a * b * c; i++) heap[src + i] = i;
    heap.fill(-1, dst, dst + a * b * c);
    kernels.swapBlocks(src * 4, dst * 4, a, b, c, 1, 3);
    for (let i = 0; i < a; i++)
      for (let j = 0; j < b; j++)
        for (let k = 0; k < c; k++)
          expect(heap[dst + (j * a + i) * c + k]).toBe(j >= 1 && j < 3 ? (i * b + j) * c + k : -1);
    kernels.swapBlocks(src * 4, dst * 4, a, b, c, 0, b);
    for (let i = 0; i < a; i++)
      for (let j = 0; j < b; j++)
        for (let k = 0; k < c; k++)
          expect(heap[dst + (j * a + i) * c + k]).toBe((i * b + j) * c + k);
  });

  test('sumRows adds each column from the first row down, in float32 (a range of columns too)', () => {
    const heap = new Float32Array(memory.buffer);
    const [rows, cols] = [37, 12];
    const [src, dst] = [64, 2048];
    for (let i = 0; i < rows * cols; i++) heap[src + i] = (rng.next() - 0.5) * 10 ** ((i % 7) - 3);
    kernels.sumRows(src * 4, dst * 4, rows, cols, cols);
    for (let j = 0; j < cols; j++) {
      let acc = 0;
      for (let i = 0; i < rows; i++) acc = Math.fround(acc + heap[src + i * cols + j]!);
      expect(heap[dst + j]).toBe(acc);
    }
    // Columns 4..11 only: rows still `cols` floats apart.
    kernels.sumRows((src + 4) * 4, (dst + 100) * 4, rows, 8, cols);
    for (let j = 0; j < 8; j++) expect(heap[dst + 100 + j]).toBe(heap[dst + 4 + j]);
  });
});

describe('inside TF.js on wasm', () => {
  test('the backend exposes its memory, so the kernels run (no silent fallback)', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    expect(simdKernelsOf(tf.backend())).toBeDefined();
  });

  test('the finiteness flag on wasm runs the SIMD pass (and the loop for the tails)', async () => {
    await tf.setBackend('wasm');
    const allFinite = vi.spyOn(simdKernelsOf(tf.backend())!, 'allFinite');
    const ok = tf.tensor([1, 2, 3, 4, 5, 6]);
    const bad = tf.tensor([1, 2, 3, 4, 5, Infinity]); // the Inf in the tail
    const flags = [finiteFlag([ok, ok]), finiteFlag([ok, bad])];
    expect(await flags[0]!.data()).toEqual(Float32Array.of(1));
    expect(await flags[1]!.data()).toEqual(Float32Array.of(0));
    expect(allFinite.mock.calls.map((c) => c[1])).toEqual([4, 4, 4, 4]);
    vi.restoreAllMocks();
    tf.dispose([ok, bad, ...flags]);
  });

  test('Adam on wasm (SIMD + tail) equals Adam on cpu (the loop) bit for bit over 5 steps', async () => {
    const rng = new SeededRandom(9);
    const sizes = [4099, 16, 3]; // a tail of 3, none, and only a tail
    const start = sizes.map((n) => Float32Array.from({ length: n }, () => rng.next() - 0.5));
    const grads = Array.from({ length: 5 }, () =>
      sizes.map((n) => Float32Array.from({ length: n }, () => (rng.next() - 0.5) * 4)),
    );
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const vs = start.map((x, i) => tf.variable(tf.tensor(x), true, `simd-${backend}-${i}`));
      const opt = new TrainingOptimizer({ name: 'adam', lr: 0.01 });
      for (const step of grads) {
        const gs = step.map((x) => tf.tensor(x));
        opt.apply(vs, gs);
        tf.dispose(gs);
      }
      const out = await Promise.all(vs.map(async (v) => Array.from(await v.data())));
      opt.dispose();
      tf.dispose(vs);
      return out;
    };
    const cpu = await run('cpu');
    await tf.setBackend('wasm');
    const adam = vi.spyOn(simdKernelsOf(tf.backend())!, 'adam');
    const wasm = await run('wasm');
    expect(wasm).toEqual(cpu);
    // Four values at a time for the first two variables (4096 + 16 of them), none for the third.
    expect(adam.mock.calls.map((c) => c[5])).toEqual(
      Array.from({ length: 5 }, () => [4096, 16]).flat(),
    );
    vi.restoreAllMocks();
  });
});
