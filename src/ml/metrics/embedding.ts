/**
 * Metrics of a representation (no gradient): Wang & Isola's alignment and uniformity, and the
 * effective rank. Inputs are plain row-major Float32Arrays, as snapshots leave the engine.
 */
import { symmetricEigenvalues } from '../linalg';

/** (1/n) Σ_i ‖x_i − y_i‖^α over positive pairs (rows of x and y). */
export function alignment(x: Float32Array, y: Float32Array, dim: number, alpha = 2): number {
  if (x.length !== y.length || x.length % dim !== 0)
    throw new Error('alignment: x and y must both be [n, dim].');
  const n = x.length / dim;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let k = 0; k < dim; k++) sq += (x[i * dim + k]! - y[i * dim + k]!) ** 2;
    total += alpha === 2 ? sq : Math.pow(sq, alpha / 2);
  }
  return total / n;
}

/** log of the mean of exp(−t‖x_i − x_j‖²) over distinct pairs, computed stably (NaN for n < 2). */
export function uniformity(x: Float32Array, dim: number, t = 2): number {
  const n = x.length / dim;
  if (!Number.isInteger(n)) throw new Error('uniformity: x must be [n, dim].');
  if (n < 2) return Number.NaN;
  const logits = new Float64Array((n * (n - 1)) / 2);
  let p = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let sq = 0;
      for (let k = 0; k < dim; k++) sq += (x[i * dim + k]! - x[j * dim + k]!) ** 2;
      const l = -t * sq;
      logits[p++] = l;
      if (l > max) max = l;
    }
  let sum = 0;
  for (const l of logits) sum += Math.exp(l - max);
  return max + Math.log(sum / logits.length);
}

/**
 * Effective rank exp(H(p)), p_k = σ_k / Σσ over the singular values of the [n, dim] embedding matrix
 * (Roy & Vetterli 2007, as RankMe uses it): 1 for a collapsed representation, dim at best.
 */
export function effectiveRank(x: Float32Array, dim: number): number {
  const n = x.length / dim;
  if (!Number.isInteger(n) || n < 1)
    throw new Error('effectiveRank: x must be [n, dim] with n ≥ 1.');
  // Singular values of X are the square roots of the eigenvalues of the dim×dim Gram matrix XᵀX.
  const gram = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    for (let a = 0; a < dim; a++) {
      const xa = x[row + a]!;
      if (xa === 0) continue;
      for (let b = a; b < dim; b++) gram[a * dim + b]! += xa * x[row + b]!;
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) gram[a * dim + b] = gram[b * dim + a]!;
  const singular = Array.from(symmetricEigenvalues(gram, dim), (e) => Math.sqrt(Math.max(e, 0)));
  const total = singular.reduce((s, v) => s + v, 0);
  if (total === 0) return 1;
  let entropy = 0;
  for (const s of singular) {
    const p = s / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}
