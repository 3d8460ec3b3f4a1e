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

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvectors as rows: vector j is vectors[j·n .. j·n + n), unit length, matching values[j]. */
  vectors: Float64Array;
}

/**
 * All eigenpairs of a symmetric n×n matrix (row-major), by cyclic Jacobi rotations in float64.
 * O(n³) per sweep, a handful of sweeps: meant for n up to ~100.
 */
export function jacobiEigen(matrix: Float64Array, n: number, tolerance = 1e-14): SymmetricEigen {
  const a = Float64Array.from(matrix.subarray(0, n * n));
  // v holds eigenvectors as columns while rotating.
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]!));
  const threshold = tolerance * Math.max(scale, 1e-300);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    if (Math.sqrt(off) <= threshold) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => a[j * n + j]! - a[i * n + i]! || i - j,
  );
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, j) => {
    values[j] = a[col * n + col]!;
    for (let k = 0; k < n; k++) vectors[j * n + k] = v[k * n + col]!;
  });
  return { values, vectors };
}

/** Eigenvalues of a symmetric n×n matrix (row-major), largest first. */
export function symmetricEigenvalues(
  matrix: Float64Array,
  n: number,
  tolerance = 1e-14,
): Float64Array {
  return jacobiEigen(matrix, n, tolerance).values;
}
