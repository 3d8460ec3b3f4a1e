/**
 * Faster kernels for the WASM backend, registered over TF.js' own (same names, same results):
 *
 * - BatchMatMul with a transposed operand: the backend's native kernel takes XNNPACK's fast path
 *   only for plain A·B; with transposeA or transposeB it falls back to a scalar loop 8–20× slower
 *   than an explicit transpose followed by the fast path. Every gradient of a matMul asks for one.
 *   A·Bᵀ with the larger B runs as (B·Aᵀ)ᵀ, so that XNNPACK packs the smaller operand.
 * - BatchMatMul and _FusedMatMul (bias, linear or ReLU) on one thread: our kernel (gemm.ts), which
 *   reads B where it lies instead of packing it, with XNNPACK's values bit for bit. With more
 *   threads XNNPACK splits the product over its pool and keeps it.
 * - Conv2D with 16 input channels or more, on one thread: our kernel (convForward.ts), which reads
 *   the filter where it lies, with XNNPACK's values bit for bit.
 * - Tile: the backend's kernel walks the output element by element in JavaScript (67 ms for two
 *   copies of 256 MNIST images); this one copies contiguous blocks (about 1 ms).
 * - Identity shares its input's data, as Reshape does (the backend's own copies it: 338 copies in a
 *   step of SepCLR on brain MRI). Nothing writes into a tensor's data in place except Adam into its
 *   own moments, which nothing else references (optimizer.ts checks).
 * - Transpose: our SIMD kernels (simd/kernels.wat) for the permutations that training asks for
 *   (every matMul gradient's operands, the first layer's inputs, the convolutions' gradients),
 *   4–10× faster than the backend's element loop; others keep it.
 * - Sum over leading axes (bias gradients): one SIMD pass down the columns instead of a transpose
 *   and a sum, adding in the backend's order; over trailing axes (a loss's row sums) a SIMD
 *   transpose and the same pass, split among the kernel pool's threads.
 *
 * - A kernel of our own, ContrastivePlaygroundConvFilterGrad (convFilterGrad.ts): a convolution's
 *   filter gradient without the backend's per-step packing of dy, in XNNPACK's order of sums.
 * - Add, Multiply (same shapes, or a bias), Step, Relu, Cast to float32, RealDiv by one value and
 *   Pack on a new first axis: our SIMD map (elementwise.ts), split among the kernel pool's threads
 *   where there is one; Tile along the first axis by the same copies; ReLU's gradient in one pass
 *   (a kernel of our own, with the gradient registered for Relu).
 * - Two of our own for the losses' masked log-sum-exp and its gradient (logSumExp.ts), with the
 *   backend's values.
 *
 * `installWasmKernels()` is idempotent and does nothing when the WASM backend is not imported.
 * Call it once after importing '@tensorflow/tfjs-backend-wasm', before or after the backend starts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { installConvFilterGradKernel } from './convFilterGrad';
import { singleThreadConv2D, type Conv2DAttrs } from './convForward';
import { copiesFloats, copyFloats, elementwiseKernels, installReluGradient } from './elementwise';
import { singleThreadProduct } from './gemm';
import { installLogSumExpKernels } from './logSumExp';
import { kernelPoolOf } from './simd/kernelPool';
import {
  freeOutputsOnThrow,
  simdKernelsOf,
  tfjsThreadCount,
  transposeStrip,
} from './simd/simdKernels';

/** What our kernels use of TF.js' WASM backend (convFilterGrad.ts too). */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: unknown): boolean;
  getMemoryOffset(dataId: unknown): number;
  incRef(dataId: unknown): void;
}

let installed = false;

export function installWasmKernels(): boolean {
  if (installed) return true;
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  const tile = tf.getKernel('Tile', 'wasm');
  const identity = tf.getKernel('Identity', 'wasm');
  const sum = tf.getKernel('Sum', 'wasm');
  const fusedMatMul = tf.getKernel('_FusedMatMul', 'wasm');
  const conv2d = tf.getKernel('Conv2D', 'wasm');
  if (!matMul || !transpose || !tile || !identity || !sum || !fusedMatMul || !conv2d) return false;
  installed = true;
  replaceKernel(sum, leadingAxesSum(sum.kernelFunc));
  replaceKernel(identity, sharedIdentity(identity.kernelFunc));
  const fastTranspose = simdTranspose(transpose.kernelFunc);
  replaceKernel(transpose, fastTranspose);
  replaceKernel(
    matMul,
    matMulWithExplicitTranspose(ownProductFirst(matMul.kernelFunc), fastTranspose),
  );
  replaceKernel(fusedMatMul, ownFusedProductFirst(fusedMatMul.kernelFunc));
  replaceKernel(conv2d, ownConvolutionFirst(conv2d.kernelFunc));
  replaceKernel(tile, blockTile(tile.kernelFunc));
  for (const { name, wrap } of elementwiseKernels()) {
    const kernel = tf.getKernel(name, 'wasm');
    if (kernel) replaceKernel(kernel, wrap(kernel.kernelFunc));
  }
  installConvFilterGradKernel();
  installLogSumExpKernels();
  installReluGradient();
  return true;
}

