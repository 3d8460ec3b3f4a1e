/**
 * A convolution's forward pass on one WASM thread by our SIMD kernel (`convRows4`,
 * simd/kernels.wat) instead of XNNPACK, which packs the filter into its own layout whenever it is
 * a new tensor (at every step: the weights change, and the input gradient's phase filters are new
 * too). Our kernel reads input and filter where they lie: four output pixels against eight output
 * channels at a time, taps in row-major order, the channels in order within a tap, from +0, and a
 * padded tap reads zeros as XNNPACK's zero buffer does: its values bit for bit
 * (test/unit/engine/convForward.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { convolvePixels, type ConvolutionJob } from './simd/kernelJobs';
import { kernelPoolOf } from './simd/kernelPool';
import { freeOutputsOnThrow, simdKernelsOf, tfjsThreadCount } from './simd/simdKernels';
import type { WasmBackendLike } from './wasmKernels';

export interface Conv2DAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The fewest input channels for which our kernel beats XNNPACK's (see convGeometryFor). */
export const MIN_INPUT_CHANNELS = 16;

/** The geometry our kernel takes, or undefined (the caller runs the backend's kernel). */
export function convGeometryFor(
  x: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DAttrs,
): tf.backend_util.Conv2DInfo | undefined {
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || attrs.dataFormat !== 'NHWC')
    return undefined;
  if (x.shape.length !== 4 || filter.shape.length !== 4) return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const ok =
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.strideHeight === info.strideWidth &&
    info.outChannels % 4 === 0 &&
    info.inChannels === filter.shape[2] &&
    info.outChannels === filter.shape[3] &&
    // Below 16 input channels a tap's inner loop is too short to pay for its setup: XNNPACK's
    // kernel is faster there even with its packing (Node, one thread: ci = 1 2.3 against 8.1 ms,
    // ci = 8 3.4 against 4.4; ci = 16 9.1 against 7.6, ci = 32 10.1 against 8.5).
    info.inChannels >= MIN_INPUT_CHANNELS &&
    info.batchSize * info.outHeight * info.outWidth > 0;
  return ok ? info : undefined;
}

/** conv2d(x, filter) on one thread by our kernel, or undefined when it does not take it. */
export function singleThreadConv2D(
  backend: unknown,
  x: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DAttrs,
): TensorInfo | undefined {
  if (tfjsThreadCount(backend) !== 1) return undefined;
  const simd = simdKernelsOf(backend);
  const info = simd && convGeometryFor(x, filter, attrs);
  if (!simd || !info) return undefined;
  const wasm = backend as WasmBackendLike;
  const out = wasm.makeOutput(info.outShape, 'float32');
  // ci zeros for the padded taps, then scratch for the taps' addresses of four pixels (one area
  // per chunk of the pool's job).
  const pool = kernelPoolOf(backend);
  const taps = 4 * info.filterHeight * info.filterWidth;
  const scratch = wasm.makeOutput([info.inChannels + taps * (pool?.maxChunks ?? 1)], 'float32');
  try {
    (wasm.typedArrayFromHeap(scratch) as Float32Array).fill(0);
    const zero = wasm.getMemoryOffset(scratch.dataId);
    const job: ConvolutionJob = {
      x: wasm.getMemoryOffset(x.dataId),
      zero,
      filter: wasm.getMemoryOffset(filter.dataId),
      out: wasm.getMemoryOffset(out.dataId),
      scratch: zero + 4 * info.inChannels,
      h: info.inHeight,
      w: info.inWidth,
      ci: info.inChannels,
      co: info.outChannels,
      kh: info.filterHeight,
      kw: info.filterWidth,
      stride: info.strideHeight,
      top: info.padInfo.top,
      left: info.padInfo.left,
      oh: info.outHeight,
      ow: info.outWidth,
      pixels: info.batchSize * info.outHeight * info.outWidth,
    };
    freeOutputsOnThrow(wasm, [out], () =>
      pool ? pool.convolution(job) : convolvePixels(simd, job, job.scratch, 0, job.pixels),
    );
  } finally {
    wasm.disposeData(scratch.dataId);
  }
  return out;
}
