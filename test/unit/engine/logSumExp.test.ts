/**
 * The fused masked log-sum-exp (engine/logSumExp.ts) on WASM gives the tensor form's values and
 * gradients bit for bit (ml/ops.ts with the kernels unregistered: Select, Max, Sub, Exp, Sum and
 * their gradients on the backend's kernels), with bool and float masks, no mask, fully masked
 * rows and non-finite logits; our expf is the backend's Exp, value for value; the loops in
 * JavaScript (no WASM SIMD) give the SIMD kernels' values; the losses use it.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, test, vi } from 'vitest';
import { expf, gradInJs, installLogSumExpKernels, rowsInJs } from '../../../src/engine/logSumExp';
import { EXP2F_TABLE, simdKernelsOf } from '../../../src/engine/simd/simdKernels';
import {
  LOG_SUM_EXP_GRAD_KERNEL,
  LOG_SUM_EXP_ROWS_KERNEL,
  logSumExp,
  maskedLogSumExp,
} from '../../../src/ml/ops';
import { SeededRandom } from '../../../src/ml/random';
import { bits, useWasmBackend } from './wasmBackend';

useWasmBackend();

const rng = new SeededRandom(23);
const hex = (h: string) => {
  const m = /^(-?)0x1\.([0-9a-f]+)p([+-]?\d+)$/i.exec(h)!;
  return (m[1] ? -1 : 1) * (1 + parseInt(m[2]!, 16) / 16 ** m[2]!.length) * 2 ** parseInt(m[3]!);
};

/** f(x) and d/dx Σ (f(x)·w) with the fused kernels, then with the tensor form. */
async function bothForms(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor) {
  const run = async () => {
    const value = tf.tidy(() => f(x));
    const weights = tf.tidy(() => tf.randomUniform(value.shape, -1, 1, 'float32', 5));
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input), weights)))(x);
    const out = { value: Array.from(await value.data()), grad: Array.from(await grad.data()) };
    tf.dispose([value, weights, grad]);
    return out;
  };
  const fused = await run();
  tf.unregisterKernel(LOG_SUM_EXP_ROWS_KERNEL, 'wasm');
  tf.unregisterKernel(LOG_SUM_EXP_GRAD_KERNEL, 'wasm');
  try {
    return { fused, tensor: await run() };
  } finally {
    installLogSumExpKernels();
  }
}

const random = (r: number, c: number, scale = 4) =>
  tf.tensor2d(
    Float32Array.from({ length: r * c }, () => (rng.next() * 2 - 1) * scale),
    [r, c],
  );
const randomMask = (r: number, c: number, p = 0.7) =>
  tf.tensor2d(
    Uint8Array.from({ length: r * c }, () => (rng.next() < p ? 1 : 0)),
    [r, c],
    'bool',
  );

