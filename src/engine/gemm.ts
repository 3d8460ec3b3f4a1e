/**
 * Matrix products on one WASM thread by our SIMD kernel (`accumulateRows4`, simd/kernels.wat)
 * instead of XNNPACK. XNNPACK packs the right operand of a product into its own layout whenever it
 * is a new tensor (on one thread, about 3 ns a value), and in training it always is: the weights
 * change at every step and the gradients are new. Our kernel reads B where it lies, four rows of A
 * against eight columns of B at a time, at XNNPACK's speed without the packing.
 *
 * Each output starts from the bias (or +0) and adds one float32 product at a time in k's order,
 * then a ReLU clamps as XNNPACK's does (pmax against 0): the order of XNNPACK's wasmsimd GEMM
 * kernels, so the values are theirs bit for bit (test/unit/engine/gemm.test.ts compares them).
 *
 * Only where the backend runs one thread: with more, XNNPACK splits a product over its pool. With
 * the kernel pool (simd/kernelPool.ts: TF.js on one thread, our helpers beside it) the rows are
 * split among its threads.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { kernelPoolOf } from './simd/kernelPool';
import { PRODUCT_START, productQuads, type ProductGeometry } from './simd/productRows';
import { freeOutputsOnThrow, simdKernelsOf, tfjsThreadCount } from './simd/simdKernels';
import type { WasmBackendLike } from './wasmKernels';

interface Geometry {
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  /** The broadcast batch dimensions, then m and n. */
  outShape: number[];
}

const product = (dims: number[]) => dims.reduce((x, y) => x * y, 1);

/**
 * The product's sizes when our kernel may take it: float32, one thread, n % 4 === 0, k > 0, not
 * empty, and batch dimensions that broadcast with each side either whole or of size 1. Else
 * undefined.
 */
function geometry(backend: unknown, a: TensorInfo, b: TensorInfo): Geometry | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (a.shape.length < 2 || b.shape.length < 2) return undefined;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [kB, n] = b.shape.slice(-2) as [number, number];
  const [leadA, leadB] = [a.shape.slice(0, -2), b.shape.slice(0, -2)];
  const [batchA, batchB] = [product(leadA), product(leadB)];
  let lead: number[];
  try {
    lead = tf.backend_util.assertAndGetBroadcastShape(leadA, leadB);
  } catch {
    return undefined;
  }
  const batch = product(lead);
  // One side's batch broadcast whole, or both the same: what productQuads walks.
  const walkable = (size: number) => size === 1 || size === batch;
  if (k !== kB || k === 0 || n % 4 !== 0 || batch * m * n === 0) return undefined;
  if (!walkable(batchA) || !walkable(batchB)) return undefined;
  if (tfjsThreadCount(backend) !== 1) return undefined;
  return { batchA, batchB, m, k, n, outShape: [...lead, m, n] };
}

/**
 * A·B (+ bias, then ReLU if asked) for A [..., m, k] and B [..., k, n] (one side's batch may be
 * 1), or undefined when our kernel does not take it (the caller runs the backend's).
 */
export function singleThreadProduct(
  backend: unknown,
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | undefined,
  relu: boolean,
): TensorInfo | undefined {
  const sizes = geometry(backend, a, b);
  const simd = sizes && simdKernelsOf(backend);
  if (!sizes || !simd) return undefined;
  const { batchA, batchB, m, k, n } = sizes;
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== n))
    return undefined;
  const wasm = backend as WasmBackendLike;
  const batch = Math.max(batchA, batchB);
  const out = wasm.makeOutput(sizes.outShape, 'float32');
  // makeOutput may grow the heap: offsets and views afterwards.
  const g: ProductGeometry = {
    a: wasm.getMemoryOffset(a.dataId),
    b: wasm.getMemoryOffset(b.dataId),
    c: wasm.getMemoryOffset(out.dataId),
    batchA,
    batchB,
    m,
    k,
    n,
    start: bias ? PRODUCT_START.bias : PRODUCT_START.zeros,
    bias: bias ? wasm.getMemoryOffset(bias.dataId) : 0,
  };
  const pool = kernelPoolOf(backend);
  freeOutputsOnThrow(wasm, [out], () =>
    pool ? pool.product(g) : productQuads(simd, g, 0, batch * Math.ceil(m / 4)),
  );
  if (relu) simd.reluInPlace(g.c, batch * m * n);
  return out;
}
