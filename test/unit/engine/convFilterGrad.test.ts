/**
 * The WASM filter-gradient kernel (engine/convFilterGrad.ts) gives the values of the dilated
 * convolution it replaces bit for bit, the same as a float32 loop written from the formula, in
 * both layouts, and the CPU backend's Conv2DBackpropFilter within float error; conv() on WASM uses
 * it; without SIMD it runs the dilated convolution itself; it leaves nothing on the heap.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, test, vi } from 'vitest';
import { dilatedConvolution as kernelsDilatedConvolution } from '../../../src/engine/convFilterGrad';
import type { FilterGradShape } from '../../../src/engine/simd/filterGradRows';
import { simdKernelsOf } from '../../../src/engine/simd/simdKernels';
import { CONV_FILTER_GRAD_KERNEL, conv, createConv } from '../../../src/models/layers';
import { SeededRandom } from '../../../src/ml/random';
import { useWasmBackend } from './wasmBackend';

useWasmBackend();

const rng = new SeededRandom(41);
const random = (shape: [number, number, number, number]) =>
  tf.tensor4d(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() - 0.5),
    shape,
  );

function sameGeometry(h: number, w: number, k: number, s: number) {
  const [oh, ow] = [Math.ceil(h / s), Math.ceil(w / s)];
  const top = Math.floor(Math.max((oh - 1) * s + k - h, 0) / 2);
  const left = Math.floor(Math.max((ow - 1) * s + k - w, 0) / 2);
  return { oh, ow, top, left };
}

/** The previous path: one dilated convolution on XNNPACK, dy as the filter. */
function dilatedConvolution(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, s: number) {
  const [, h, w] = x.shape;
  const { oh, ow, top, left } = sameGeometry(h, w, k, s);
  return tf.tidy(() => {
    const input = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D;
    const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [top, (oh - 1) * s + k - h - top],
      [left, (ow - 1) * s + k - w - left],
      [0, 0],
    ];
    return tf.transpose(tf.conv2d(input, filter, 1, pad, 'NHWC', s), [1, 2, 0, 3]);
  });
}

/** The formula, one float32 product and one float32 add at a time, in XNNPACK's order. */
function filterGradByLoops(
  shape: FilterGradShape,
  x: Float32Array,
  dy: Float32Array,
  dW: Float32Array,
) {
  const { n, h, w, ci, oh, ow, co, k, stride, top, left } = shape;
  for (let r = 0; r < k * k * ci; r++) {
    const c = r % ci;
    const tap = (r - c) / ci;
    const kx = tap % k;
    const ky = (tap - kx) / k;
    for (let o = 0; o < co; o++) {
      let acc = 0;
      for (let i = 0; i < oh; i++) {
        const y = stride * i + ky - top;
        if (y < 0 || y >= h) continue;
        for (let j = 0; j < ow; j++) {
          const xx = stride * j + kx - left;
          if (xx < 0 || xx >= w) continue;
          for (let m = 0; m < n; m++) {
            const product = Math.fround(
              x[((m * h + y) * w + xx) * ci + c]! * dy[((m * oh + i) * ow + j) * co + o]!,
            );
            acc = Math.fround(acc + product);
          }
        }
      }
      dW[r * co + o] = acc;
    }
  }
}

const heapTensors = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

// [n, h, w, ci, co, k, stride]: the bench CNN's two layers, a brain-MRI first layer, odd sizes,
// batches that are not multiples of 4 (read in place) and that are (moved first), a 1 × 1 tap
// grid, column counts of 4, 8 and 12.
const CASES = [
  [128, 28, 28, 1, 16, 3, 2],
  [64, 14, 14, 16, 32, 3, 2],
  [6, 32, 32, 2, 16, 3, 2],
  [7, 9, 11, 3, 12, 3, 2],
  [6, 8, 8, 2, 4, 5, 1],
  [5, 7, 7, 5, 8, 3, 3],
  [3, 2, 2, 4, 4, 3, 2],
  [8, 8, 8, 4, 8, 3, 2], // n and h·w·ci multiples of 4, ci ≥ 4: the batch moved innermost first
  [6, 9, 11, 4, 8, 3, 2], // a batch of 6 (not a multiple of 4): read in place
  [8, 8, 8, 2, 8, 3, 2], // a first layer (ci < 4): read in place
] as const;