const backendKernels = new Map<string, KernelFunc>();

/** The WASM backend's own kernel that ours replaced (the tests compare the two bit for bit). */
export function backendKernel(name: string): KernelFunc | undefined {
  return backendKernels.get(name);
}

function replaceKernel(original: KernelConfig, kernelFunc: KernelFunc): void {
  backendKernels.set(original.kernelName, original.kernelFunc);
  tf.unregisterKernel(original.kernelName, original.backendName);
  // The original setupFunc binds the native function that the original kernelFunc calls.
  tf.registerKernel({ ...original, kernelFunc });
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return perm;
}

function matMulWithExplicitTranspose(matMul: KernelFunc, transpose: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return matMul(args);
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const temporaries: TensorInfo[] = [];
    const flip = (x: TensorInfo): TensorInfo => {
      const t = transpose({
        inputs: { x },
        backend,
        attrs: { perm: swapLastTwo(x.shape.length) },
      }) as TensorInfo;
      temporaries.push(t);
      return t;
    };
    const plain = { ...attrs, transposeA: false, transposeB: false } as unknown as NamedAttrMap;
    const wasm = backend as unknown as WasmBackendLike;
    let out: TensorInfo;
    if (!transposeA && cheaperAsTransposedProduct(a.shape, b.shape)) {
      // A·Bᵀ = (B·Aᵀ)ᵀ: XNNPACK packs the right operand of a product anew whenever it is a new
      // tensor, on one thread, at about 3 ns a value against 0.25 for our transposes. For an input
      // gradient dy·Wᵀ with large weights (the brain CNN's 8192 × 128 dense layer) it packs dyᵀ
      // (128 × 128) instead of Wᵀ. Our own product (gemm.ts) packs nothing but gains too: 8192 rows
      // against 128 columns take 8.8 ms, 128 rows against 8192 columns 13.9 (Node, one thread).
      // Every sum runs over the same k in the same order.
      const flipped = matMul({ inputs: { a: b, b: flip(a) }, backend, attrs: plain }) as TensorInfo;
      temporaries.push(flipped);
      out = flip(flipped);
      temporaries.pop();
    } else {
      out = matMul({
        inputs: { a: transposeA ? flip(a) : a, b: transposeB ? flip(b) : b },
        backend,
        attrs: plain,
      }) as TensorInfo;
    }
    for (const t of temporaries) wasm.disposeData(t.dataId);
    return out;
  };
}

/** A plain product on one thread by our kernel (gemm.ts), else the backend's. */
function ownProductFirst(matMul: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    return singleThreadProduct(args.backend, a, b, undefined, false) ?? matMul(args);
  };
}

/** A fused product (bias, linear or ReLU, no transposes) by our kernel on one thread. */
function ownFusedProductFirst(fused: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<
      string,
      TensorInfo | undefined
    >;
    const { transposeA, transposeB, activation } = args.attrs as {
      transposeA: boolean;
      transposeB: boolean;
      activation: string;
    };
    const simple =
      !transposeA &&
      !transposeB &&
      !preluActivationWeights &&
      (activation === 'linear' || activation === 'relu');
    const out = simple
      ? singleThreadProduct(args.backend, a!, b!, bias ?? undefined, activation === 'relu')
      : undefined;
    return out ?? fused(args);
  };
}

/** A convolution on one thread by our kernel (convForward.ts) where it is faster. */
function ownConvolutionFirst(conv2d: KernelFunc): KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DAttrs;
    return singleThreadConv2D(args.backend, x, filter, attrs) ?? conv2d(args);
  };
}

