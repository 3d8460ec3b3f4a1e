/**
 * Symmetric eigen-decomposition for the small matrices of the projections (covariances of a few
 * hundred dimensions at most, Rayleigh–Ritz blocks of a dozen).
 */

import { jacobiEigen, type SymmetricEigen } from '../ml/linalg';

export { jacobiEigen, type SymmetricEigen };

/** y = A·x for a symmetric linear operator of size d. */
export type SymmetricOperator = (x: Float64Array, y: Float64Array) => void;

/**
 * Lanczos with full re-orthogonalisation (twice, against the whole basis) from a fixed start
 * vector, so results are deterministic: the iteration both solvers below share. Step `s` fills
 * α_s, β_s of the tridiagonal matrix and, unless the space became invariant or the basis is full,
 * basis vector s + 1.
 */
class LanczosBasis {
  readonly basis: Float64Array;
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  private readonly w: Float64Array;

  constructor(
    private readonly apply: SymmetricOperator,
    readonly d: number,
    readonly maxSteps: number,
  ) {
    this.basis = new Float64Array(maxSteps * d);
    this.alpha = new Float64Array(maxSteps);
    this.beta = new Float64Array(maxSteps);
    this.w = new Float64Array(d);
    fillStartVector(this.basis, d);
  }

  /** Runs step `step`; true when the Krylov space is invariant (β ≈ 0: no next vector). */
  step(step: number): boolean {
    const { basis, alpha, beta, w, d } = this;
    const v = basis.subarray(step * d, (step + 1) * d);
    this.apply(v, w);
    let a = 0;
    for (let j = 0; j < d; j++) a += w[j]! * v[j]!;
    alpha[step] = a;
    for (let pass = 0; pass < 2; pass++) {
      for (let s = 0; s <= step; s++) {
        const o = s * d;
        let dot = 0;
        for (let j = 0; j < d; j++) dot += w[j]! * basis[o + j]!;
        for (let j = 0; j < d; j++) w[j] = w[j]! - dot * basis[o + j]!;
      }
    }
    let b = 0;
    for (let j = 0; j < d; j++) b += w[j]! ** 2;
    b = Math.sqrt(b);
    beta[step] = b;
    const invariant = b <= 1e-12 * Math.max(Math.abs(alpha[0]!), 1e-300);
    if (!invariant && step + 1 < this.maxSteps) {
      const o = (step + 1) * d;
      for (let j = 0; j < d; j++) basis[o + j] = w[j]! / b;
    }
    return invariant;
  }

  /**
   * k rows of d: the first min(k, m) Ritz vectors Σ_s y_{r,s}·q_s for the eigenvectors y (rows of
   * length m) of the m×m tridiagonal matrix; the rows beyond are zero.
   */
  ritzVectors(y: Float64Array, m: number, k: number): Float64Array {
    const { basis, d } = this;
    const vectors = new Float64Array(k * d);
    for (let r = 0; r < Math.min(k, m); r++) {
      for (let s = 0; s < m; s++) {
        const c = y[r * m + s]!;
        if (c === 0) continue;
        const o = s * d;
        for (let j = 0; j < d; j++) vectors[r * d + j] = vectors[r * d + j]! + c * basis[o + j]!;
      }
    }
    return vectors;
  }
}

/**
 * The top `k` eigenpairs of a symmetric positive semi-definite operator of size d, by Lanczos with
 * full re-orthogonalisation from a fixed start vector (so the result is deterministic). The Krylov
 * space grows until the top `k` Ritz pairs have residual ‖A x − λ x‖ < tolerance·λ₁, or until
 * `maxSteps` (default min(d, 160)) — on a spectrum with no gap (isotropic noise) the axes are
 * arbitrary anyway, and the best Ritz pairs so far are returned.
 */
export function lanczosTopEigen(
  apply: SymmetricOperator,
  d: number,
  k: number,
  options: { maxSteps?: number; tolerance?: number } = {},
): SymmetricEigen {
  const maxSteps = Math.min(d, options.maxSteps ?? 160);
  const tolerance = options.tolerance ?? 1e-9;
  const lanczos = new LanczosBasis(apply, d, maxSteps);
  const { alpha, beta } = lanczos;
  for (let step = 0; step < maxSteps; step++) {
    const invariant = lanczos.step(step);
    const m = step + 1;
    const b = beta[step]!;
    const last = step === maxSteps - 1;
    if ((m >= k && m % 4 === 0) || last || invariant) {
      const t = new Float64Array(m * m);
      for (let i = 0; i < m; i++) {
        t[i * m + i] = alpha[i]!;
        if (i + 1 < m) {
          t[i * m + i + 1] = beta[i]!;
          t[(i + 1) * m + i] = beta[i]!;
        }
      }
      const ritz = jacobiEigen(t, m);
      const scale = Math.max(Math.abs(ritz.values[0]!), 1e-300);
      const kk = Math.min(k, m);
      let converged = true;
      for (let r = 0; r < kk; r++) {
        if (Math.abs(b * ritz.vectors[r * m + m - 1]!) > tolerance * scale) converged = false;
      }
      if (converged || last || invariant) {
        const vectors = lanczos.ritzVectors(ritz.vectors, m, k);
        // An invariant subspace smaller than k: complete with orthonormal directions (eigenvalue 0).
        if (kk < k) orthonormaliseRows(vectors, k, d);
        return { values: ritz.values.slice(0, k), vectors };
      }
    }
  }
  return { values: new Float64Array(k), vectors: new Float64Array(k * d) };
}

