import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, test } from 'vitest';
import {
  conv,
  convInputGradByPhases,
  createConv,
  createLinear,
  linear,
} from '../../../src/models/layers';
import { SeededRandom } from '../../../src/ml/random';
import { installWasmKernels } from '../../../src/engine/wasmKernels';

// conv() on WASM takes its filter gradient from the engine's kernel.
installWasmKernels();

afterAll(async () => {
  await tf.setBackend('cpu');
});

async function convValueAndGrads(
  backend: string,
  size: number,
  stride: number,
  k = 3,
  dataInput = false,
) {
  await tf.setBackend(backend);
  await tf.ready();
  const rng = new SeededRandom(5);
  const params = createConv(k, 2, 3, rng);
  const x = tf.tensor4d(
    Float32Array.from({ length: 2 * size * size * 2 }, () => rng.next() - 0.5),
    [2, size, size, 2],
  );
  const f = (input: tf.Tensor, kernel: tf.Tensor) =>
    tf.sum(
      tf.square(
        conv(
          input as tf.Tensor4D,
          { kernel: kernel as tf.Variable, bias: params.bias },
          stride,
          dataInput,
        ),
      ),
    );
  if (dataInput) {
    // Only the kernel gets a gradient; x is data.
    const { value, grad } = tf.valueAndGrad((kernel: tf.Tensor) => f(x, kernel))(params.kernel);
    const out = { value: (await value.data())[0]!, dx: [], dk: Array.from(await grad.data()) };
    tf.dispose([x, value, grad, params.kernel, params.bias]);
    return out;
  }
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
    for (const [size, stride, k] of [
      [7, 2, 3],
      [8, 2, 3],
      [6, 1, 3],
      [9, 3, 5],
      [4, 2, 1],
      [5, 2, 4],
    ] as const) {
      const cpu = await convValueAndGrads('cpu', size, stride, k);
      const wasm = await convValueAndGrads('wasm', size, stride, k);
      expect(wasm.value).toBeCloseTo(cpu.value, 4);
      expect(wasm.dx.length).toBe(cpu.dx.length);
      wasm.dx.forEach((v, i) => expect(v).toBeCloseTo(cpu.dx[i]!, 4));
      wasm.dk.forEach((v, i) => expect(v).toBeCloseTo(cpu.dk[i]!, 4));
    }
  });

  test('on data (no input gradient), the WASM conv has the same value and filter gradient', async () => {
    for (const [size, stride] of [
      [7, 2],
      [8, 2],
    ] as const) {
      const cpu = await convValueAndGrads('cpu', size, stride);
      const wasm = await convValueAndGrads('wasm', size, stride, 3, true);
      expect(wasm.value).toBeCloseTo(cpu.value, 4);
      expect(wasm.dk.length).toBe(cpu.dk.length);
      wasm.dk.forEach((v, i) => expect(v).toBeCloseTo(cpu.dk[i]!, 4));
    }
  });

  test('the phase-decomposed input gradient equals conv2dTranspose (same padding)', async () => {
    await tf.setBackend('cpu');
    const rng = new SeededRandom(11);
    const random = (shape: number[]) =>
      tf.tensor(
        Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() - 0.5),
        shape,
      );
    for (const [h, w, k, s] of [
      [7, 7, 3, 2],
      [8, 6, 3, 2],
      [9, 10, 5, 3],
      [5, 5, 2, 2],
      [6, 6, 3, 1],
      [3, 4, 1, 2],
    ] as const) {
      const xShape: [number, number, number, number] = [2, h, w, 3];
      const dy = random([2, Math.ceil(h / s), Math.ceil(w / s), 4]) as tf.Tensor4D;
      const filter = random([k, k, 3, 4]) as tf.Tensor4D;
      const mine = await convInputGradByPhases(dy, filter, xShape, s).data();
      const reference = await tf.conv2dTranspose(dy, filter, xShape, s, 'same').data();
      expect(mine.length).toBe(reference.length);
      mine.forEach((v, i) => expect(v).toBeCloseTo(reference[i]!, 5));
      tf.dispose([dy, filter]);
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

  test('a data layer on WASM whose weights outnumber its inputs (Wᵀ·xᵀ) gives the plain product bit for bit, in value and weight gradient', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    const rng = new SeededRandom(8);
    const p = createLinear(64, 48, rng); // 3,072 weights against 8 × 64 inputs
    const x = tf.tensor2d(
      Float32Array.from({ length: 8 * 64 }, () => rng.next() - 0.5),
      [8, 64],
    );
    const loss = (y: tf.Tensor) => tf.sum(tf.mul(tf.sin(y), tf.range(0, y.size).reshape(y.shape)));
    const mine = tf.variableGrads(
      () => loss(linear(x, p, 'relu', true)) as tf.Scalar,
      [p.weight, p.bias],
    );
    const reference = tf.variableGrads(
      () => loss(tf.relu(tf.add(tf.matMul(x, p.weight), p.bias))) as tf.Scalar,
      [p.weight, p.bias],
    );
    expect(await mine.value.data()).toEqual(await reference.value.data());
    for (const v of [p.weight, p.bias])
      expect(await mine.grads[v.name]!.data()).toEqual(await reference.grads[v.name]!.data());
    tf.dispose([
      mine.value,
      reference.value,
      ...Object.values(mine.grads),
      ...Object.values(reference.grads),
    ]);
    tf.dispose([x, p.weight, p.bias]);
  });

  test("two such layers on the same views (SepCLR's two encoders) transpose the views once", async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    const rng = new SeededRandom(9);
    const [a, b] = [createLinear(64, 48, rng), createLinear(64, 40, rng)];
    const views = tf.tensor4d(
      Float32Array.from({ length: 8 * 64 }, () => rng.next()),
      [8, 4, 4, 4],
    );
    const info = await tf.profile(() =>
      tf.tidy(() => {
        const x1 = tf.reshape(views, [8, 64]) as tf.Tensor2D; // each encoder reshapes for itself
        const x2 = tf.reshape(views, [8, 64]) as tf.Tensor2D;
        return tf.add(tf.sum(linear(x1, a, 'relu', true)), tf.sum(linear(x2, b, 'relu', true)));
      }),
    );
    const inputTransposes = info.kernels.filter(
      (k) => k.name === 'Transpose' && JSON.stringify(k.inputShapes) === '[[8,64]]',
    );
    expect(inputTransposes).toHaveLength(1);

    tf.dispose([views, a.weight, a.bias, b.weight, b.bias]);
  });
});
