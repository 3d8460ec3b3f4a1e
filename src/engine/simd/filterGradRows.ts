/**
 * The loop over taps that drives accumulateRows4 for a convolution's filter gradient
 * (engine/convFilterGrad.ts). Free of TF.js: the kernel pool's helper thread runs it too, on its
 * own rows.
 */
import type { ConvFilterGradAttrs } from '../../models/layers';
import type { SimdKernels } from './simdKernels';

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
 * Adds the products of output rows [rowBegin, rowEnd) (row r = (ky·k + kx)·ci + c: dW's own
 * layout [k, k, ci, co]) into dW at byte offset `out`, zeroed before the first call. x and dy are
 * byte offsets of float32 tensors on the heap the kernels run on. Rows of one call never touch
 * another call's rows, so disjoint ranges may run side by side.
 */
export function accumulateFilterGradRows(
  simd: SimdKernels,
  shape: FilterGradShape,
  x: number,
  dy: number,
  out: number,
  rowBegin: number,
  rowEnd: number,
): void {
  const { n, h, w, ci, oh, ow, co, k, stride, top, left } = shape;
  const xStride = h * w * ci * 4;
  const dyStride = oh * ow * co * 4;
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
        aRows[valid] = x + ((y * w + xx) * ci + c) * 4;
        cRows[valid] = out + r * co * 4;
        valid++;
      }
      if (valid === 0) continue;
      // A last group of fewer than four repeats its last row: same inputs, same value stored.
      for (let extra = valid; extra % 4 !== 0; extra++) {
        aRows[extra] = aRows[valid - 1]!;
        cRows[extra] = cRows[valid - 1]!;
      }
      const b = dy + (i * ow + j) * co * 4;
      for (let g = 0; g < valid; g += 4) {
        simd.accumulateRows4(
          aRows[g]!,
          aRows[g + 1]!,
          aRows[g + 2]!,
          aRows[g + 3]!,
          xStride,
          b,
          dyStride,
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
