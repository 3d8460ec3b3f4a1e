/** The WASM kernels registered over TF.js' own give the CPU backend's results. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, test, vi } from 'vitest';
import {
  canonicalPermutation,
  installWasmKernels,
  cheaperAsTransposedProduct,
  tileInto,
} from '../../../src/engine/wasmKernels';
import { simdKernelsOf } from '../../../src/engine/simd/simdKernels';
import { runBackendKernel } from './wasmBackend';
import { SeededRandom } from '../../../src/ml/random';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const rng = new SeededRandom(23);
const random = (shape: number[]) =>
  Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() - 0.5);

async function onBoth(f: () => tf.Tensor): Promise<[Float32Array, Float32Array]> {
  await tf.setBackend('cpu');
  const a = f();
  const cpu = (await a.data()) as Float32Array;
  a.dispose();
  await tf.setBackend('wasm');
  const b = f();
  const wasm = (await b.data()) as Float32Array;
  b.dispose();
  return [cpu, wasm];
}

describe('WASM kernels', () => {
  test('are installed over the wasm backend', () => {
    expect(installWasmKernels()).toBe(true);
  });

  test.each([
    [false, false, [5, 7], [7, 3]],
    [true, false, [7, 5], [7, 3]],
    [false, true, [5, 7], [3, 7]],
    [true, true, [7, 5], [3, 7]],
    [true, false, [2, 7, 5], [2, 7, 3]],
  ] as const)('matMul transposeA=%s transposeB=%s', async (ta, tb, sa, sb) => {
    installWasmKernels();
    const [a, b] = [random([...sa]), random([...sb])];
    const [cpu, wasm] = await onBoth(() =>
      tf.matMul(tf.tensor(a, [...sa]), tf.tensor(b, [...sb]), ta, tb),
    );
    expect(wasm.length).toBe(cpu.length);
    wasm.forEach((v, i) => expect(v).toBeCloseTo(cpu[i]!, 5));
  });

  test.each([
    [[8, 16], [64, 16], true], // dy·Wᵀ with weights much larger than dy: (W·dyᵀ)ᵀ
    [[1, 8, 16], [1, 64, 16], true], // the same with a batch axis of 1
    [[2, 8, 12], [2, 40, 12], true],
    [[64, 16], [8, 16], false], // the smaller operand is already the packed one
    [[8, 16], [64, 12], false], // k differs: not a product at all
    [[6, 16], [64, 16], false], // 6 rows: the transposes would leave SIMD
    [[2, 8, 16], [1, 64, 16], false], // batches that broadcast: left alone
  ] as const)('A %j · B %j transposed: as (B·Aᵀ)ᵀ is %s', (aShape, bShape, flipped) => {
    expect(cheaperAsTransposedProduct([...aShape], [...bShape])).toBe(flipped);
  });

  test.each([
    [
      [8, 16],
      [64, 16],
    ],
    [
      [2, 8, 12],
      [2, 40, 12],
    ],
    [
      [96, 128],
      [2048, 128],
    ],
  ] as const)(
    'A %j · B %j transposed, on one thread and on two, through (B·Aᵀ)ᵀ is the plain product of A and Bᵀ, bit for bit',
    async (aShape, bShape) => {
      installWasmKernels();
      await tf.setBackend('wasm');
      // With more than one thread XNNPACK runs the products, on one our gemm.ts: the flip pays on
      // both. Node's backend has one thread; the count is what the kernels read.
      const tfjs = (tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number } } })
        .wasm.tfjs;
      const a = tf.tensor(random([...aShape]), [...aShape]);
      const b = tf.tensor(random([...bShape]), [...bShape]);
      const rank = aShape.length;
      const [m, k, n] = [aShape[rank - 2], aShape[rank - 1], bShape[rank - 2]];
      const plain = tf.matMul(a, tf.transpose(b, rank === 3 ? [0, 2, 1] : [1, 0]));
      for (const threads of [1, 2]) {
        const threadsSpy = vi.spyOn(tfjs, 'getThreadsCount').mockReturnValue(threads);
        const transposeSpy = vi.spyOn(simdKernelsOf(tf.backend())!, 'transpose');
        const flipped = tf.matMul(a, b, false, true);
        // Aᵀ and the result move through our transpose (rows × columns of the source); B never does.
        const moved = transposeSpy.mock.calls.map((c) => `${c[2]} × ${c[3]}`);
        transposeSpy.mockRestore();
        threadsSpy.mockRestore();
        expect(moved).toContain(`${m} × ${k}`);
        expect(moved).toContain(`${n} × ${m}`);
        expect(moved).not.toContain(`${n} × ${k}`);
        expect(flipped.shape).toEqual(plain.shape);
        expect(Array.from(await flipped.data())).toEqual(Array.from(await plain.data()));
        flipped.dispose();
      }
      tf.dispose([a, b, plain]);
    },
  );

  // The kernel expected to run: our SIMD transpose or block swap, or none (the backend's own).
  test.each([
    [[8, 12], [1, 0], 'transpose'], // a matrix
    [[3, 4, 8], [0, 2, 1], 'transpose'], // three matrices
    [[64, 132], [1, 0], 'transpose'],
    [[8, 3, 5, 16], [1, 2, 0, 3], 'swapBlocks'], // whole blocks of 16: a convolution's dy
    [[8, 3, 5, 4], [3, 1, 2, 0], 'transpose'], // strided matrices: a convolution's input
    [[2, 2, 4, 3, 5, 8], [2, 3, 4, 0, 1, 5], 'swapBlocks'], // [a, b, n, r, c, ci] → [n, r, c, a, b, ci]
    [[2, 8, 3, 10, 8], [1, 2, 0, 3, 4], 'swapBlocks'], // row phases interleaved
    [[6, 8], [1, 0], 'none'], // 6 rows: the backend's own
    [[2, 4, 8], [2, 0, 1], 'transpose'], // [8, 8] by [1, 0] once merged
    [[2, 4, 6], [2, 0, 1], 'none'], // [8, 6] by [1, 0]: 6 columns, the backend's own
    [[4, 1, 8], [2, 1, 0], 'transpose'], // a size-1 axis dropped: a matrix
  ] as const)('transpose of %j by %j (%s)', async (shape, perm, kernel) => {
    installWasmKernels();
    await tf.setBackend('wasm');
    const simd = simdKernelsOf(tf.backend())!;
    const calls = {
      transpose: vi.spyOn(simd, 'transpose'),
      swapBlocks: vi.spyOn(simd, 'swapBlocks'),
    };
    try {
      const x = random([...shape]);
      const [cpu, wasm] = await onBoth(() => tf.transpose(tf.tensor(x, [...shape]), [...perm]));
      expect(Array.from(wasm)).toEqual(Array.from(cpu));
      expect(calls.transpose.mock.calls.length > 0).toBe(kernel === 'transpose');
      expect(calls.swapBlocks.mock.calls.length > 0).toBe(kernel === 'swapBlocks');
    } finally {
      vi.restoreAllMocks();
    }
  });

  test.each([
    [
      [5, 7],
      [1, 0],
      [5, 7],
      [1, 0],
    ],
    [
      [8, 3, 5, 16],
      [1, 2, 0, 3],
      [8, 15, 16],
      [1, 0, 2],
    ],
    [
      [8, 3, 5, 16],
      [3, 1, 2, 0],
      [8, 15, 16],
      [2, 1, 0],
    ],
    [
      [4, 1, 8],
      [2, 1, 0],
      [4, 8],
      [1, 0],
    ],
    [[2, 3, 4], [0, 1, 2], [24], [0]],
    [
      [2, 2, 4, 3, 5, 8],
      [2, 3, 4, 0, 1, 5],
      [4, 60, 8],
      [1, 0, 2],
    ],
  ])('the canonical form of %j by %j is %j by %j', (shape, perm, want, wantPerm) => {
    expect(canonicalPermutation(shape, perm)).toEqual({ shape: want, perm: wantPerm });
  });

  test.each([
    [[64, 32], [0], false],
    [[16, 5, 5, 8], [0, 1, 2], false], // a convolution's bias gradient
    [[16, 5, 5, 8], [0, 1, 2], true],
    [[16, 12], [-2], false],
    [[16, 6], [0], false], // 6 columns: the backend's own
    [[16, 12], [1], false], // the last axis: the backend's own
    [[8, 6, 8], [1, 0], false], // leading axes out of order: the backend adds in that order
  ])('sum of %j over %j (keepDims %s) adds as the backend does', async (shape, axes, keepDims) => {
    installWasmKernels();
    await tf.setBackend('wasm');
    const sumRows = vi.spyOn(simdKernelsOf(tf.backend())!, 'sumRows');
    const rank = shape.length;
    const x = tf.tensor(
      Float32Array.from(
        { length: shape.reduce((a, b) => a * b, 1) },
        (_, i) => (rng.next() - 0.5) * 10 ** ((i % 9) - 4),
      ),
      shape,
    );
    const mine = tf.sum(x, axes, keepDims);
    // The backend's own order: the reduced axes moved last, then summed innermost (not our kernel).
    const moved = axes.map((a) => (a < 0 ? a + rank : a));
    const rest = shape.map((_, i) => i).filter((i) => !moved.includes(i));
    const theirs = tf.reshape(
      tf.sum(
        tf.transpose(x, [...rest, ...moved]),
        moved.map((_, i) => rest.length + i),
      ),
      mine.shape,
    );
    expect(mine.shape).toEqual(
      keepDims ? shape.map((d, i) => (moved.includes(i) ? 1 : d)) : rest.map((i) => shape[i]!),
    );
    expect(Array.from(await mine.data())).toEqual(Array.from(await theirs.data()));
    // Ours ran exactly for the leading axes in order, with columns a multiple of 4.
    const cols = shape.slice(axes.length).reduce((a, b) => a * b, 1);
    const ours = moved.every((a, i) => a === i) && cols % 4 === 0;
    expect(sumRows.mock.calls.length > 0).toBe(ours);
    vi.restoreAllMocks();
    tf.dispose([x, mine, theirs]);
  });

  test.each([
    [[512, 512], [1], false, true],
    [[128, 1024], [-1], true, true],
    [[256, 8, 8, 4], [1, 2, 3], true, true],
    [[513, 512], [1], false, false], // rows not a multiple of 4: the backend's own
    [[64, 64], [1], false, false], // small: the backend's own
  ])(
    'row sums of %j over %j (keepDims %s, ours %s): the backend kernel, bit for bit',
    async (shape, axis, keepDims, ours) => {
      installWasmKernels();
      await tf.setBackend('wasm');
      const special = [NaN, Infinity, -Infinity, -0, 0, 1e-45, 3.4e38, -3.4e38];
      const x = tf.tensor(
        Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) =>
          i % 211 < special.length ? special[i % 211]! : (rng.next() - 0.5) * 10 ** ((i % 9) - 4),
        ),
        shape,
      );
      const sumRows = vi.spyOn(simdKernelsOf(tf.backend())!, 'sumRows');
      const mine = tf.sum(x, axis, keepDims);
      expect(sumRows.mock.calls.length > 0).toBe(ours);
      vi.restoreAllMocks();
      const theirs = runBackendKernel('Sum', { x }, { axis, keepDims });
      expect(mine.shape).toEqual(theirs.shape);
      const bits = (v: ArrayLike<number>) =>
        Array.from(v, (y) => (Number.isNaN(y) ? 'NaN' : Object.is(y, -0) ? '-0' : y));
      expect(bits(await mine.data())).toEqual(bits(await theirs.data()));
      tf.dispose([x, mine, theirs]);
    },
  );

  test('transpose of int32 keeps the backend kernel and its dtype', async () => {
    installWasmKernels();
    const [cpu, wasm] = await onBoth(() =>
      tf.transpose(
        tf.tensor(
          Int32Array.from({ length: 32 }, (_, i) => i),
          [4, 8],
          'int32',
        ),
      ),
    );
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });

  test.each([
    [
      [4, 3],
      [2, 1],
    ],
    [
      [4, 3],
      [1, 3],
    ],
    [
      [2, 3, 4],
      [2, 1, 3],
    ],
    [[3], [4]],
    [
      [2, 2, 2, 1],
      [2, 1, 1, 1],
    ],
  ])('tile %j by %j', async (shape, reps) => {
    installWasmKernels();
    const x = random(shape);
    const [cpu, wasm] = await onBoth(() => tf.tile(tf.tensor(x, shape), reps));
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });

  test.each([
    [[64, 28, 28, 1], 2],
    [[32, 8, 8, 3], 3],
  ])(
    'tile %j by %d on the first axis: whole copies by our map, as the CPU backend',
    async (shape, r) => {
      installWasmKernels();
      const x = random(shape);
      await tf.setBackend('wasm');
      const spy = vi.spyOn(simdKernelsOf(tf.backend())!, 'mapRange');
      const [cpu, wasm] = await onBoth(() => tf.tile(tf.tensor(x, shape), [r, 1, 1, 1]));
      expect(spy).toHaveBeenCalledTimes(r);
      spy.mockRestore();
      expect(Array.from(wasm)).toEqual(Array.from(cpu));
    },
  );

  test('tileInto copies blocks as tf.tile does (int32 too)', () => {
    const src = Int32Array.from({ length: 6 }, (_, i) => i);
    const dst = new Int32Array(24);
    tileInto(src, [2, 3], [2, 2], dst);
    expect(Array.from(dst)).toEqual([
      0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5,
    ]);
  });
});
