import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, test } from 'vitest';
import { conv, createConv, createLinear, linear } from '../../../src/models/layers';
import { SeededRandom } from '../../../src/models/random';

afterAll(async () => {
  await tf.setBackend('cpu');
});

async function convValueAndGrads(backend: string, size: number, stride: number) {
  await tf.setBackend(backend);
  await tf.ready();
  const rng = new SeededRandom(5);
  const params = createConv(3, 2, 3, rng);
  const x = tf.tensor4d(
    Float32Array.from({ length: 2 * size * size * 2 }, () => rng.next() - 0.5),
    [2, size, size, 2],
  );
  const f = (input: tf.Tensor, kernel: tf.Tensor) =>
    tf.sum(
      tf.square(
        conv(input as tf.Tensor4D, { kernel: kernel as tf.Variable, bias: params.bias }, stride),
      ),
    );
  const { value, grads } = tf.valueAndGrads(f)([x, params.kernel]);
  const out = {
    value: (await value.data())[0]!,
    dx: Array.from(await grads[0]!.data()),
    dk: Array.from(await grads[1]!.data()),
  };
  tf.dispose([x, value, ...grads, params.kernel, params.bias]);
  return out;
}

describe('layers', () => {
  test('the WASM conv (dilated-convolution filter gradient) matches the CPU conv2d in value and both gradients', async () => {
    for (const [size, stride] of [
      [7, 2],
      [8, 2],
      [6, 1],
    ] as const) {
      const cpu = await convValueAndGrads('cpu', size, stride);
      const wasm = await convValueAndGrads('wasm', size, stride);
      expect(wasm.value).toBeCloseTo(cpu.value, 4);
      expect(wasm.dx.length).toBe(cpu.dx.length);
      wasm.dx.forEach((v, i) => expect(v).toBeCloseTo(cpu.dx[i]!, 4));
      wasm.dk.forEach((v, i) => expect(v).toBeCloseTo(cpu.dk[i]!, 4));
    }
  });

  test('linear has the gradient of x·W + b', async () => {
    await tf.setBackend('cpu');
    const rng = new SeededRandom(2);
    const p = createLinear(4, 3, rng);
    const x = tf.tensor2d(
      Float32Array.from({ length: 8 }, () => rng.next()),
      [2, 4],
    );
    const mine = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
      tf.sum(tf.sin(linear(a as tf.Tensor2D, { weight: w as tf.Variable, bias: p.bias }))),
    )([x, p.weight]);
    const reference = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
      tf.sum(tf.sin(tf.add(tf.matMul(a, w), p.bias))),
    )([x, p.weight]);
    for (let i = 0; i < 2; i++) {
      const [m, r] = [await mine[i]!.data(), await reference[i]!.data()];
      m.forEach((v, j) => expect(v).toBeCloseTo(r[j]!, 5));
    }
    tf.dispose([...mine, ...reference, x, p.weight, p.bias]);
  });
});
