/**
 * The masked log-sum-exp of the losses (ml/ops.ts maskedLogSumExp) as two kernels of our own on
 * WASM: the row max and the sum of exponentials in one pass over the rows, and the gradient in
 * another. The tensor form ran Fill, Select, Max, Sub, Exp, Sum and, for the gradient, Sub, Exp,
 * Multiply, Cast and Multiply over M × M logits, each a pass on one thread (about 3 ms of a SupCon
 * step at 256 × 2 views). The kernels do the same float32 operations in the same order, with
 * musl's expf as the backend's Exp computes it (kernels.wat), so the values are the backend's
 * bit for bit (test/unit/engine/logSumExp.test.ts); with the kernel pool their rows are split
 * among its threads.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { LOG_SUM_EXP_GRAD_KERNEL, LOG_SUM_EXP_ROWS_KERNEL, MASKED_LOGIT } from '../ml/ops';
import { kernelPoolOf } from './simd/kernelPool';
import { EXP2F_TABLE, freeOutputsOnThrow, simdKernelsOf } from './simd/simdKernels';
import type { WasmBackendLike } from './wasmKernels';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * musl's expf in JavaScript (its double-precision steps; JavaScript numbers are binary64), for an
 * engine without WASM SIMD and for the tests: the backend's Exp bit for bit.
 */
export function expf(x: number): number {
  const bits = new Uint32Array(Float32Array.of(x).buffer)[0]!;
  const abstop = (bits >>> 20) & 0x7ff;
  if (abstop >= 0x42b) {
    if (bits === 0xff800000) return 0;
    if (abstop >= 0x7f8) return x + x;
    if (x > 0x162e42e * 2 ** -18) return Infinity; // 0x1.62e42ep6, log(2^128)
    if (x < -0x19fe368 * 2 ** -18) return 0; // -0x1.9fe368p6, log(2^-150)
  }
  const z = 46.16624130844683 * x; // 0x1.71547652b82fep+5
  F64[0] = z + 6755399441055744; // 0x1.8p+52
  const kiLow = U32[0]!;
  const kd = F64[0] - 6755399441055744;
  const r = z - kd;
  // t = tab[ki % 32] + (ki << 47): the low word of ki shifted by 47 lands in the high word.
  const i = kiLow & 31;
  U32[0] = EXP2F_TABLE[2 * i]!;
  U32[1] = (EXP2F_TABLE[2 * i + 1]! + ((kiLow << 15) >>> 0)) >>> 0;
  const sv = F64[0];
  // The polynomial's coefficients over 32^3, 32^2 and 32 (0x1.c6af84b912394p-20,
  // 0x1.ebfce50fac4f3p-13, 0x1.62e42ff0c52d6p-6; the test checks them against the hex forms).
  const zz = 0.0000016938359250920212 * r + 0.00023459809789509004;
  let y = 0.021660849396613134 * r + 1;
  y = zz * (r * r) + y;
  return Math.fround(y * sv);
}

/** The table of musl's expf in the heap for one call (256 bytes), freed by the caller. */
function tableIn(wasm: WasmBackendLike): TensorInfo {
  const table = wasm.makeOutput([EXP2F_TABLE.length], 'int32');
  (wasm.typedArrayFromHeap(table) as Int32Array).set(EXP2F_TABLE);
  return table;
}

/** The values of row element i as the masked log-sum-exp sees them (MASKED_LOGIT where masked). */
const masked = (x: Float32Array, mask: Uint8Array | undefined, i: number) =>
  mask && mask[i] === 0 ? MASKED_LOGIT_F32 : x[i]!;
const MASKED_LOGIT_F32 = Math.fround(MASKED_LOGIT);

/** The kernels' loops in JavaScript, for an engine without WASM SIMD (same operations). */
export function rowsInJs(x: Float32Array, mask: Uint8Array | undefined, r: number, c: number) {
  const shift = new Float32Array(r);
  const sum = new Float32Array(r);
  for (let i = 0; i < r; i++) {
    let m = masked(x, mask, i * c);
    for (let j = 1; j < c; j++) {
      const v = masked(x, mask, i * c + j);
      if (v > m) m = v;
    }
    let acc = 0;
    for (let j = 0; j < c; j++)
      acc = Math.fround(acc + expf(Math.fround(masked(x, mask, i * c + j) - m)));
    [shift[i], sum[i]] = [m, acc];
  }
  return { shift, sum };
}

