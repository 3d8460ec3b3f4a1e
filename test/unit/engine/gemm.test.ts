/**
 * Our one-thread product (engine/gemm.ts) gives XNNPACK's values bit for bit (the backend's own
 * BatchMatMul and _FusedMatMul kernels, called directly), the same as a float32 loop written from
 * the formula, with a bias, a ReLU, rows that are not a multiple of four, a broadcast batch, and
 * non-finite inputs; matMul and fused.matMul on WASM use it; it declines what it does not take.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, test, vi } from 'vitest';
import { singleThreadProduct } from '../../../src/engine/gemm';
import { simdKernelsOf } from '../../../src/engine/simd/simdKernels';
import { SeededRandom } from '../../../src/ml/random';
import { bits, runBackendKernel, useWasmBackend } from './wasmBackend';

useWasmBackend();

const rng = new SeededRandom(7);
const random = (shape: number[]) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1),
    shape,
  );

/** The formula: from the bias (or +0), one float32 product and add at a time in k's order. */
function loop(
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array | undefined,
  relu: boolean,
  batchA: number,
  batchB: number,
  m: number,
  k: number,
  n: number,
): Float32Array {
  const batch = Math.max(batchA, batchB);
  const out = new Float32Array(batch * m * n);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = bias ? bias[j]! : 0;
        for (let p = 0; p < k; p++) {
          const x = a[(batchA === 1 ? 0 : t) * m * k + i * k + p]!;
          const y = b[(batchB === 1 ? 0 : t) * k * n + p * n + j]!;
          acc = Math.fround(acc + Math.fround(x * y));
        }
        // XNNPACK's clamp: pmax(0, acc), so NaN and −0 give +0.
        out[t * m * n + i * n + j] = relu ? (0 < acc ? acc : 0) : acc;
      }
  return out;
}

describe('singleThreadProduct', () => {
  const cases: [number, number, number, number, number, boolean, boolean][] = [
    // batchA, batchB, m, k, n, bias, relu
    [1, 1, 512, 784, 256, false, false],
    [1, 1, 37, 19, 12, true, false],
    [1, 1, 6, 5, 8, true, true],
    [1, 1, 130, 64, 4, false, true],
    [3, 3, 9, 7, 16, false, false],
    [1, 4, 5, 3, 8, false, false],
    [4, 1, 5, 3, 8, false, false],
  ];
  test.each(cases)(
    'batch %i×%i, %i×%i×%i, bias %s, relu %s: XNNPACK and the loop, bit for bit',
    async (batchA, batchB, m, k, n, withBias, relu) => {
      const a = random([batchA, m, k]);
      const b = random([batchB, k, n]);
      const bias = withBias ? random([n]) : null;
      const ours = tf
        .engine()
        .makeTensorFromTensorInfo(
          singleThreadProduct(tf.backend(), a, b, bias ?? undefined, relu)!,
        );
      const theirs =
        withBias || relu
          ? runBackendKernel(
              '_FusedMatMul',
              { a, b, bias },
              { transposeA: false, transposeB: false, activation: relu ? 'relu' : 'linear' },
            )
          : runBackendKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
      const expected = loop(
        (await a.data()) as Float32Array,
        (await b.data()) as Float32Array,
        bias ? ((await bias.data()) as Float32Array) : undefined,
        relu,
        batchA,
        batchB,
        m,
        k,
        n,
      );
      expect(ours.shape).toEqual(theirs.shape);
      expect(bits(await ours.data())).toEqual(bits(await theirs.data()));
      expect(bits(await ours.data())).toEqual(bits(expected));
      tf.dispose([a, b, bias, ours, theirs].filter((t): t is tf.Tensor => t !== null));
    },
  );

  test('NaN, infinities and signed zeros come out as XNNPACK gives them', async () => {
    const a = tf.tensor3d([
      [
        [NaN, 1, 1, 1],
        [Infinity, 1, 1, 1],
        [-Infinity, 1, 1, 1],
        [0, 0, 0, 0],
        [-0, 0, 0, -0],
      ],
    ]);
    const b = tf.tensor3d([
      [
        [1, -1, 0, 2, -0, 0, 1, -1],
        [1, 1, 1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1, 1, 1],
        [-1, 1, 1, 1, -1, -1, 1, 1],
      ],
    ]);
    for (const [bias, relu] of [
      [undefined, false],
      [tf.tensor1d([-0, 0, -0, 0, 1, -1, -0, -0]), false],
      [tf.tensor1d([-0, 0, -0, 0, 1, -1, -0, -1e30]), true],
    ] as [tf.Tensor | undefined, boolean][]) {
      const ours = tf
        .engine()
        .makeTensorFromTensorInfo(singleThreadProduct(tf.backend(), a, b, bias, relu)!);
      const theirs =
        bias || relu
          ? runBackendKernel(
              '_FusedMatMul',
              { a, b, bias: bias ?? null },
              { transposeA: false, transposeB: false, activation: relu ? 'relu' : 'linear' },
            )
          : runBackendKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
      const [o, t] = [await ours.data(), await theirs.data()];
      // NaN payloads aside, every value and every zero's sign.
      expect(
        Array.from(o).map((v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v)),
      ).toEqual(Array.from(t).map((v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v)));
      tf.dispose([ours, theirs]);
    }
  });

  test('matMul and fused.matMul on WASM run it; it declines what it does not take', () => {
    const simd = simdKernelsOf(tf.backend())!;
    const spy = vi.spyOn(simd, 'accumulateRows4');
    tf.tidy(() => tf.matMul(random([8, 4]), random([4, 8])));
    expect(spy).toHaveBeenCalled();
    spy.mockClear();
    tf.tidy(() =>
      tf.fused.matMul({
        a: random([8, 4]),
        b: random([4, 8]),
        bias: random([8]),
        activation: 'relu',
      }),
    );
    expect(spy).toHaveBeenCalled();
    spy.mockClear();
    // Rank 2 against a batch of one.
    tf.tidy(() => tf.matMul(random([8, 4]), random([1, 4, 8])));
    expect(spy).toHaveBeenCalled();
    spy.mockClear();
    // Batch dimensions of different ranks: the broadcast shape, as the backend's.
    const r = tf.tidy(() => tf.matMul(random([2, 4, 3]), random([1, 1, 3, 8])));
    expect(r.shape).toEqual([1, 2, 4, 8]);
    expect(spy).toHaveBeenCalled();
    r.dispose();
    spy.mockClear();
    // Columns not a multiple of 4, another activation, k = 0: the backend's kernel.
    tf.tidy(() => tf.matMul(random([8, 4]), random([4, 6])));
    tf.tidy(() => tf.fused.matMul({ a: random([8, 4]), b: random([4, 8]), activation: 'elu' }));
    tf.tidy(() => tf.matMul(tf.zeros([4, 0]), tf.zeros([0, 8])));
    // Batches that broadcast partly ([2, 1] against [1, 3]), an empty product with a bias; a bias
    // that is not a vector (the backend refuses it too).
    tf.tidy(() => tf.matMul(random([2, 1, 4, 4]), random([1, 3, 4, 8])));
    tf.tidy(() => tf.fused.matMul({ a: tf.zeros([0, 4]), b: random([4, 8]), bias: random([8]) }));
    expect(spy).not.toHaveBeenCalled();
    tf.tidy(() => {
      const bias = random([8, 1]);
      expect(singleThreadProduct(tf.backend(), random([8, 4]), random([4, 8]), bias, false)).toBe(
        undefined,
      );
    });
    spy.mockRestore();
  });
});