/**
 * Modified Gram–Schmidt on the rows of an m×d matrix (m ≤ d), with re-orthogonalisation. A row
 * that is (numerically) in the span of the previous ones is replaced by a fixed pseudo-random
 * direction, so the result is always an orthonormal basis and always deterministic.
 */
export function orthonormaliseRows(q: Float64Array, m: number, d: number): void {
  for (let r = 0; r < m; r++) {
    const ro = r * d;
    for (let attempt = 0; ; attempt++) {
      let before = 0;
      for (let j = 0; j < d; j++) before += q[ro + j]! ** 2;
      for (let pass = 0; pass < 2; pass++) {
        for (let s = 0; s < r; s++) {
          const so = s * d;
          let dot = 0;
          for (let j = 0; j < d; j++) dot += q[ro + j]! * q[so + j]!;
          for (let j = 0; j < d; j++) q[ro + j] = q[ro + j]! - dot * q[so + j]!;
        }
      }
      let norm = 0;
      for (let j = 0; j < d; j++) norm += q[ro + j]! ** 2;
      if (norm > 1e-20 * before && norm > 1e-300) {
        const inv = 1 / Math.sqrt(norm);
        for (let j = 0; j < d; j++) q[ro + j] = q[ro + j]! * inv;
        break;
      }
      if (attempt > 8) throw new Error('orthonormaliseRows: cannot complete the basis');
      for (let j = 0; j < d; j++) {
        const x = Math.sin((r + 1) * 12.9898 + (j + 1) * 78.233 + attempt * 37.719) * 43758.5453;
        q[ro + j] = x - Math.floor(x) - 0.5;
      }
    }
  }
}

/**
 * The top `k` Ritz pairs of a symmetric operator after exactly `steps` Lanczos steps (full
 * re-orthogonalisation, fixed start vector, one eigen-decomposition of the tridiagonal matrix at
 * the end). Cheaper than `lanczosTopEigen` when many pairs are wanted and a good subspace is
 * enough (pre-reduction for neighbour search), not exact eigenvectors. Stops early on an
 * invariant subspace; pairs beyond it are returned as zero vectors with eigenvalue 0.
 */
export function lanczosRitz(
  apply: SymmetricOperator,
  d: number,
  k: number,
  steps: number,
): SymmetricEigen {
  const maxSteps = Math.max(1, Math.min(d, steps));
  const lanczos = new LanczosBasis(apply, d, maxSteps);
  let m = 0;
  for (let step = 0; step < maxSteps; step++) {
    m = step + 1;
    if (lanczos.step(step)) break;
  }
  const { alpha, beta } = lanczos;
  const ritz = tridiagonalEigen(alpha.subarray(0, m), beta.subarray(0, m - 1), m);
  const values = new Float64Array(k);
  values.set(ritz.values.subarray(0, Math.min(k, m)));
  return { values, vectors: lanczos.ritzVectors(ritz.vectors, m, k) };
}

/**
 * Eigenvalues (largest first) and unit eigenvectors (rows) of the symmetric tridiagonal matrix with
 * diagonal `diag` (m) and off-diagonal `off` (m − 1), by the implicit QL method with Wilkinson
 * shifts (EISPACK's tql2): O(m²) per eigenvalue sweep, far cheaper than Jacobi for m ≈ 100.
 */
export function tridiagonalEigen(
  diag: ArrayLike<number>,
  off: ArrayLike<number>,
  m: number,
): SymmetricEigen {
  const d = Float64Array.from({ length: m }, (_, i) => diag[i]!);
  const e = new Float64Array(m);
  for (let i = 0; i + 1 < m; i++) e[i] = off[i]!;
  // zt row i = eigenvector i (transposed accumulation keeps the rotations contiguous).
  const zt = new Float64Array(m * m);
  for (let i = 0; i < m; i++) zt[i * m + i] = 1;
  const eps = Number.EPSILON;
  for (let l = 0; l < m; l++) {
    for (let iter = 0; ; iter++) {
      let mm = l;
      for (; mm < m - 1; mm++) {
        const dd = Math.abs(d[mm]!) + Math.abs(d[mm + 1]!);
        if (Math.abs(e[mm]!) <= eps * dd) break;
      }
      if (mm === l) break;
      if (iter >= 60) break; // no convergence: keep what we have (never seen in practice)
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = Math.hypot(g, 1);
      g = d[mm]! - d[l]! + e[l]! / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = mm - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] = d[i + 1]! - p;
          e[mm] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - p;
        r = (d[i]! - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        const a0 = i * m;
        const a1 = (i + 1) * m;
        for (let k = 0; k < m; k++) {
          const zi = zt[a0 + k]!;
          const zj = zt[a1 + k]!;
          zt[a1 + k] = s * zi + c * zj;
          zt[a0 + k] = c * zi - s * zj;
        }
      }
      if (underflow) continue;
      d[l] = d[l]! - p;
      e[l] = g;
      e[mm] = 0;
    }
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => d[b]! - d[a]! || a - b);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  order.forEach((src, dst) => {
    values[dst] = d[src]!;
    vectors.set(zt.subarray(src * m, (src + 1) * m), dst * m);
  });
  return { values, vectors };
}

/** The fixed Lanczos start vector (a simple LCG, normalised) in the first `d` entries of `basis`. */
function fillStartVector(basis: Float64Array, d: number): void {
  let state = 12345;
  let norm = 0;
  for (let j = 0; j < d; j++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    basis[j] = state / 4294967296 - 0.5;
    norm += basis[j]! ** 2;
  }
  norm = Math.sqrt(norm);
  for (let j = 0; j < d; j++) basis[j] = basis[j]! / norm;
}
