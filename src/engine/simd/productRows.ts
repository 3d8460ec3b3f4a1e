/**
 * Rows of a matrix product on our SIMD kernel (gemm.ts), four at a time, a range of them per call
 * so that the kernel pool's threads can share them (kernelJobs.ts). No TF.js here: the pool's
 * helper threads import this module.
 */
import type { SimdKernels } from './simdKernels';

/** Byte offsets and sizes of C [batch, m, n] += A [batchA, m, k]·B [batchB, k, n]. */
export interface ProductGeometry {
  a: number;
  b: number;
  c: number;
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  /**
   * What C's rows hold before the products are added (PRODUCT_START; default: what is there). Each
   * range of rows is set by whoever computes it, on its own thread, not all of C first on one.
   */
  start?: number;
  /** With start `bias`: the byte offset of the n values each row starts from. */
  bias?: number;
}

export const PRODUCT_START = { asIs: 0, zeros: 1, bias: 2 } as const;

/** mapRange's ops that set C (simd/kernels.wat): a bias repeated, +0. */
const FILL_WITH_PERIOD = 7;
const FILL_WITH_ZEROS = 8;

/**
 * Groups of four rows `begin ≤ g < end` of the product, numbered across the batch (⌈m/4⌉ per
 * matrix), each output adding one float32 product at a time in k's order to its start value.
 */
export function productQuads(
  simd: SimdKernels,
  { a, b, c, batchA, batchB, m, k, n, start, bias }: ProductGeometry,
  begin: number,
  end: number,
): void {
  const perMatrix = Math.ceil(m / 4);
  const rowA = k * 4;
  const rowC = n * 4;
  if (start && begin < end) {
    // The rows of groups begin..end−1 are consecutive in C (the matrices of the batch too).
    const firstRow = (g: number) => Math.floor(g / perMatrix) * m + (g % perMatrix) * 4;
    const last = end - 1;
    const endRow = Math.floor(last / perMatrix) * m + Math.min((last % perMatrix) * 4 + 4, m);
    const op = start === PRODUCT_START.bias ? FILL_WITH_PERIOD : FILL_WITH_ZEROS;
    simd.mapRange(op, 0, bias ?? 0, c, firstRow(begin) * n, endRow * n, n, 0);
  }
  for (let g = begin; g < end; g++) {
    const i = Math.floor(g / perMatrix);
    const r = (g - i * perMatrix) * 4;
    const aMat = a + (batchA === 1 ? 0 : i * m * rowA);
    const bMat = b + (batchB === 1 ? 0 : i * k * rowC);
    const cMat = c + i * m * rowC;
    // A last group of fewer than four rows repeats its last row: the kernel loads each row's
    // start before it stores, so a repeated row computes and stores the same value twice.
    const r1 = Math.min(r + 1, m - 1);
    const r2 = Math.min(r + 2, m - 1);
    const r3 = Math.min(r + 3, m - 1);
    simd.accumulateRows4(
      aMat + r * rowA,
      aMat + r1 * rowA,
      aMat + r2 * rowA,
      aMat + r3 * rowA,
      4,
      bMat,
      rowC,
      k,
      cMat + r * rowC,
      cMat + r1 * rowC,
      cMat + r2 * rowC,
      cMat + r3 * rowC,
      n,
    );
  }
}
