/**
 * Dense symmetric positive-definite solves in float64 on the CPU. TF.js has no Cholesky or
 * triangular solve, and the matrices that need one (kernel priors) carry no gradient.
 */

/** Lower-triangular L with A = L·Lᵀ, for a row-major n×n symmetric positive-definite A. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let diag = a[j * n + j]!;
    for (let k = 0; k < j; k++) diag -= l[j * n + k]! ** 2;
    if (!(diag > 0)) {
      throw new Error(`Cholesky: the matrix is not positive definite (pivot ${j} is ${diag}).`);
    }
    const ljj = Math.sqrt(diag);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** X with A·X = B for symmetric positive-definite A (n×n) and B (n×m), both row-major. */
export function solveSpd(a: Float64Array, n: number, b: Float64Array, m: number): Float64Array {
  const l = cholesky(a, n);
  const x = Float64Array.from(b);
  for (let col = 0; col < m; col++) {
    // Forward substitution L·y = b, then back substitution Lᵀ·x = y, in place.
    for (let i = 0; i < n; i++) {
      let s = x[i * m + col]!;
      for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[k * m + col]!;
      x[i * m + col] = s / l[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * m + col]!;
      for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k * m + col]!;
      x[i * m + col] = s / l[i * n + i]!;
    }
  }
  return x;
}