describe('the WASM filter gradient', () => {
  test.each(CASES)(
    'x [%i, %i, %i, %i], %i outputs, k %i, stride %i: bit for bit the dilated convolution and the float32 loop',
    async (n, h, w, ci, co, k, s) => {
      const { oh, ow, top, left } = sameGeometry(h, w, k, s);
      const x = random([n, h, w, ci]);
      const dy = random([n, oh, ow, co]);
      const simd = simdKernelsOf(tf.backend())!;
      const spy = vi.spyOn(simd, 'accumulateRows4');
      const moved = vi.spyOn(simd, 'swapBlocks');
      const before = [tf.memory().numTensors, heapTensors()];
      const ours = tf
        .engine()
        .runKernel(CONV_FILTER_GRAD_KERNEL, { x, dy }, { k, stride: s, top, left }) as tf.Tensor;
      expect(spy).toHaveBeenCalled();
      // The batch moves innermost for four or more input channels when the sides allow it.
      expect(moved.mock.calls.length > 0).toBe(ci >= 4 && n % 4 === 0 && (h * w * ci) % 4 === 0);
      spy.mockRestore();
      moved.mockRestore();
      expect(ours.shape).toEqual([k, k, ci, co]);
      const reference = dilatedConvolution(x, dy, k, s);
      const [mine, theirs] = [await ours.data(), await reference.data()];
      expect(Array.from(mine)).toEqual(Array.from(theirs));

      const shape: FilterGradShape = { n, h, w, ci, oh, ow, co, k, stride: s, top, left };
      const loops = new Float32Array(k * k * ci * co);
      filterGradByLoops(
        shape,
        (await x.data()) as Float32Array,
        (await dy.data()) as Float32Array,
        loops,
      );
      expect(Array.from(mine)).toEqual(Array.from(loops));
      tf.dispose([ours, reference]);
      // No tensor and no heap allocation (the moved copies) is left behind.
      expect([tf.memory().numTensors, heapTensors()]).toEqual(before);
      tf.dispose([x, dy]);
    },
    30_000,
  );

  test('without SIMD it runs the dilated convolution on the backend kernels: the same values', async () => {
    const [n, h, w, ci, co, k, s] = [8, 9, 9, 4, 8, 3, 2];
    const { oh, ow, top, left } = sameGeometry(h, w, k, s);
    const x = random([n, h, w, ci]);
    const dy = random([n, oh, ow, co]);
    const before = heapTensors();
    const info = kernelsDilatedConvolution(
      x,
      dy,
      { n, h, w, ci, oh, ow, co, k, stride: s, top, left },
      tf.backend(),
    );
    expect(heapTensors()).toBe(before + 1); // its output only
    const fallback = tf.engine().makeTensorFromTensorInfo(info);
    const ours = tf
      .engine()
      .runKernel(CONV_FILTER_GRAD_KERNEL, { x, dy }, { k, stride: s, top, left }) as tf.Tensor;
    expect(fallback.shape).toEqual([k, k, ci, co]);
    expect(Array.from(await fallback.data())).toEqual(Array.from(await ours.data()));
    tf.dispose([x, dy, fallback, ours]);
  });

  test('the float32 loop is the formula (double-precision sums agree to float error)', async () => {
    const [n, h, w, ci, co, k, s] = [5, 7, 9, 2, 4, 3, 2];
    const { oh, ow, top, left } = sameGeometry(h, w, k, s);
    const x = (await random([n, h, w, ci]).data()) as Float32Array;
    const dy = (await random([n, oh, ow, co]).data()) as Float32Array;
    const loops = new Float32Array(k * k * ci * co);
    filterGradByLoops({ n, h, w, ci, oh, ow, co, k, stride: s, top, left }, x, dy, loops);
    for (let ky = 0; ky < k; ky++)
      for (let kx = 0; kx < k; kx++)
        for (let c = 0; c < ci; c++)
          for (let o = 0; o < co; o++) {
            let sum = 0;
            for (let m = 0; m < n; m++)
              for (let i = 0; i < oh; i++)
                for (let j = 0; j < ow; j++) {
                  const [y, xx] = [s * i + ky - top, s * j + kx - left];
                  if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
                  sum +=
                    x[((m * h + y) * w + xx) * ci + c]! * dy[((m * oh + i) * ow + j) * co + o]!;
                }
            expect(loops[((ky * k + kx) * ci + c) * co + o]).toBeCloseTo(sum, 5);
          }
  });

  test('conv() on WASM takes it, and its value and filter gradient match the CPU backend', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const local = new SeededRandom(9);
      const params = createConv(3, 2, 8, local);
      const x = tf.tensor4d(
        Float32Array.from({ length: 3 * 9 * 9 * 2 }, () => local.next() - 0.5),
        [3, 9, 9, 2],
      );
      const f = (input: tf.Tensor, kernel: tf.Tensor) =>
        tf.sum(
          tf.square(
            conv(input as tf.Tensor4D, { kernel: kernel as tf.Variable, bias: params.bias }, 2),
          ),
        );
      const { value, grads } = tf.valueAndGrads(f)([x, params.kernel]);
      const out = [await value.data(), await grads[0]!.data(), await grads[1]!.data()];
      tf.dispose([x, value, ...grads, params.kernel, params.bias]);
      return out;
    };
    const cpu = await run('cpu');
    await tf.setBackend('wasm');
    const spy = vi.spyOn(simdKernelsOf(tf.backend())!, 'accumulateRows4');
    const wasm = await run('wasm');
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
    cpu.forEach((values, i) => values.forEach((v, j) => expect(wasm[i]![j]).toBeCloseTo(v, 4)));
  });
});
