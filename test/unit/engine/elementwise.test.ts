/**
 * Our elementwise kernels on WASM (engine/elementwise.ts: Add and Multiply over the same shape or a
 * bias, Step, Relu, Cast to float32) give the backend's own kernels' values bit for bit, NaN,
 * infinities and signed zeros included, and leave the cases they do not take to the backend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, test, vi } from 'vitest';
import { MAP, repeatsOver } from '../../../src/engine/elementwise';
import { simdKernelsOf } from '../../../src/engine/simd/simdKernels';
import { SeededRandom } from '../../../src/ml/random';
import { runBackendKernel, useWasmBackend } from './wasmBackend';

useWasmBackend();

const rng = new SeededRandom(29);
const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 1e-45, -1e-45, 3.4e38];
/** Random values with the special ones sprinkled in. */
const values = (shape: number[], shift = 0) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) =>
      (i + shift) % 97 < SPECIAL.length ? SPECIAL[(i + shift) % 97]! : (rng.next() * 2 - 1) * 4,
    ),
    shape,
  );
const show = (x: ArrayLike<number>) =>
  Array.from(x, (v) => (Number.isNaN(v) ? 'NaN' : new Uint32Array(Float32Array.of(v).buffer)[0]));

describe('elementwise kernels', () => {
  test.each([
    ['Add', [64, 14, 14, 16], [16]],
    ['Add', [16], [64, 14, 14, 16]],
    ['Add', [32, 7, 7, 32], [32, 7, 7, 32]],
    ['Add', [128, 64], [1, 64]],
    ['Multiply', [64, 7, 7, 32], [64, 7, 7, 32]],
    ['Multiply', [128, 256], [256]],
  ] as const)('%s %j and %j: the backend kernel, bit for bit', async (name, aShape, bShape) => {
    const [a, b] = [values([...aShape]), values([...bShape])];
    const spy = vi.spyOn(simdKernelsOf(tf.backend())!, 'mapRange');
    const ours = name === 'Add' ? tf.add(a, b) : tf.mul(a, b);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
    const theirs = runBackendKernel(name, { a, b });
    expect(ours.shape).toEqual(theirs.shape);
    expect(show(await ours.data())).toEqual(show(await theirs.data()));
    tf.dispose([a, b, ours, theirs]);
  });

  test.each([
    ['Step', 0],
    ['Step', 0.5],
    ['Relu', 0],
    ['Cast', 0],
  ] as const)('%s (alpha %d): the backend kernel, bit for bit', async (name, alpha) => {
    const x = values([64, 14, 14, 16]);
    const spy = vi.spyOn(simdKernelsOf(tf.backend())!, 'mapRange');
    const ours =
      name === 'Step' ? tf.step(x, alpha) : name === 'Relu' ? tf.relu(x) : tf.cast(x, 'float32');
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
    const attrs = name === 'Step' ? { alpha } : name === 'Cast' ? { dtype: 'float32' } : {};
    const theirs = runBackendKernel(name, { x }, attrs);
    expect(show(await ours.data())).toEqual(show(await theirs.data()));
    tf.dispose([x, ours, theirs]);
  });

  test('RealDiv by a single value (and by a [1, 1] one): the backend kernel, bit for bit', async () => {
    const x = values([256, 256]);
    for (const divisor of [tf.scalar(0.07), tf.tensor2d([[-3]]), tf.scalar(0), tf.scalar(-0)]) {
      const spy = vi.spyOn(simdKernelsOf(tf.backend())!, 'mapRange');
      const ours = tf.div(x, divisor);
      expect(spy).toHaveBeenCalled();
      spy.mockRestore();
      const theirs = runBackendKernel('RealDiv', { a: x, b: divisor });
      expect(ours.shape).toEqual(theirs.shape);
      expect(show(await ours.data())).toEqual(show(await theirs.data()));
      tf.dispose([divisor, ours, theirs]);
    }
    x.dispose();
  });

  test("a gradient through ReLU's gradient (our kernel's own gradient): step(x)", async () => {
    const [x, w] = [values([64, 64]), values([64, 64], 3)];
    // d/dw Σ ∂/∂t [relu(t)·w] = d/dw Σ w·step(x) = step(x), through our kernel's dy.
    const inner = (wt: tf.Tensor) => tf.grad((t: tf.Tensor) => tf.mul(tf.relu(t), wt))(x);
    const outer = tf.grad((wt: tf.Tensor) => tf.sum(inner(wt)))(w);
    const step = runBackendKernel('Step', { x }, { alpha: 0 });
    expect(show(await outer.data())).toEqual(show(await step.data()));
    // And through its x: zeros (Step's gradient).
    const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.relu(u))(t, w)))(x);
    expect(Array.from(await dx.data()).every((v) => v === 0)).toBe(true);
    tf.dispose([x, w, outer, step, dx]);
  });

  test('Pack on a new first axis: the backend kernel, bit for bit', async () => {
    for (const count of [1, 2, 4]) {
      const xs = Array.from({ length: count }, () => values([32, 7, 7, 16]));
      const spy = vi.spyOn(simdKernelsOf(tf.backend())!, 'mapRange');
      const ours = tf.stack(xs);
      expect(spy).toHaveBeenCalledTimes(count);
      spy.mockRestore();
      const theirs = runBackendKernel('Pack', xs as unknown as Record<string, tf.Tensor>, {
        axis: 0,
      });
      expect(ours.shape).toEqual([count, 32, 7, 7, 16]);
      expect(show(await ours.data())).toEqual(show(await theirs.data()));
      tf.dispose([...xs, ours, theirs]);
    }
  });

  test('Pack on an inner axis, of different shapes or small: the backend', () => {
    const spy = vi.spyOn(simdKernelsOf(tf.backend())!, 'mapRange');
    tf.tidy(() => tf.stack([values([64, 64]), values([64, 64])], 1));
    tf.tidy(() => tf.stack([values([64, 64]), values([64, 64])], -1));
    tf.tidy(() => tf.stack([tf.scalar(1), tf.scalar(2)]));
    tf.tidy(() => tf.stack([tf.ones([64, 64], 'int32'), tf.ones([64, 64], 'int32')]));
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  test.each([
    [[64, 14, 14, 16], true],
    [[512, 128], true],
    [[8, 8], false],
    [[1025, 5], false],
  ])(
    "ReLU's gradient %j (ours: %s): the backend's Step, Cast and Multiply, bit for bit",
    async (shape, ours) => {
      // dy's special values fall beside x's: a zero x meets a finite dy, an infinite dy a zero x.
      const [x, dy] = [values(shape), values(shape, 3)];
      const spy = vi.spyOn(simdKernelsOf(tf.backend())!, 'mapRange');
      const grad = tf.grad((t: tf.Tensor) => tf.relu(t))(x, dy);
      expect(spy.mock.calls.some((call) => call[0] === MAP.reluGrad)).toBe(ours);
      spy.mockRestore();
      const step = runBackendKernel('Step', { x }, { alpha: 0 });
      const cast = runBackendKernel('Cast', { x: step }, { dtype: 'float32' });
      const theirs = runBackendKernel('Multiply', { a: dy, b: cast });
      expect(show(await grad.data())).toEqual(show(await theirs.data()));
      tf.dispose([x, dy, grad, step, cast, theirs]);
    },
  );

  test('a broadcast that does not repeat whole, small or odd sizes, other dtypes: the backend', () => {
    expect(repeatsOver([512, 16], [512, 1])).toBe(false);
    expect(repeatsOver([512, 16], [1, 16])).toBe(true);
    expect(repeatsOver([16], [512, 16])).toBe(false);
    const spy = vi.spyOn(simdKernelsOf(tf.backend())!, 'mapRange');
    tf.tidy(() => tf.mul(values([512, 1]), values([512, 16])));
    tf.tidy(() => tf.add(values([8, 8]), values([8])));
    tf.tidy(() => tf.relu(values([4097, 3])));
    tf.tidy(() => tf.cast(values([64, 64]), 'int32'));
    tf.tidy(() => tf.add(tf.ones([64, 64], 'int32'), tf.ones([64, 64], 'int32')));
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});
