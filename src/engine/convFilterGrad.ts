/**
 * The filter gradient of a `same`, strided convolution on the WASM backend, which has no
 * Conv2DBackpropFilter kernel:
 *
 *   dW[ky, kx, c, o] = Σ_(i, j) Σ_m x[m, s·i + ky − top, s·j + kx − left, c] · dy[m, i, j, o]
 *
 * models/layers.ts used to run it as one dilated convolution on XNNPACK (channels as the batch, the
 * batch as the contracted axis, dy as the filter). Its sums were fast, but the filter is new at
 * every step, and the backend then transposes and packs it into XNNPACK's layout, a strided scalar
 * pass on one thread: 10.9 ms of the 12.2 ms for the bench CNN's first layer at 256×2, 3.7 of 14.4
 * for its second. This kernel reads x and dy where they lie (no transposes, no packing) and adds
 * in XNNPACK's order: for each output, taps (i, j) in row-major order and within a tap the batch
 * in order, one float32 product at a time from zero. Taps that fall in the padding are skipped
 * (XNNPACK adds 0·dy there, which cannot change a sum that starts at +0), so the values are the
 * dilated convolution's, bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { CONV_FILTER_GRAD_KERNEL, type ConvFilterGradAttrs } from '../models/layers';
import { simdKernelsOf, transposeStrip, type SimdKernels } from './simd/simdKernels';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  getMemoryOffset(dataId: unknown): number;
  disposeData(dataId: unknown): boolean;
}

/** Shapes and geometry of one filter gradient (x: [n, h, w, ci], dy: [n, oh, ow, co]). */
export interface FilterGradShape extends ConvFilterGradAttrs {
  n: number;
  h: number;
  w: number;
  ci: number;
  oh: number;
  ow: number;
  co: number;
}

/**
 * Where the values of x and dy lie, in floats: x[m, y, x, c] at m·xM + (y·w + x)·xPixel +
 * c·xChannel, dy[m, i, j, o] at m·dyM + (i·ow + j)·dyTap + o (o always contiguous).
 */
export interface FilterGradLayout {
  xM: number;
  xPixel: number;
  xChannel: number;
  dyM: number;
  dyTap: number;
}

/** x [n, h, w, ci] and dy [n, oh, ow, co] as the backend holds them. */
export function naturalLayout(s: FilterGradShape): FilterGradLayout {
  return { xM: s.h * s.w * s.ci, xPixel: s.ci, xChannel: 1, dyM: s.oh * s.ow * s.co, dyTap: s.co };
}

/** x as [h, w, ci, n] and dy as [oh, ow, n, co]: the batch, the contracted axis, contiguous. */
export function batchInnerLayout(s: FilterGradShape): FilterGradLayout {
  return { xM: 1, xPixel: s.ci * s.n, xChannel: s.n, dyM: s.co, dyTap: s.n * s.co };
}

/**
 * Adds the products of output rows [rowBegin, rowEnd) (row r = (ky·k + kx)·ci + c: dW's own
 * layout [k, k, ci, co]) into dW at byte offset `out`, zeroed before the first call. x and dy are
 * byte offsets of float32 data on the heap the kernels run on, laid out as `layout` says.
 */
