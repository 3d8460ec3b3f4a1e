/**
 * Faster kernels for the WASM backend, registered over TF.js' own (same names, same results):
 *
 * - BatchMatMul with a transposed operand: the backend's native kernel takes XNNPACK's fast path
 *   only for plain A·B; with transposeA or transposeB it falls back to a scalar loop 8–20× slower
 *   than an explicit transpose followed by the fast path. Every gradient of a matMul asks for one.
 * - Tile: the backend's kernel walks the output element by element in JavaScript (67 ms for two
 *   copies of 256 MNIST images); this one copies contiguous blocks (about 1 ms).
 *
 * `installWasmKernels()` is idempotent and does nothing when the WASM backend is not imported.
 * Call it once after importing '@tensorflow/tfjs-backend-wasm', before or after the backend starts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: unknown): boolean;
}

let installed = false;

export function installWasmKernels(): boolean {
  if (installed) return true;
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  const tile = tf.getKernel('Tile', 'wasm');
  if (!matMul || !transpose || !tile) return false;
  installed = true;
  replaceKernel(matMul, matMulWithExplicitTranspose(matMul.kernelFunc, transpose.kernelFunc));
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