/**
 * Whether A·Bᵀ (A [..., m, k], B [..., n, k], the same batch) costs less as (B·Aᵀ)ᵀ: packing
 * Aᵀ (m·k values) and transposing A and the result (m·k + m·n) against packing Bᵀ and transposing
 * B (n·k each), with packing about 12 times a transposed value (Node, one thread).
 */
export function cheaperAsTransposedProduct(aShape: number[], bShape: number[]): boolean {
  const rank = aShape.length;
  if (bShape.length !== rank || aShape.slice(0, -2).some((d, i) => d !== bShape[i])) return false;
  const [m, k] = aShape.slice(-2) as [number, number];
  const n = bShape[rank - 2]!;
  if (bShape[rank - 1] !== k) return false;
  // Sides that are not multiples of 4 leave the SIMD transpose for the backend's element loop.
  if (m % 4 !== 0 || n % 4 !== 0 || k % 4 !== 0) return false;
  const [pack, move] = [12, 1];
  return pack * m * k + move * (m * k + m * n) < pack * n * k + move * n * k;
}

function sharedIdentity(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const x = (args.inputs as { x: TensorInfo }).x;
    if (x.dtype === 'string') return fallback(args);
    (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/**
 * A transpose reduced to its essentials: size-1 axes dropped, and input axes that stay neighbours
 * in the output merged into one. [n, h, w, c] by [1, 2, 0, 3] is [n, hw, c] by [1, 0, 2]; by
 * [3, 1, 2, 0] it is [n, hw, c] by [2, 1, 0]. Exported for the tests.
 */
export function canonicalPermutation(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  const outputAxes = perm.filter((a) => shape[a] !== 1);
  const groups: number[][] = []; // runs of consecutive input axes, in output order
  for (const a of outputAxes) {
    const last = groups.at(-1);
    if (last && last.at(-1)! + 1 === a) last.push(a);
    else groups.push([a]);
  }
  const byInput = [...groups].sort((g, h) => g[0]! - h[0]!);
  return {
    shape: byInput.map((g) => g.reduce((size, a) => size * shape[a]!, 1)),
    perm: groups.map((g) => byInput.indexOf(g)),
  };
}

const same = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Transposes of 4-byte elements by our SIMD kernels (simd/kernels.wat), on the canonical form:
 * matrices ([1, 0] and batches [0, 2, 1]) in 4 × 4 blocks, [1, 0, 2] by moving whole blocks,
 * [2, 1, 0] as strided 4 × 4 blocks. Anything else (or sides not multiples of 4, or bool) keeps the
 * backend's element loop. Pure data movement: the values are the backend's.
 */
function simdTranspose(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = (inputs as { x: TensorInfo }).x;
    const perm = (attrs as unknown as { perm: number[] }).perm;
    const simd = x.dtype === 'float32' || x.dtype === 'int32' ? simdKernelsOf(backend) : undefined;
    if (!simd) return fallback(args);
    const c = canonicalPermutation(x.shape, perm);
    const [d0 = 1, d1 = 1, d2 = 1] = c.shape;
    let run: ((from: number, to: number) => void) | undefined;
    if (c.perm.length < 2) {
      run = undefined; // nothing moves: the backend's copy is as good
    } else if (same(c.perm, [1, 0]) && d0 % 4 === 0 && d1 % 4 === 0) {
      run = (from, to) => simd.transpose(from, to, d0, d1, d1, d0, transposeStrip(d0));
    } else if (same(c.perm, [0, 2, 1]) && d1 % 4 === 0 && d2 % 4 === 0) {
      run = (from, to) => {
        for (let k = 0; k < d0; k++)
          simd.transpose(
            from + k * d1 * d2 * 4,
            to + k * d1 * d2 * 4,
            d1,
            d2,
            d2,
            d1,
            transposeStrip(d1),
          );
      };
    } else if (same(c.perm, [1, 0, 2]) && d2 >= 4) {
      run = (from, to) => simd.swapBlocks(from, to, d0, d1, d2, 0, d1);
    } else if (same(c.perm, [2, 1, 0]) && d0 % 4 === 0 && d2 % 4 === 0) {
      // For each middle index, the d0 × d2 matrix at stride d1·d2 goes to d2 × d0 at stride d1·d0.
      run = (from, to) => {
        for (let k = 0; k < d1; k++)
          simd.transpose(
            from + k * d2 * 4,
            to + k * d0 * 4,
            d0,
            d2,
            d1 * d2,
            d1 * d0,
            transposeStrip(d1 * d0),
          );
      };
    }
    if (!run) return fallback(args);
    const wasm = backend as unknown as WasmBackendLike;
    const out = wasm.makeOutput(
      perm.map((a) => x.shape[a]!),
      x.dtype,
    );
    run(wasm.getMemoryOffset(x.dataId), wasm.getMemoryOffset(out.dataId));
    return out;
  };
}

/**
 * Sum over leading axes (every bias gradient: a batch of rows summed per column) by our SIMD
 * kernel, each column from the first row down in float32 as the backend's own Sum adds them after
 * moving the reduced axes last (its transpose was most of the cost). Other reductions keep it.
 */
function leadingAxesSum(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = (inputs as { x: TensorInfo }).x;
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    // In the order given: the backend adds over the reduced axes in that order, so [1, 0] is not
    // [0, 1] to the last bit.
    const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
    const k = axes.length;
    const simd = x.dtype === 'float32' ? simdKernelsOf(backend) : undefined;
    const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
    const cols = x.shape.slice(k).reduce((a, b) => a * b, 1);
    if (simd && k < rank && axes.every((a, i) => a === rank - k + i)) {
      const out = trailingAxesSum(backend, simd, x, rank - k, keepDims);
      if (out) return out;
    }
    if (
      !simd ||
      k === 0 ||
      k === rank ||
      axes.some((a, i) => a !== i) ||
      cols % 4 !== 0 ||
      rows < 2
    )
      return fallback(args);
    const wasm = backend as unknown as WasmBackendLike;
    const shape = keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
    const out = wasm.makeOutput(shape, 'float32');
    simd.sumRows(
      wasm.getMemoryOffset(x.dataId),
      wasm.getMemoryOffset(out.dataId),
      rows,
      cols,
      cols,
    );
    return out;
  };
}

