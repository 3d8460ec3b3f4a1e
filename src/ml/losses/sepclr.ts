/**
 * SepCLR (spec B §4): a common space (alignment + uniformity over every image) and a salient space
 * (alignment over targets, uniformity of targets together with the null code s' = 0 that background
 * salient codes are pulled onto), kept independent by the k-JEM joint-entropy term.
 * τ is a variance: kernels are exp(−‖·‖²/(2τ)).
 */
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize, squaredDistances } from '../similarity';
import { uniformityLoss, checkPairs } from './alignUniform';
import { constantWithZeroGrad, logSumExp } from '../ops';

/**
 * A_τ(X, Y; I) = (1/|I|) Σ_{i∈I} ‖x_i − y_i‖²/(2τ); an empty I is NaN with a zero gradient.
 * The subset is a constant 0/1 weight rather than a gather: gather's gradient (UnsortedSegmentSum)
 * is missing on the WASM backend.
 */
export function sepclrAlign(
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  tau: number,
  rows?: readonly number[],
): tf.Scalar {
  checkPairs(x, y);
  return tf.tidy(() => {
    if (rows && rows.length === 0) return constantWithZeroGrad(Number.NaN, x, y);
    const perRow = tf.sum(tf.square(tf.sub(x, y)), 1);
    if (!rows) return tf.div(tf.mean(perRow), 2 * tau) as tf.Scalar;
    const selected = new Float32Array(x.shape[0]);
    for (const i of rows) selected[i] = 1;
    return tf.div(
      tf.sum(tf.mul(perRow, tf.tensor1d(selected))),
      2 * tau * rows.length,
    ) as tf.Scalar;
  });
}

/** U_τ(X): uniformity with t = 1/(2τ), rows used as given. */
export function sepclrUniform(x: tf.Tensor2D, tau: number): tf.Scalar {
  return uniformityLoss(x, 1 / (2 * tau));
}

/** J_τ(C, S) = (1/n) Σ_i log((1/n) Σ_j exp(−‖c_i−c_j‖²/(2τ) − ‖s_i−s_j‖²/(2τ))), j = i included. */
export function kJem(c: tf.Tensor2D, s: tf.Tensor2D, tau: number): tf.Scalar {
  const n = c.shape[0];
  if (s.shape[0] !== n)
    throw new Error(`k-JEM needs as many common as salient rows (${n} vs ${s.shape[0]}).`);
  return tf.tidy(() => {
    const logits = tf.div(tf.add(squaredDistances(c), squaredDistances(s)), -2 * tau);
    return tf.mean(tf.sub(logSumExp(logits, 1), Math.log(n))) as tf.Scalar;
  });
}

/**
 * Supervised alignment of one salient coordinate (spec B §4.7):
 * (1/|P|) Σ_{i<j} exp(−(y_i − y_j)²/(2τ))·(x_i − x_j)², |P| = n(n−1)/2.
 */
export function sepclrSupAlign(x: tf.Tensor, metadata: readonly number[], tau: number): tf.Scalar {
  const n = x.size;
  if (metadata.length !== n) throw new Error(`metadata needs one value per row (${n}).`);
  return tf.tidy(() => {
    if (n < 2) return constantWithZeroGrad(Number.NaN, x);
    const values = tf.reshape(x, [-1]);
    const weights = new Float32Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++)
        weights[i * n + j] = Math.exp(-((metadata[i]! - metadata[j]!) ** 2) / (2 * tau));
    const diff = tf.sub(tf.expandDims(values, 1), tf.expandDims(values, 0));
    const total = tf.sum(tf.mul(tf.tensor2d(weights, [n, n]), tf.square(diff)));
    return tf.div(total, (n * (n - 1)) / 2) as tf.Scalar;
  });
}

export interface SepClrParams {
  betaSalient: number;
  betaReg: number;
  lambdaJem: number;
  tau: number;
  /** The factor in front of both ½[U + U] brackets (2 in the official scripts). */
  unifWeight: number;
}

export interface SepClrInputs {
  c1: tf.Tensor2D;
  c2: tf.Tensor2D;
  s1: tf.Tensor2D;
  s2: tf.Tensor2D;
  /** 1 for target, 0 for background, one per image. */
  isTarget: readonly number[];
}

export interface SepClrTerms {
  cm_align: tf.Scalar;
  cm_uniform: tf.Scalar;
  cm: tf.Scalar;
  sp_align: tf.Scalar;
  sp_uniform: tf.Scalar;
  sp: tf.Scalar;
  sp_reg: tf.Scalar;
  jem: tf.Scalar;
  total: tf.Scalar;
}

/** Every term of SepCLR, unweighted, and the weighted total (the caller disposes them). */
export function sepclrTerms(inputs: SepClrInputs, params: SepClrParams): SepClrTerms {
  const { c1, c2, s1, s2, isTarget } = inputs;
  const n = c1.shape[0];
  for (const t of [c2, s1, s2])
    if (t.shape[0] !== n) throw new Error('c1, c2, s1, s2 need the same rows.');
  if (isTarget.length !== n) throw new Error(`is_target needs one flag per image (${n}).`);
  const tau = params.tau;
  const targets = isTarget.flatMap((b, i) => (b ? [i] : []));
  const background = isTarget.flatMap((b, i) => (b ? [] : [i]));
  return tf.tidy(() => {
    const cn1 = l2Normalize(c1) as tf.Tensor2D;
    const cn2 = l2Normalize(c2) as tf.Tensor2D;
    // s̃: background salient codes replaced by s' = 0 (a mask product: no gradient through those rows).
    const flags = tf.tensor2d(
      isTarget.map((b) => (b ? 1 : 0)),
      [n, 1],
    );
    const st1 = tf.mul(s1, flags) as tf.Tensor2D;
    const st2 = tf.mul(s2, flags) as tf.Tensor2D;
    const half = (a: tf.Scalar, b: tf.Scalar) => tf.mul(0.5, tf.add(a, b)) as tf.Scalar;

    const cmAlign = sepclrAlign(cn1, cn2, tau);
    const cmUniform = half(sepclrUniform(cn1, tau), sepclrUniform(cn2, tau));
    const cm = tf.add(cmAlign, tf.mul(params.unifWeight, cmUniform)) as tf.Scalar;
    const spAlign = sepclrAlign(s1, s2, tau, targets);
    const spUniform = half(sepclrUniform(st1, tau), sepclrUniform(st2, tau));
    const sp = tf.add(spAlign, tf.mul(params.unifWeight, spUniform)) as tf.Scalar;
    const zeros = tf.zerosLike(s1) as tf.Tensor2D;
    const spReg = half(
      sepclrAlign(zeros, s1, tau, background),
      sepclrAlign(zeros, s2, tau, background),
    );
    const jem = half(kJem(cn1, st1, tau), kJem(cn2, st2, tau));
    const total = tf.addN([
      cm,
      tf.mul(params.betaSalient, sp),
      tf.mul(params.betaReg, spReg),
      tf.mul(params.lambdaJem, jem),
    ]) as tf.Scalar;
    return {
      cm_align: cmAlign,
      cm_uniform: cmUniform,
      cm,
      sp_align: spAlign,
      sp_uniform: spUniform,
      sp,
      sp_reg: spReg,
      jem,
      total,
    };
  });
}

export function sepclr(inputs: SepClrInputs, params: SepClrParams): tf.Scalar {
  return tf.tidy(() => sepclrTerms(inputs, params).total);
}