export function accumulateFilterGradRows(
  simd: SimdKernels,
  shape: FilterGradShape,
  layout: FilterGradLayout,
  x: number,
  dy: number,
  out: number,
  rowBegin = 0,
  rowEnd = shape.k * shape.k * shape.ci,
): void {
  const { n, h, w, ci, oh, ow, co, k, stride, top, left } = shape;
  const { xM, xPixel, xChannel, dyM, dyTap } = layout;
  const count = rowEnd - rowBegin;
  const aRows = new Int32Array(count + 3);
  const cRows = new Int32Array(count + 3);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      let valid = 0;
      for (let r = rowBegin; r < rowEnd; r++) {
        const c = r % ci;
        const tap = (r - c) / ci;
        const kx = tap % k;
        const y = stride * i + (tap - kx) / k - top;
        const xx = stride * j + kx - left;
        if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
        aRows[valid] = x + ((y * w + xx) * xPixel + c * xChannel) * 4;
        cRows[valid] = out + r * co * 4;
        valid++;
      }
      if (valid === 0) continue;
      // A last group of fewer than four repeats its last row: same inputs, same value stored.
      for (let extra = valid; extra % 4 !== 0; extra++) {
        aRows[extra] = aRows[valid - 1]!;
        cRows[extra] = cRows[valid - 1]!;
      }
      const b = dy + (i * ow + j) * dyTap * 4;
      for (let g = 0; g < valid; g += 4) {
        simd.accumulateRows4(
          aRows[g]!,
          aRows[g + 1]!,
          aRows[g + 2]!,
          aRows[g + 3]!,
          xM * 4,
          b,
          dyM * 4,
          n,
          cRows[g]!,
          cRows[g + 1]!,
          cRows[g + 2]!,
          cRows[g + 3]!,
          co,
        );
      }
    }
  }
}

/** The same sums in plain JavaScript (float32 after every product and add): no SIMD here. */
export function filterGradByLoops(
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

const convFilterGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { k, stride, top, left } = attrs as unknown as ConvFilterGradAttrs;
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const [, oh, ow, co] = dy.shape as [number, number, number, number];
  if (co % 4 !== 0)
    throw new Error(`${CONV_FILTER_GRAD_KERNEL}: ${co} output channels, not a multiple of 4`);
  const shape: FilterGradShape = { n, h, w, ci, oh, ow, co, k, stride, top, left };
  const wasm = backend as unknown as WasmBackendLike;
  const out = wasm.makeOutput([k, k, ci, co], 'float32');
  // Views after the allocation: makeOutput may grow (and so detach) the heap.
  const dW = wasm.typedArrayFromHeap(out) as Float32Array;
  dW.fill(0);
  const simd = simdKernelsOf(backend);
  if (simd) {
    const at = (t: TensorInfo) => wasm.getMemoryOffset(t.dataId);
    if (ci >= 4 && n % 4 === 0 && (h * w * ci) % 4 === 0) {
      // The batch innermost first (two SIMD copies): in the natural layout every step of the sum
      // reads x and dy a whole image apart, and each of a tap's ci·k² rows reads them again.
      // First layers (ci of 1 to 3) have few rows to share the lines and gain less than the
      // copies cost (Node, one thread: the bench CNN's second layer 9.6 → 8.3 ms, the brain CNN's
      // 18.4 → 12.0; their first layers 1.9 → 2.4 and 4.0 → 7.7 ms if moved).
      const xT = wasm.makeOutput([h, w, ci, n], 'float32');
      const dyT = wasm.makeOutput([oh, ow, n, co], 'float32');
      simd.transpose(at(x), at(xT), n, h * w * ci, h * w * ci, n, transposeStrip(n));
      simd.swapBlocks(at(dy), at(dyT), n, oh * ow, co);
      accumulateFilterGradRows(simd, shape, batchInnerLayout(shape), at(xT), at(dyT), at(out));
      wasm.disposeData(xT.dataId);
      wasm.disposeData(dyT.dataId);
    } else accumulateFilterGradRows(simd, shape, naturalLayout(shape), at(x), at(dy), at(out));
  } else {
    const xs = wasm.typedArrayFromHeap(x) as Float32Array;
    const dys = wasm.typedArrayFromHeap(dy) as Float32Array;
    filterGradByLoops(shape, xs, dys, dW);
  }
  return out;
};

let registered = false;

/** Registers the kernel on the WASM backend (idempotent); models/layers.ts uses it when present. */
export function installConvFilterGradKernel(): void {
  if (registered || !tf.getKernel('Conv2D', 'wasm')) return;
  registered = true;
  tf.registerKernel({
    kernelName: CONV_FILTER_GRAD_KERNEL,
    backendName: 'wasm',
    kernelFunc: convFilterGrad,
  });
}
