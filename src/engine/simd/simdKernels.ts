/**
 * Our WASM SIMD kernels (kernels.wat), instantiated on the memory of TF.js' WASM backend so they
 * work on tensors where they lie, with no copy. The threaded build's memory is shared, the SIMD
 * build's is not: each gets the binary that imports its kind. Where neither can be found (another
 * backend, an engine without WASM SIMD) callers keep their JavaScript loops.
 */
import { SIMD_KERNELS_PLAIN_MEMORY, SIMD_KERNELS_SHARED_MEMORY } from './kernelsBinary';

export interface SimdKernels {
  /** Adam on n elements (n % 4 === 0) at byte offsets w, m, s, g → o; m and s in place. */
  adam(
    w: number,
    m: number,
    s: number,
    g: number,
    o: number,
    n: number,
    a: number,
    b: number,
    eps: number,
  ): void;
  /** 1 when the n floats (n % 4 === 0) at byte offset p are all finite, else 0. */
  allFinite(p: number, n: number): number;
  /**
   * dst = srcᵀ for a rows × cols matrix of 4-byte values at byte offsets src and dst (rows, cols
   * multiples of 4), rows srcStride (dst: dstStride) values apart, `strip` source columns a pass.
   */
  transpose(
    src: number,
    dst: number,
    rows: number,
    cols: number,
    srcStride: number,
    dstStride: number,
    strip: number,
  ): void;
  /**
   * [a, b, c] → [b, a, c] for 4-byte values: blocks of c move whole; only the output's blocks
   * j0 ≤ j < j1 (0 and b for all).
   */
  swapBlocks(
    src: number,
    dst: number,
    a: number,
    b: number,
    c: number,
    j0: number,
    j1: number,
  ): void;
  /**
   * A convolution (NHWC, filter [kh, kw, ci, co], co % 4 === 0) for output pixels p0 ≤ p < p1 of
   * [n, oh, ow] (p0 % 4 === 0), in XNNPACK's order of sums; `zero` points at ci zeros, `taps` at
   * scratch for 4·kh·kw addresses.
   */
  convRows4(
    x: number,
    zero: number,
    f: number,
    out: number,
    taps: number,
    h: number,
    w: number,
    ci: number,
    co: number,
    kh: number,
    kw: number,
    stride: number,
    top: number,
    left: number,
    oh: number,
    ow: number,
    p0: number,
    p1: number,
  ): void;
  /**
   * Rows r0 ≤ r < r1 of the masked log-sum-exp of x [rows, cols] (mask: one bool byte per element,
   * or 0 for none): shift[r] = the row max, sum[r] = Σ_j expf(v_j − shift[r]); `table` points at
   * EXP2F_TABLE in the heap. The backend's Select, Max, Sub, Exp and Sum, bit for bit.
   */
  logSumExpRows(
    x: number,
    mask: number,
    cols: number,
    r0: number,
    r1: number,
    shift: number,
    sum: number,
    table: number,
  ): void;
  /** Its gradient for rows r0 ≤ r < r1: dx = (dy[r]·expf(v − lse[r]))·keep, as the backend's. */
  logSumExpGradRows(
    x: number,
    mask: number,
    cols: number,
    r0: number,
    r1: number,
    lse: number,
    dy: number,
    dx: number,
    table: number,
  ): void;
  /**
   * Elementwise on floats begin ≤ i < end (multiples of 4), as the backend computes each: op 0
   * a + b[i mod period], 1 a·b[i mod period], 2 step(a) (alpha below 0), 3 relu(a), 4 a copy,
   * 5 a / b[0], 6 a·step(b[i mod period]) (ReLU's gradient), 7 b[i mod period], 8 +0.
   */
  mapRange(
    op: number,
    a: number,
    b: number,
    out: number,
    begin: number,
    end: number,
    period: number,
    alpha: number,
  ): void;
  /** max(0, x) in place on n floats (n % 4 === 0), NaN and −0 to +0: XNNPACK's fused ReLU. */
  reluInPlace(p: number, n: number): void;
  /**
   * dst[j] = Σ_i src[i][j] for a rows × cols float32 matrix (cols % 4 === 0), rows in order, row i
   * at src + 4·i·stride.
   */
  sumRows(src: number, dst: number, rows: number, cols: number, stride: number): void;
  /**
   * c_r[j] += Σ_m a_r[m]·b[m][j] for four rows r (cols % 4 === 0; m in order, one float32 product
   * at a time): a_r[m] at a_r + m·aStride, b[m] at b + m·bStride, in bytes. A row may repeat.
   */
  accumulateRows4(
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    aStride: number,
    b: number,
    bStride: number,
    n: number,
    c0: number,
    c1: number,
    c2: number,
    c3: number,
    cols: number,
  ): void;
}

