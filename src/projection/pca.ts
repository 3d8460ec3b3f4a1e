/**
 * Principal component analysis to 2 or 3 components: centre, form the d×d covariance in float64,
 * take its top eigenvectors (Jacobi for small d, subspace iteration otherwise) and project.
 *
 * Deterministic and sign-stabilised: each axis is oriented so that its largest-magnitude loading is
 * positive, or — when the previous frame's coordinates are given — so that it agrees with them
 * (the picture never flips between frames just because an eigenvector's sign is arbitrary).
 */
import { jacobiEigen, lanczosTopEigen, type SymmetricEigen } from './eigen';

export type Matrix = Float32Array | Float64Array;

export interface PcaOptions {
  /** Output dimensions (default 2). */
  components?: number;
}

export interface PcaResult {
  /** n × components, row-major. */
  coords: Float32Array;
  components: number;
  /** components × dim, row-major unit axes. */
  axes: Float64Array;
  /** Variance along each axis. */
  explainedVariance: Float64Array;
  /** Fraction of the total variance along each axis. */
  explainedVarianceRatio: Float64Array;
  mean: Float64Array;
}

export function checkMatrix(data: Matrix, n: number, dim: number, what = 'data'): void {
  if (!Number.isInteger(n) || !Number.isInteger(dim) || n < 1 || dim < 1) {
    throw new Error(`${what}: n and dim must be positive integers (got n=${n}, dim=${dim})`);
  }
  if (data.length < n * dim) {
    throw new Error(`${what}: expected ${n}×${dim} = ${n * dim} values, got ${data.length}`);
  }
  for (let i = 0; i < n * dim; i++) {
    if (!Number.isFinite(data[i]!)) throw new Error(`${what}: value ${i} is not finite`);
  }
}

/** Column means and the centred data transposed to dim × n (float64). */
function centreTransposed(data: Matrix, n: number, dim: number) {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    for (let j = 0; j < dim; j++) mean[j] = mean[j]! + data[o + j]!;
  }
  for (let j = 0; j < dim; j++) mean[j] = mean[j]! / n;
  const t = new Float64Array(dim * n);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    for (let j = 0; j < dim; j++) t[j * n + i] = data[o + j]! - mean[j]!;
  }
  return { mean, t };
}

/** Sample covariance (divisor max(n − 1, 1)) of centred, transposed data. */
function covariance(t: Float64Array, n: number, dim: number): Float64Array {
  const c = new Float64Array(dim * dim);
  const div = Math.max(n - 1, 1);
  const n4 = n - (n % 4);
  for (let a = 0; a < dim; a++) {
    const ao = a * n;
    for (let b = a; b < dim; b++) {
      const bo = b * n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i < n4; i += 4) {
        s0 += t[ao + i]! * t[bo + i]!;
        s1 += t[ao + i + 1]! * t[bo + i + 1]!;
        s2 += t[ao + i + 2]! * t[bo + i + 2]!;
        s3 += t[ao + i + 3]! * t[bo + i + 3]!;
      }
      for (; i < n; i++) s0 += t[ao + i]! * t[bo + i]!;
      const v = (s0 + s1 + s2 + s3) / div;
      c[a * dim + b] = v;
      c[b * dim + a] = v;
    }
  }
  return c;
}

/**
 * Projects n × dim row-major data onto its top principal axes.
 * @param previous optional n × components coordinates of the previous frame, used only to choose
 *   the sign of each axis.
 */
export function pca(
  data: Matrix,
  n: number,
  dim: number,
  options: PcaOptions = {},
  previous?: Float32Array | null,
): PcaResult {
  checkMatrix(data, n, dim);
  const components = options.components ?? 2;
  if (!Number.isInteger(components) || components < 1) {
    throw new Error(`pca: components must be a positive integer (got ${components})`);
  }
  const k = Math.min(components, dim);
  const { mean, t } = centreTransposed(data, n, dim);
  const div = Math.max(n - 1, 1);
  let total = 0;
  for (let j = 0; j < dim * n; j++) total += t[j]! * t[j]!;
  total /= div;
  let eig: SymmetricEigen;
  if (dim <= 64) {
    eig = jacobiEigen(covariance(t, n, dim), dim);
  } else {
    // Lanczos on the implicit covariance Xᵀ(X·v)/(n−1): 2·n·dim per step, no dim² matrix.
    const u = new Float64Array(n);
    eig = lanczosTopEigen(
      (x, y) => {
        u.fill(0);
        for (let j = 0; j < dim; j++) {
          const xj = x[j]!;
          if (xj === 0) continue;
          const o = j * n;
          for (let i = 0; i < n; i++) u[i] = u[i]! + t[o + i]! * xj;
        }
        for (let j = 0; j < dim; j++) {
          const o = j * n;
          let s = 0;
          for (let i = 0; i < n; i++) s += t[o + i]! * u[i]!;
          y[j] = s / div;
        }
      },
      dim,
      k,
    );
  }
  const axes = new Float64Array(components * dim);
  axes.set(eig.vectors.subarray(0, k * dim));
  const explainedVariance = new Float64Array(components);
  for (let c = 0; c < k; c++) explainedVariance[c] = Math.max(eig.values[c]!, 0);

  // Canonical sign: the largest-magnitude loading is positive (first one on ties).
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let j = 1; j < dim; j++) {
      if (Math.abs(axes[c * dim + j]!) > Math.abs(axes[c * dim + best]!) + 1e-12) best = j;
    }
    if (axes[c * dim + best]! < 0) for (let j = 0; j < dim; j++) axes[c * dim + j]! *= -1;
  }

  const coords = new Float32Array(n * components);
  for (let c = 0; c < k; c++) {
    const ax = axes.subarray(c * dim, (c + 1) * dim);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += t[j * n + i]! * ax[j]!;
      coords[i * components + c] = s;
    }
  }

  // Frame-to-frame stability: flip an axis whose projection disagrees with the previous frame.
  if (previous && previous.length === n * components) {
    for (let c = 0; c < k; c++) {
      let agree = 0;
      for (let i = 0; i < n; i++)
        agree += coords[i * components + c]! * previous[i * components + c]!;
      if (agree < 0) {
        for (let i = 0; i < n; i++) coords[i * components + c]! *= -1;
        for (let j = 0; j < dim; j++) axes[c * dim + j]! *= -1;
      }
    }
  }

  const explainedVarianceRatio = explainedVariance.map((v) => (total > 0 ? v / total : 0));
  return { coords, components, axes, explainedVariance, explainedVarianceRatio, mean };
}
