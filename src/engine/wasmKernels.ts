/**
 * Faster kernels for the WASM backend, registered over TF.js' own (same names, same results):
 *
 * - BatchMatMul with a transposed operand: the backend's native kernel takes XNNPACK's fast path
 *   only for plain A·B; with transposeA or transposeB it falls back to a scalar loop 8–20× slower
 *   than an explicit transpose followed by the fast path. Every gradient of a matMul asks for one.
 * - Tile: the backend's kernel walks the output element by element in JavaScript (67 ms for two
 *   copies of 256 MNIST images); this one copies contiguous blocks (about 1 ms).
 * - Identity shares its input's data, as Reshape does (the backend's own copies it: 338 copies in a
 *   step of SepCLR on brain MRI). Nothing writes into a tensor's data in place except Adam into its
 *   own moments, which nothing else references (optimizer.ts checks).
 * - Transpose of the last two axes of a float32 tensor whose two last dimensions are multiples of
 *   4 (every matMul gradient's operands, the first layer's inputs): our SIMD kernel in 4 × 4
 *   blocks (simd/kernels.wat), 4–8× faster than the backend's element loop; other shapes keep it.
 *
 * `installWasmKernels()` is idempotent and does nothing when the WASM backend is not imported.
 * Call it once after importing '@tensorflow/tfjs-backend-wasm', before or after the backend starts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { simdKernelsOf } from './simd/simdKernels';

interface WasmBackendLike {
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
  if (!matMul || !transpose || !tile || !identity) return false;
  installed = true;
  replaceKernel(identity, sharedIdentity(identity.kernelFunc));
  const fastTranspose = simdTranspose(transpose.kernelFunc);
  replaceKernel(transpose, fastTranspose);
  replaceKernel(matMul, matMulWithExplicitTranspose(matMul.kernelFunc, fastTranspose));
  replaceKernel(tile, blockTile(tile.kernelFunc));
  return true;
}

function replaceKernel(original: KernelConfig, kernelFunc: KernelFunc): void {
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
    const out = matMul({
      inputs: { a: transposeA ? flip(a) : a, b: transposeB ? flip(b) : b },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false } as unknown as NamedAttrMap,
    });
    const wasm = backend as unknown as WasmBackendLike;
    for (const t of temporaries) wasm.disposeData(t.dataId);
    return out;
  };
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
 * Columns of the source per pass of the SIMD transpose. The pass writes `strip` rows of the
 * output, each `rows` floats apart: 2 KB apart and more, they fall into few L1 sets and evict each
 * other, so long output rows get narrow strips (Node, one thread: 8192 × 256 in 0.7 ms at 8
 * columns, 2.0 at 64; 512 × 784 0.12 at 8, 0.25 at 32; 128 × 8192 0.23 at 32, 0.5 at 8).
 */
export function transposeStrip(rows: number): number {
  return rows >= 512 ? 8 : 32;
}

function simdTranspose(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = (inputs as { x: TensorInfo }).x;
    const perm = (attrs as unknown as { perm: number[] }).perm;
    const rank = x.shape.length;
    const rows = x.shape[rank - 2] ?? 0;
    const cols = x.shape[rank - 1] ?? 0;
    const simd = x.dtype === 'float32' ? simdKernelsOf(backend) : undefined;
    if (
      !simd ||
      rank < 2 ||
      rows % 4 !== 0 ||
      cols % 4 !== 0 ||
      perm.some((p, i) => p !== swapLastTwo(rank)[i])
    )
      return fallback(args);
    const wasm = backend as unknown as WasmBackendLike;
    const out = wasm.makeOutput([...x.shape.slice(0, -2), cols, rows], 'float32');
    const matrices = x.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const from = wasm.getMemoryOffset(x.dataId);
    const to = wasm.getMemoryOffset(out.dataId);
    const bytes = rows * cols * 4;
    const strip = transposeStrip(rows);
    for (let k = 0; k < matrices; k++)
      simd.transpose(from + k * bytes, to + k * bytes, rows, cols, strip);
    return out;
  };
}

function blockTile(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = (inputs as { x: TensorInfo }).x;
    const reps = (attrs as unknown as { reps: number[] }).reps;
    if (x.dtype === 'string' || reps.length !== x.shape.length) return fallback(args);
    const wasm = backend as unknown as WasmBackendLike;
    const outShape = x.shape.map((s, i) => s * reps[i]!);
    const out = wasm.makeOutput(outShape, x.dtype);
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
      dst.set(src.subarray(s, s + srcStride[dim]!), o);
      return;
    }
    // dstStride[dim + 1] is the output size of one index along `dim`.
    for (let i = 0; i < shape[dim]!; i++)
      fill(dim + 1, s + i * srcStride[dim + 1]!, o + i * dstStride[dim + 1]!);
    const block = shape[dim]! * dstStride[dim + 1]!;
    for (let r = 1; r < reps[dim]!; r++) dst.copyWithin(o + r * block, o, o + block);
  };
  fill(0, 0, 0);
}

/**
 * Threads for the WASM backend, before it starts: the threaded SIMD build when the page is
 * cross-origin isolated (SharedArrayBuffer), with `threads` workers (default: every logical core).
 * TF.js caps its pool at half of navigator.hardwareConcurrency, assuming two hyperthreads per
 * core; on a 2-core machine that is one thread, so the count it reads is raised to twice the
 * threads asked for. `setThreadsCount` is the backend's own (passed in: engine/ imports no backend).
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
  if (!threaded) return 1;
  setThreadsCount(wanted);
  if (scope.navigator && cores < 2 * wanted)
    Object.defineProperty(scope.navigator, 'hardwareConcurrency', {
      configurable: true,
      get: () => 2 * wanted,
    });
  return wanted;
}

/** The thread pool the started WASM backend really has (1 without the threaded build). */
export function wasmThreadCount(): number {
  const backend = tf.engine().findBackend('wasm') as unknown as {
    wasm?: { tfjs?: { getThreadsCount?: () => number } };
  } | null;
  return backend?.wasm?.tfjs?.getThreadsCount?.() ?? 1;
}