/**
 * Sum over the trailing axes (a loss's row sums over the M × M logits): the backend adds each row
 * from its first value on, on one thread. The same order, split among the pool's threads: the
 * [rows, cols] matrix transposed (whole 4 × 4 blocks), then summed down its columns. Undefined
 * where rows are not a multiple of 4 or the sum is small (the backend's then).
 */
function trailingAxesSum(
  backend: unknown,
  simd: NonNullable<ReturnType<typeof simdKernelsOf>>,
  x: TensorInfo,
  lead: number,
  keepDims: boolean,
): TensorInfo | undefined {
  const rows = x.shape.slice(0, lead).reduce((a, b) => a * b, 1);
  const cols = x.shape.slice(lead).reduce((a, b) => a * b, 1);
  if (rows % 4 !== 0 || cols % 4 !== 0 || rows * cols < TRAILING_SUM_MIN) return;
  const wasm = backend as unknown as WasmBackendLike;
  const transposed = wasm.makeOutput([cols, rows], 'float32');
  const shape = keepDims ? x.shape.map((d, i) => (i < lead ? d : 1)) : x.shape.slice(0, lead);
  const out = wasm.makeOutput(shape, 'float32');
  // makeOutput may grow the heap: offsets afterwards.
  const [from, via, to] = [x, transposed, out].map((t) => wasm.getMemoryOffset(t.dataId));
  try {
    freeOutputsOnThrow(wasm, [out], () => {
      simd.transpose(from!, via!, rows, cols, cols, rows, transposeStrip(rows));
      simd.sumRows(via!, to!, cols, rows, rows);
    });
  } finally {
    wasm.disposeData(transposed.dataId);
  }
  return out;
}

/** Below this many values the backend's row sums are as fast (a transpose costs a pass). */
const TRAILING_SUM_MIN = 1 << 16;

function blockTile(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = (inputs as { x: TensorInfo }).x;
    const reps = (attrs as unknown as { reps: number[] }).reps;
    if (x.dtype === 'string' || reps.length !== x.shape.length) return fallback(args);
    const wasm = backend as unknown as WasmBackendLike;
    const outShape = x.shape.map((s, i) => s * reps[i]!);
    const out = wasm.makeOutput(outShape, x.dtype);
    if (reps.every((r, i) => i === 0 || r === 1) && copiesFloats(backend, x)) {
      // The views of a batch (repeated on the first axis): whole copies, split among the threads.
      const [from, to] = [wasm.getMemoryOffset(x.dataId), wasm.getMemoryOffset(out.dataId)];
      const n = x.shape.reduce((a, b) => a * b, 1);
      freeOutputsOnThrow(wasm, [out], () => {
        for (let r = 0; r < reps[0]!; r++) copyFloats(backend, from, to + r * n * 4, n);
      });
      return out;
    }
    // makeOutput may grow the heap: take both views afterwards.
    tileInto(wasm.typedArrayFromHeap(x), x.shape, reps, wasm.typedArrayFromHeap(out));
    return out;
  };
}

