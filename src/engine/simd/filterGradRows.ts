/**
 * The rows of a convolution's filter gradient (convFilterGrad.ts) on our SIMD kernel, a range of
 * rows at a time so that the kernel pool's threads can share them (kernelJobs.ts). No TF.js here:
 * the pool's helper threads import this module.
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
