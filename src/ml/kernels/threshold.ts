/**
 * The `threshold` construction of KernelizedSupCon (spec A §6): for anchor a and candidate c,
 * C_ac = #{k in [0, M) : W_ck < W_ca}, a strict count over every row k (k = a and k = c included)
 * of row c of the kernel matrix. Candidates less similar to c than the anchor is are repelled.
 */

/** Counts C (row-major M×M, float64) from a row-major M×M kernel matrix W; O(M² log M). */
export function thresholdCounts(kernel: Float64Array, size: number): Float64Array {
  const counts = new Float64Array(size * size);
  const sortedRow = new Float64Array(size);
  for (let c = 0; c < size; c++) {
    sortedRow.set(kernel.subarray(c * size, (c + 1) * size));
    sortedRow.sort();
    for (let a = 0; a < size; a++) {
      counts[a * size + c] = countBelow(sortedRow, kernel[c * size + a]!);
    }
  }
  return counts;
}

/** Number of entries of an ascending array strictly below `value`. */
function countBelow(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
