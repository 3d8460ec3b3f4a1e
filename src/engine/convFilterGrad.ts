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
 * (XNNPACK adds 0·dy there, which cannot change a sum that starts at +0), so for a finite dy the
 * values are the dilated convolution's, bit for bit. (A non-finite dy makes the bias gradient, its
 * sum, non-finite too, and the trainer drops the step either way.) Without WASM SIMD, or for a
 * number of output channels that is not a multiple of 4, the kernel runs the dilated convolution
 * itself, on the backend's own kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { CONV_FILTER_GRAD_KERNEL, type ConvFilterGradAttrs } from '../models/layers';
import {
  accumulateFilterGradRows,
  batchInnerLayout,
  naturalLayout,
  type FilterGradLayout,
  type FilterGradShape,
} from './simd/filterGradRows';
import { kernelPoolOf } from './simd/kernelPool';
import { simdKernelsOf, transposeStrip } from './simd/simdKernels';
import type { WasmBackendLike } from './wasmKernels';

type KernelFuncBackend = Parameters<KernelFunc>[0]['backend'];

const convFilterGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { k, stride, top, left } = attrs as unknown as ConvFilterGradAttrs;
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const [, oh, ow, co] = dy.shape as [number, number, number, number];
  const shape: FilterGradShape = { n, h, w, ci, oh, ow, co, k, stride, top, left };
  const wasm = backend as unknown as WasmBackendLike;
  const simd = simdKernelsOf(backend);
  // The SIMD kernel takes columns four at a time.
  if (!simd || co % 4 !== 0) return dilatedConvolution(x, dy, shape, backend);
  const out = wasm.makeOutput([k, k, ci, co], 'float32');
  // Views after the allocation: makeOutput may grow (and so detach) the heap.
  (wasm.typedArrayFromHeap(out) as Float32Array).fill(0);
  const at = (t: TensorInfo) => wasm.getMemoryOffset(t.dataId);
  // Every row on this thread, or shared with the kernel pool's helpers when there is one.
  const pool = kernelPoolOf(backend);
  const rows = (layout: FilterGradLayout, xAt: number, dyAt: number) =>
    pool
      ? pool.filterGrad(shape, layout, xAt, dyAt, at(out))
      : accumulateFilterGradRows(simd, shape, layout, xAt, dyAt, at(out));
  if (ci >= 4 && n % 4 === 0 && (h * w * ci) % 4 === 0) {
    // The batch innermost first (two SIMD copies): in the natural layout every step of the sum
    // reads x and dy a whole image apart, and each of a tap's ci·k² rows reads them again. First
    // layers (ci of 1 to 3) have few rows to share the lines and gain less than the copies cost
    // (Node, one thread: the bench CNN's second layer 9.6 → 8.0 ms, the brain CNN's 18.4 → 12.0;
    // their first layers 1.9 → 2.4 and 4.0 → 7.7 ms if moved).
    const xT = wasm.makeOutput([h, w, ci, n], 'float32');
    const dyT = wasm.makeOutput([oh, ow, n, co], 'float32');
    try {
      simd.transpose(at(x), at(xT), n, h * w * ci, h * w * ci, n, transposeStrip(n));
      simd.swapBlocks(at(dy), at(dyT), n, oh * ow, co, 0, oh * ow);
      rows(batchInnerLayout(shape), at(xT), at(dyT));
    } finally {
      wasm.disposeData(xT.dataId);
      wasm.disposeData(dyT.dataId);
    }
  } else rows(naturalLayout(shape), at(x), at(dy));
  return out;
};

/**
 * The same gradient as one dilated convolution on the backend's own kernels (channels as the batch,
 * the batch as the contracted axis, dy as the filter): what models/layers.ts ran before this kernel,
 * kept for what the loops above do not take (no SIMD, output channels not a multiple of 4).
 */
export function dilatedConvolution(
  x: TensorInfo,
  dy: TensorInfo,
  s: FilterGradShape,
  backend: KernelFuncBackend,
): TensorInfo {
  const transpose = tf.getKernel('Transpose', 'wasm')!.kernelFunc;
  const conv = tf.getKernel('Conv2D', 'wasm')!.kernelFunc;
  const wasm = backend as unknown as WasmBackendLike;
  const run = (f: KernelFunc, inputs: Record<string, TensorInfo>, attrs: object) =>
    f({ inputs, backend, attrs: attrs as NamedAttrMap }) as TensorInfo;
  const input = run(transpose, { x }, { perm: [3, 1, 2, 0] }); // [ci, h, w, n]
  const filter = run(transpose, { x: dy }, { perm: [1, 2, 0, 3] }); // [oh, ow, n, co]
  const pad = [
    [0, 0],
    [s.top, (s.oh - 1) * s.stride + s.k - s.h - s.top],
    [s.left, (s.ow - 1) * s.stride + s.k - s.w - s.left],
    [0, 0],
  ];
  const grad = run(
    conv,
    { x: input, filter },
    {
      strides: [1, 1],
      pad,
      dataFormat: 'NHWC',
      dilations: [s.stride, s.stride],
      dimRoundingMode: undefined,
    },
  ); // [ci, k, k, co]
  const out = run(transpose, { x: grad }, { perm: [1, 2, 0, 3] });
  for (const t of [input, filter, grad]) wasm.disposeData(t.dataId);
  return out;
}

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