export function gradInJs(
  x: Float32Array,
  mask: Uint8Array | undefined,
  lse: Float32Array,
  dy: Float32Array,
  c: number,
) {
  const dx = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const r = Math.floor(i / c);
    const g = Math.fround(dy[r]! * expf(Math.fround(masked(x, mask, i) - lse[r]!)));
    dx[i] = mask ? Math.fround(g * (mask[i] !== 0 ? 1 : 0)) : g;
  }
  return dx;
}

const rows: KernelFunc = ({ inputs, backend }) => {
  const { x, mask } = inputs as { x: TensorInfo; mask?: TensorInfo };
  const simd = simdKernelsOf(backend);
  if (!simd) {
    const wasm = backend as unknown as WasmBackendLike;
    const [r, c] = x.shape as [number, number];
    const values = rowsInJs(
      wasm.typedArrayFromHeap(x) as Float32Array,
      mask ? (wasm.typedArrayFromHeap(mask) as Uint8Array) : undefined,
      r,
      c,
    );
    const shift = wasm.makeOutput([r, 1], 'float32');
    const sum = wasm.makeOutput([r, 1], 'float32');
    (wasm.typedArrayFromHeap(shift) as Float32Array).set(values.shift);
    (wasm.typedArrayFromHeap(sum) as Float32Array).set(values.sum);
    return [shift, sum];
  }
  const wasm = backend as unknown as WasmBackendLike;
  const [r, c] = x.shape as [number, number];
  const shift = wasm.makeOutput([r, 1], 'float32');
  const sum = wasm.makeOutput([r, 1], 'float32');
  const table = tableIn(wasm);
  try {
    const at = (t: TensorInfo) => wasm.getMemoryOffset(t.dataId);
    const args = [at(x), mask ? at(mask) : 0, c, at(shift), at(sum), at(table)] as const;
    const pool = kernelPoolOf(backend);
    freeOutputsOnThrow(wasm, [shift, sum], () =>
      pool
        ? pool.logSumExpRows(...args, r)
        : simd.logSumExpRows(args[0], args[1], c, 0, r, args[3], args[4], args[5]),
    );
  } finally {
    wasm.disposeData(table.dataId);
  }
  return [shift, sum];
};

const grad: KernelFunc = ({ inputs, backend }) => {
  const { x, mask, lse, dy } = inputs as {
    x: TensorInfo;
    mask?: TensorInfo;
    lse: TensorInfo;
    dy: TensorInfo;
  };
  const simd = simdKernelsOf(backend);
  const wasm = backend as unknown as WasmBackendLike;
  const [r, c] = x.shape as [number, number];
  if (!simd) {
    const values = gradInJs(
      wasm.typedArrayFromHeap(x) as Float32Array,
      mask ? (wasm.typedArrayFromHeap(mask) as Uint8Array) : undefined,
      wasm.typedArrayFromHeap(lse) as Float32Array,
      wasm.typedArrayFromHeap(dy) as Float32Array,
      c,
    );
    const out = wasm.makeOutput([r, c], 'float32');
    (wasm.typedArrayFromHeap(out) as Float32Array).set(values);
    return out;
  }
  const dx = wasm.makeOutput([r, c], 'float32');
  const table = tableIn(wasm);
  try {
    const at = (t: TensorInfo) => wasm.getMemoryOffset(t.dataId);
    const args = [at(x), mask ? at(mask) : 0, c, at(lse), at(dy), at(dx), at(table)] as const;
    const pool = kernelPoolOf(backend);
    freeOutputsOnThrow(wasm, [dx], () =>
      pool
        ? pool.logSumExpGradRows(...args, r)
        : simd.logSumExpGradRows(args[0], args[1], c, 0, r, args[3], args[4], args[5], args[6]),
    );
  } finally {
    wasm.disposeData(table.dataId);
  }
  return dx;
};

/**
 * Registers both kernels on the WASM backend (idempotent; without WASM SIMD they run their loops
 * in JavaScript): ml/ops.ts takes the fused path where they are registered.
 */
export function installLogSumExpKernels(): void {
  if (tf.getKernel(LOG_SUM_EXP_ROWS_KERNEL, 'wasm')) return;
  tf.registerKernel({ kernelName: LOG_SUM_EXP_ROWS_KERNEL, backendName: 'wasm', kernelFunc: rows });
  tf.registerKernel({ kernelName: LOG_SUM_EXP_GRAD_KERNEL, backendName: 'wasm', kernelFunc: grad });
}