describe('the fused masked log-sum-exp', () => {
  test('our expf is the backend Exp, value for value (2^18 values, the edges, NaN)', async () => {
    expect(46.16624130844683).toBe(hex('0x1.71547652b82fep+5'));
    const n = 1 << 18;
    const xs = Float32Array.from(
      { length: n },
      (_, i) => (rng.next() * 2 - 1) * [120, 10, 1, 1e-3][i % 4]!,
    );
    xs.set([
      NaN,
      Infinity,
      -Infinity,
      0,
      -0,
      88.72283,
      88.7229,
      -103.972,
      -103.9721,
      -88,
      88,
      1e-40,
    ]);
    const backend = await tf.exp(tf.tensor1d(xs)).data();
    const show = (v: number) => (Number.isNaN(v) ? 'NaN' : v);
    expect(Array.from(xs, (x) => show(expf(x)))).toEqual(Array.from(backend, show));
    // The table: 2^(i/32) to within an ulp of binary64 (JavaScript's 2 ** x is not exact either).
    const f64 = new Float64Array(new Uint32Array(EXP2F_TABLE).buffer);
    const words = new BigUint64Array(f64.buffer);
    for (let i = 0; i < 32; i++) {
      const value = new Float64Array(
        new BigUint64Array([words[i]! + (BigInt(i) << 47n)]).buffer,
      )[0]!;
      expect(Math.abs(value - 2 ** (i / 32))).toBeLessThanOrEqual(2 ** -52);
    }
  });

  test.each([
    [8, 12, 'bool'],
    [37, 64, 'bool'],
    [16, 40, 'float'],
    [64, 64, 'none'],
  ] as const)(
    '%i × %i, mask %s: values and gradients of the tensor form, bit for bit',
    async (r, c, kind) => {
      const x = random(r, c);
      const mask =
        kind === 'bool'
          ? randomMask(r, c)
          : kind === 'float'
            ? tf.cast(randomMask(r, c), 'float32')
            : undefined;
      const f = (input: tf.Tensor) =>
        mask ? maskedLogSumExp(input, mask) : logSumExp(input, 1, true);
      const { fused, tensor } = await bothForms(f, x);
      expect(bits(fused.value)).toEqual(bits(tensor.value));
      expect(bits(fused.grad)).toEqual(bits(tensor.grad));
      tf.dispose(mask ? [x, mask] : [x]);
    },
  );

  test('fully masked rows, huge and non-finite logits: the same values (NaN for NaN)', async () => {
    const x = tf.tensor2d([
      [1, 2, 3, 4],
      [100, -100, 90, 0],
      [Infinity, 1, 2, 3],
      [NaN, 1, 2, 3],
      [1, NaN, 2, 3],
      [-Infinity, -Infinity, 0, 1],
      [5, 6, 7, 8],
    ]);
    const mask = tf.tensor2d(
      [
        [1, 1, 1, 1],
        [1, 0, 1, 1],
        [1, 1, 1, 1],
        [1, 1, 1, 1],
        [1, 1, 1, 1],
        [1, 1, 1, 1],
        [0, 0, 0, 0],
      ],
      undefined,
      'bool',
    );
    const { fused, tensor } = await bothForms((input) => maskedLogSumExp(input, mask, 1, false), x);
    const show = (v: number) => (Number.isNaN(v) ? 'NaN' : v);
    expect(fused.value.map(show)).toEqual(tensor.value.map(show));
    expect(fused.grad.map(show)).toEqual(tensor.grad.map(show));
    tf.dispose([x, mask]);
  });

  test('the loops in JavaScript give the SIMD kernels values', async () => {
    const [r, c] = [9, 20];
    const x = random(r, c, 30);
    const mask = randomMask(r, c);
    const [shift, sum] = tf.engine().runKernel(LOG_SUM_EXP_ROWS_KERNEL, { x, mask }) as tf.Tensor[];
    const js = rowsInJs(
      (await x.data()) as Float32Array,
      (await mask.data()) as unknown as Uint8Array,
      r,
      c,
    );
    expect(bits(await shift!.data())).toEqual(bits(js.shift));
    expect(bits(await sum!.data())).toEqual(bits(js.sum));
    const lse = tf.add(shift!, tf.log(sum!));
    const dy = random(r, 1);
    const dx = tf.engine().runKernel(LOG_SUM_EXP_GRAD_KERNEL, { x, mask, lse, dy }) as tf.Tensor;
    const jsGrad = gradInJs(
      (await x.data()) as Float32Array,
      (await mask.data()) as unknown as Uint8Array,
      (await lse.data()) as Float32Array,
      (await dy.data()) as Float32Array,
      c,
    );
    expect(bits(await dx.data())).toEqual(bits(jsGrad));
    tf.dispose([x, mask, shift!, sum!, lse, dy, dx]);
  });

  test('maskedLogSumExp on WASM runs the kernels; a rank-1 call keeps the tensor form', () => {
    const simd = simdKernelsOf(tf.backend())!;
    const rows = vi.spyOn(simd, 'logSumExpRows');
    const grads = vi.spyOn(simd, 'logSumExpGradRows');
    const x = random(8, 8);
    const mask = randomMask(8, 8);
    tf.tidy(() => tf.grad((input: tf.Tensor) => tf.sum(maskedLogSumExp(input, mask)))(x));
    expect(rows).toHaveBeenCalledTimes(1);
    expect(grads).toHaveBeenCalledTimes(1);
    rows.mockClear();
    tf.tidy(() => maskedLogSumExp(tf.reshape(x, [64]), tf.reshape(mask, [64]), 0, false));
    expect(rows).not.toHaveBeenCalled();
    rows.mockRestore();
    grads.mockRestore();
    tf.dispose([x, mask]);
  });
});
