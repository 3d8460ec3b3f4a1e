/**
 * Our one-thread convolution (engine/convForward.ts) gives XNNPACK's values bit for bit (the
 * backend's own Conv2D kernel, called directly) and a float32 loop's written from the formula, on
 * strides, `same`, `valid` and asymmetric explicit padding, output channels not a multiple of 8,
 * and non-finite inputs; conv2d on WASM uses it from 16 input channels on; it declines the rest.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, test, vi } from 'vitest';
import {
  MIN_INPUT_CHANNELS,
  singleThreadConv2D,
  type Conv2DAttrs,
} from '../../../src/engine/convForward';
import { simdKernelsOf } from '../../../src/engine/simd/simdKernels';
import { SeededRandom } from '../../../src/ml/random';
import { bits, runBackendKernel, useWasmBackend } from './wasmBackend';

useWasmBackend();

const rng = new SeededRandom(11);
const random = (shape: number[]) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1),
    shape,
  );

/** The formula: from +0, taps in row-major order, channels in order, one float32 step at a time. */
function loop(x: tf.Tensor, f: tf.Tensor, xs: Float32Array, fs: Float32Array, attrs: Conv2DAttrs) {
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    f.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    undefined,
    false,
    'channelsLast',
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
  const { outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, strideHeight: s } = info;
  const out = new Float32Array(n * oh * ow * co);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let j = 0; j < co; j++) {
          let acc = 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * s - info.padInfo.top + ky;
              const ix = ox * s - info.padInfo.left + kx;
              const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
              for (let m = 0; m < ci; m++) {
                const v = inside ? xs[((b * h + iy) * w + ix) * ci + m]! : 0;
                acc = Math.fround(acc + Math.fround(v * fs[((ky * kw + kx) * ci + m) * co + j]!));
              }
            }
          out[((b * oh + oy) * ow + ox) * co + j] = acc;
        }
  return out;
}

const attrsOf = (stride: number, pad: Conv2DAttrs['pad']): Conv2DAttrs => ({
  strides: stride,
  pad,
  dataFormat: 'NHWC',
  dilations: 1,
});

describe('singleThreadConv2D', () => {
  test.each([
    // x, filter, stride, padding
    [[64, 14, 14, 16], [3, 3, 16, 32], 2, 'same'],
    [[3, 9, 11, 16], [3, 3, 16, 12], 1, 'same'],
    [[2, 8, 7, 20], [5, 5, 20, 4], 2, 'same'],
    [
      [4, 7, 7, 32],
      [2, 2, 32, 16],
      1,
      [
        [0, 0],
        [1, 0],
        [1, 0],
        [0, 0],
      ],
    ],
    [
      [4, 6, 7, 16],
      [2, 1, 16, 8],
      1,
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [0, 0],
      ],
    ],
    [[5, 7, 7, 32], [1, 1, 32, 16], 1, 'valid'],
    [[2, 9, 9, 16], [3, 3, 16, 20], 3, 'valid'],
  ] as [number[], number[], number, Conv2DAttrs['pad']][])(
    'x %j, filter %j, stride %i, padding %j: XNNPACK and the loop, bit for bit',
    async (xShape, fShape, stride, pad) => {
      const x = random(xShape);
      const f = random(fShape);
      const attrs = attrsOf(stride, pad);
      const ours = tf
        .engine()
        .makeTensorFromTensorInfo(singleThreadConv2D(tf.backend(), x, f, attrs)!);
      const theirs = runBackendKernel('Conv2D', { x, filter: f }, attrs);
      expect(ours.shape).toEqual(theirs.shape);
      expect(bits(await ours.data())).toEqual(bits(await theirs.data()));
      if (ours.size < 100_000)
        expect(bits(await ours.data())).toEqual(
          bits(
            loop(x, f, (await x.data()) as Float32Array, (await f.data()) as Float32Array, attrs),
          ),
        );
      tf.dispose([x, f, ours, theirs]);
    },
  );

  test('NaN, infinities and signed zeros come out as XNNPACK gives them', async () => {
    const values = [NaN, Infinity, -Infinity, -0, 0, 1, -1];
    const x = tf.tensor4d(
      Float32Array.from({ length: 2 * 4 * 4 * 16 }, (_, i) => values[i % 7]!),
      [2, 4, 4, 16],
    );
    const f = tf.tensor4d(
      Float32Array.from(
        { length: 3 * 3 * 16 * 8 },
        (_, i) => values[(i * 3) % 7]! || (i % 2 ? -0 : 0),
      ),
      [3, 3, 16, 8],
    );
    const attrs = attrsOf(1, 'same');
    const ours = tf
      .engine()
      .makeTensorFromTensorInfo(singleThreadConv2D(tf.backend(), x, f, attrs)!);
    const theirs = runBackendKernel('Conv2D', { x, filter: f }, attrs);
    const show = (v: number) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v);
    expect(Array.from(await ours.data()).map(show)).toEqual(
      Array.from(await theirs.data()).map(show),
    );
    tf.dispose([x, f, ours, theirs]);
  });

  test('conv2d on WASM runs it from 16 input channels on; it declines the rest', () => {
    const simd = simdKernelsOf(tf.backend())!;
    const spy = vi.spyOn(simd, 'convRows4');
    tf.tidy(() =>
      tf.conv2d(
        random([2, 6, 6, MIN_INPUT_CHANNELS]) as tf.Tensor4D,
        random([3, 3, MIN_INPUT_CHANNELS, 8]) as tf.Tensor4D,
        1,
        'same',
      ),
    );
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockClear();
    // Fewer input channels, output channels not a multiple of 4, dilation, unequal strides.
    tf.tidy(() =>
      tf.conv2d(
        random([2, 6, 6, 8]) as tf.Tensor4D,
        random([3, 3, 8, 8]) as tf.Tensor4D,
        1,
        'same',
      ),
    );
    tf.tidy(() =>
      tf.conv2d(
        random([2, 6, 6, 16]) as tf.Tensor4D,
        random([3, 3, 16, 6]) as tf.Tensor4D,
        1,
        'same',
      ),
    );
    tf.tidy(() =>
      tf.conv2d(
        random([2, 6, 6, 16]) as tf.Tensor4D,
        random([3, 3, 16, 8]) as tf.Tensor4D,
        1,
        'same',
        'NHWC',
        2,
      ),
    );
    tf.tidy(() =>
      tf.conv2d(
        random([2, 6, 6, 16]) as tf.Tensor4D,
        random([3, 3, 16, 8]) as tf.Tensor4D,
        [1, 2],
        'same',
      ),
    );
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  test('leaves nothing on the heap', () => {
    const x = random([2, 5, 5, 16]);
    const f = random([3, 3, 16, 8]);
    const before = tf.engine().backend.numDataIds();
    const out = singleThreadConv2D(tf.backend(), x, f, attrsOf(2, 'same'))!;
    expect(tf.engine().backend.numDataIds()).toBe(before + 1);
    tf.backend().disposeData(out.dataId);
    tf.dispose([x, f]);
  });
});