/** dst = tile(src, reps), copying the largest contiguous blocks (exported for the tests). */
export function tileInto<T extends Float32Array | Int32Array | Uint8Array>(
  src: T,
  shape: readonly number[],
  reps: readonly number[],
  dst: T,
): void {
  const rank = shape.length;
  // From `contiguous` on, no axis is repeated: source and output blocks have the same layout.
  let contiguous = rank;
  while (contiguous > 0 && reps[contiguous - 1] === 1) contiguous--;
  const srcStride = new Array<number>(rank + 1).fill(1);
  const dstStride = new Array<number>(rank + 1).fill(1);
  for (let d = rank - 1; d >= 0; d--) {
    srcStride[d] = srcStride[d + 1]! * shape[d]!;
    dstStride[d] = dstStride[d + 1]! * shape[d]! * reps[d]!;
  }
  const fill = (dim: number, s: number, o: number): void => {
    if (dim === contiguous) {
      const n = srcStride[dim]!;
      // A call per element costs more than the element: short blocks by hand.
      if (n < 16) for (let k = 0; k < n; k++) dst[o + k] = src[s + k]!;
      else dst.set(src.subarray(s, s + n), o);
      return;
    }
    // dstStride[dim + 1] is the output size of one index along `dim`.
    for (let i = 0; i < shape[dim]!; i++)
      fill(dim + 1, s + i * srcStride[dim + 1]!, o + i * dstStride[dim + 1]!);
    // The repeats by doubling what is already there: log2(reps) copies, not reps − 1 (a [256, 1]
    // column tiled 256 times took 65,000 calls).
    const total = shape[dim]! * dstStride[dim + 1]! * reps[dim]!;
    for (let done = shape[dim]! * dstStride[dim + 1]!; done < total;) {
      const n = Math.min(done, total - done);
      dst.copyWithin(o + done, o, o + n);
      done += n;
    }
  };
  fill(0, 0, 0);
}

/** The threads the page asked for (configureWasmThreads), when the threaded build runs. */
let plannedThreads = 1;

/**
 * Threads for the WASM backend, before it starts: the threaded SIMD build when the page is
 * cross-origin isolated (SharedArrayBuffer) and more than one thread is wanted (default: every
 * logical core). TF.js' own pool stays at one thread: its workers spin about 2 ms after each of
 * XNNPACK's calls, on the cores that a step's other work needs, and its kernels outside XNNPACK
 * run on one thread anyway. The other cores are our kernel pool's helpers (simd/kernelPool.ts),
 * started once the backend runs (worker/kernelHelpers.ts: `kernelPoolHelpersWanted()` of them);
 * our products, convolutions and filter gradients split their rows among them.
 * `setThreadsCount` is the backend's own (passed in: engine/ imports no backend).
 */
export function configureWasmThreads(
  setThreadsCount: (n: number) => void,
  threads?: number,
): number {
  const scope = globalThis as {
    crossOriginIsolated?: boolean;
    navigator?: { hardwareConcurrency?: number };
  };
  const cores = scope.navigator?.hardwareConcurrency ?? 1;
  const wanted = Math.max(1, Math.floor(threads ?? cores));
  const threaded = wanted > 1 && scope.crossOriginIsolated === true;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threaded);
  plannedThreads = threaded ? wanted : 1;
  if (!threaded) return 1;
  setThreadsCount(1);
  return wanted;
}

/** Helper threads the kernel pool should start: the threads asked for beyond this one. */
export function kernelPoolHelpersWanted(): number {
  return plannedThreads - 1;
}

/**
 * The threads the started WASM backend really runs on: this one and the kernel pool's helpers
 * that answered, or TF.js' own pool (1 without the threaded build).
 */
export function wasmThreadCount(): number {
  const backend = tf.engine().findBackend('wasm');
  const pool = backend ? kernelPoolOf(backend) : undefined;
  if (pool) return pool.helpers + 1;
  return backend ? tfjsThreadCount(backend) : 1;
}