/** What the kernels need of the WASM backend (its Emscripten module and tensor offsets). */
export interface WasmBackendLike {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  getMemoryOffset(dataId: object): number;
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();

function decode(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** The kernels on this memory, instantiated once (a few hundred bytes: synchronous is allowed). */
export function simdKernelsOn(memory: WebAssembly.Memory): SimdKernels | undefined {
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    try {
      const bytes = decode(
        isShared(memory) ? SIMD_KERNELS_SHARED_MEMORY : SIMD_KERNELS_PLAIN_MEMORY,
      );
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      const e = instance.exports as unknown as SimdKernels;
      // A plain object (the exports are frozen): the tests spy on it to see which kernel ran.
      kernels = {
        adam: e.adam,
        allFinite: e.allFinite,
        transpose: e.transpose,
        swapBlocks: e.swapBlocks,
        sumRows: e.sumRows,
        accumulateRows4: e.accumulateRows4,
        reluInPlace: e.reluInPlace,
        mapRange: e.mapRange,
        convRows4: e.convRows4,
        logSumExpRows: e.logSumExpRows,
        logSumExpGradRows: e.logSumExpGradRows,
      };
    } catch {
      kernels = null; // no WASM SIMD here: the JavaScript loops stay
    }
    instances.set(memory, kernels);
  }
  return kernels ?? undefined;
}

function memoryOf(backend: unknown): WebAssembly.Memory | undefined {
  const wasm = (backend as Partial<WasmBackendLike> | null)?.wasm;
  const memory = wasm?.wasmMemory ?? wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/** The kernels on a WASM backend's heap, or undefined (not that backend, or no SIMD). */
export function simdKernelsOf(backend: unknown): SimdKernels | undefined {
  const memory = memoryOf(backend);
  return memory ? simdKernelsOn(memory) : undefined;
}

/** What simdKernelsOn answers for this heap from now on (the kernel pool's splitting versions). */
export function replaceSimdKernels(memory: WebAssembly.Memory, kernels: SimdKernels): void {
  instances.set(memory, kernels);
}

/** The threads of TF.js' own pool on this backend (1 for Node's build, and beside our pool). */
export function tfjsThreadCount(backend: unknown): number {
  const wasm = (backend as { wasm?: { tfjs?: { getThreadsCount?: () => number } } } | null)?.wasm;
  return wasm?.tfjs?.getThreadsCount?.() ?? 1;
}

/**
 * Runs a kernel's work into `outputs` (data ids); if it throws (a helper of the kernel pool
 * failed), frees them before rethrowing: the step fails, and the heap keeps nothing of it.
 */
export function freeOutputsOnThrow(
  backend: { disposeData(dataId: unknown): boolean },
  outputs: { dataId: unknown }[],
  work: () => void,
): void {
  try {
    work();
  } catch (error) {
    for (const out of outputs) backend.disposeData(out.dataId);
    throw error;
  }
}

/** The WASM backend's heap when it is shared (the threaded build), else undefined. */
export function sharedMemoryOf(backend: unknown): WebAssembly.Memory | undefined {
  const memory = memoryOf(backend);
  return memory && isShared(memory) ? memory : undefined;
}

/**
 * Columns of the source per pass of the SIMD transpose. The pass writes `strip` rows of the
 * output, `dstStride` floats apart: 2 KB apart and more, they fall into few L1 sets and evict each
 * other, so long output rows get narrow strips (Node, one thread: 8192 × 256 in 0.7 ms at 8
 * columns, 2.0 at 64; 512 × 784 0.12 at 8, 0.25 at 32; 128 × 8192 0.23 at 32, 0.5 at 8).
 */
export function transposeStrip(dstStride: number): number {
  return dstStride >= 512 ? 8 : 32;
}

/**
 * The words of musl's exp2f table, 2^(i/32) as binary64 minus i << 47 (its exp2f_data.c), as
 * 32-bit halves, low first: the table our expf reads (kernels.wat), written into the heap by its
 * callers.
 */
export const EXP2F_TABLE = Uint32Array.from(
  [
    0x3ff0000000000000n,
    0x3fefd9b0d3158574n,
    0x3fefb5586cf9890fn,
    0x3fef9301d0125b51n,
    0x3fef72b83c7d517bn,
    0x3fef54873168b9aan,
    0x3fef387a6e756238n,
    0x3fef1e9df51fdee1n,
    0x3fef06fe0a31b715n,
    0x3feef1a7373aa9cbn,
    0x3feedea64c123422n,
    0x3feece086061892dn,
    0x3feebfdad5362a27n,
    0x3feeb42b569d4f82n,
    0x3feeab07dd485429n,
    0x3feea47eb03a5585n,
    0x3feea09e667f3bcdn,
    0x3fee9f75e8ec5f74n,
    0x3feea11473eb0187n,
    0x3feea589994cce13n,
    0x3feeace5422aa0dbn,
    0x3feeb737b0cdc5e5n,
    0x3feec49182a3f090n,
    0x3feed503b23e255dn,
    0x3feee89f995ad3adn,
    0x3feeff76f2fb5e47n,
    0x3fef199bdd85529cn,
    0x3fef3720dcef9069n,
    0x3fef5818dcfba487n,
    0x3fef7c97337b9b5fn,
    0x3fefa4afa2a490dan,
    0x3fefd0765b6e4540n,
  ].flatMap((w) => [Number(w & 0xffffffffn), Number(w >> 32n)]),
);
