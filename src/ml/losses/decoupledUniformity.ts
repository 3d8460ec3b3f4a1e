/**
 * Decoupled uniformity, with or without a kernel prior (spec B §2): uniformity of the centroids of
 * each sample's normalised views; with a prior, of the conditional-mean-embedding centroids
 * μ = (K + λI)⁻¹K·μ̄, where W = (K + λI)⁻¹K is a constant solved on the CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from '../similarity';
import { uniformityLoss } from './alignUniform';
import { kernelMatrix } from '../kernels/scalar';
import { solveSpd } from '../linalg';

export interface DecoupledUniformityParams {
  t: number;
  /** null: no prior (a prior passed anyway is ignored, as in the official code). */
  kernel: 'rbf' | 'cosine' | null;
  sigma?: number | null;
  /** 0 or unset means the code's default rule λ = 1/√n. */
  lambda?: number | null;
}

/** λ actually used: the code treats a falsy λ as "use 1/√n". */
export function effectiveLambda(lambda: number | null | undefined, n: number): number {
  return lambda ? lambda : 1 / Math.sqrt(n);
}

/** W = (K + λ_eff I)⁻¹K for a prior (one row per sample), float64 row-major n×n. */
export function priorWeights(
  prior: readonly number[] | readonly (readonly number[])[],
  kernel: 'rbf' | 'cosine',
  sigma: number | null | undefined,
  lambda: number | null | undefined,
): Float64Array {
  const n = prior.length;
  const lam = effectiveLambda(lambda, n);
  if (!(lam > 0)) throw new Error(`decoupled uniformity needs λ > 0 (got ${lam}).`);
  const k = kernelMatrix(kernel, sigma == null ? {} : { sigma }, prior);
  const regularised = Float64Array.from(k);
  for (let i = 0; i < n; i++) regularised[i * n + i]! += lam;
  return solveSpd(regularised, n, k, n);
}

/** μ̄ (no prior) or W·μ̄ (with a prior): [n, d]. */
export function decoupledCentroids(
  z: tf.Tensor3D,
  params: Omit<DecoupledUniformityParams, 't'>,
  prior?: readonly number[] | readonly (readonly number[])[] | null,
): tf.Tensor2D {
  const [n] = z.shape;
  const plain = tf.mean(l2Normalize(z), 1) as tf.Tensor2D;
  if (!params.kernel) return plain;
  if (!prior || prior.length !== n) {
    throw new Error(`a '${params.kernel}' kernel prior needs one prior row per sample (${n}).`);
  }
  const w = priorWeights(prior, params.kernel, params.sigma, params.lambda);
  return tf.matMul(tf.tensor2d(Float32Array.from(w), [n, n]), plain);
}

export function decoupledUniformity(
  z: tf.Tensor3D,
  params: DecoupledUniformityParams,
  prior?: readonly number[] | readonly (readonly number[])[] | null,
): tf.Scalar {
  return tf.tidy(() => uniformityLoss(decoupledCentroids(z, params, prior), params.t));
}

/** The alignment metric the official module logs (not optimised): −(1/n) Σ_i ‖μ_i‖². */
export function decoupledAlignment(
  z: tf.Tensor3D,
  params: Pick<DecoupledUniformityParams, 'kernel' | 'sigma' | 'lambda'>,
  prior?: readonly number[] | readonly (readonly number[])[] | null,
): tf.Scalar {
  return tf.tidy(() => {
    const mu = decoupledCentroids(z, params, prior);
    return tf.neg(tf.mean(tf.sum(tf.square(mu), 1))) as tf.Scalar;
  });
}
