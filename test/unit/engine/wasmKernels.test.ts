/** The WASM kernels registered over TF.js' own give the CPU backend's results. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, test } from 'vitest';
import { installWasmKernels, tileInto } from '../../../src/engine/wasmKernels';
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
    [
      [8, 12],
      [1, 0],
    ], // the SIMD kernel
    [
      [3, 4, 8],
      [0, 2, 1],
    ], // the SIMD kernel, three matrices
    [
      [64, 132],
      [1, 0],
    ],
    [
      [6, 8],
      [1, 0],
    ], // 6 rows: the backend's own
    [
      [2, 4, 8],
      [1, 0, 2],
    ], // another permutation: the backend's own
  ])('transpose of %j by %j', async (shape, perm) => {
    installWasmKernels();
    const x = random(shape);
    const [cpu, wasm] = await onBoth(() => tf.transpose(tf.tensor(x, shape), perm));
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });

  test('identity shares the data (no copy), and the data lives until both tensors are gone', async () => {
    installWasmKernels();
    await tf.setBackend('wasm');
    const buffers = () => tf.backend().numDataIds(); // allocations on the WASM heap
    const before = buffers();
    const x = tf.tensor(random([64, 8]), [64, 8]);
    const y = tf.clone(x); // the Identity kernel
    expect(y.dataId).toBe(x.dataId);
    expect(buffers() - before).toBe(1);
    const want = Array.from(await x.data());
    x.dispose();
    expect(buffers() - before).toBe(1);
    expect(Array.from(await y.data())).toEqual(want);
    y.dispose();
    expect(buffers()).toBe(before);
  });

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

  test('tileInto copies blocks as tf.tile does (int32 too)', () => {
    const src = Int32Array.from({ length: 6 }, (_, i) => i);
    const dst = new Int32Array(24);
    tileInto(src, [2, 3], [2, 2], dst);
    expect(Array.from(dst)).toEqual([
      0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5,
    ]);
  });
});
