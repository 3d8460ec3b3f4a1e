/**
 * Wang & Isola's alignment and uniformity (spec B §1), also the building blocks of decoupled
 * uniformity and SepCLR.
 */
import * as tf from '@tensorflow/tfjs-core';
import { squaredDistances } from '../similarity';
import { constantWithZeroGrad, maskedLogSumExp, safePow } from '../ops';
import { offDiagonalMask } from '../positives';

/** (1/n) Σ_i ‖x_i − y_i‖^α; α = 2 uses the squared difference directly (smooth at x = y). */
export function alignLoss(x: tf.Tensor2D, y: tf.Tensor2D, alpha: number): tf.Scalar {
  checkPairs(x, y);
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(tf.sub(x, y)), 1);
    return tf.mean(alpha === 2 ? sq : safePow(sq, alpha / 2)) as tf.Scalar;
  });
}

/**
 * log of the mean of exp(−t‖x_i − x_j‖²) over distinct pairs, as a masked log-sum-exp (no underflow
 * for large t or unnormalised rows). One row: NaN with a zero gradient (an empty mean).
 */
export function uniformityLoss(x: tf.Tensor2D, t: number): tf.Scalar {
  const n = x.shape[0];
  if (n < 2) return tf.tidy(() => constantWithZeroGrad(Number.NaN, x));
  return tf.tidy(() => {
    const logits = tf.mul(-t, squaredDistances(x));
    const mask = tf.tensor2d(offDiagonalMask(n), [n, n]);
    // The mean over ordered pairs i ≠ j equals the mean over i < j: the distances are symmetric.
    const flat = (t: tf.Tensor) => tf.reshape(t, [n * n]);
    const logSum = maskedLogSumExp(flat(logits), flat(mask), 0, false);
    return tf.sub(logSum, Math.log(n * (n - 1))) as tf.Scalar;
  });
}

export interface AlignUniformParams {
  alpha: number;
  t: number;
  wAlign: number;
  wUnif: number;
}

/** The reference recipe's objective: w_align·L_align + w_unif·½[L_unif(x) + L_unif(y)]. */
export function alignUniformLoss(
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  params: AlignUniformParams,
): tf.Scalar {
  return tf.tidy(() => {
    const uniform = tf.mul(0.5, tf.add(uniformityLoss(x, params.t), uniformityLoss(y, params.t)));
    return tf.add(
      tf.mul(params.wAlign, alignLoss(x, y, params.alpha)),
      tf.mul(params.wUnif, uniform),
    ) as tf.Scalar;
  });
}

export function checkPairs(x: tf.Tensor, y: tf.Tensor): void {
  if (x.shape.join() !== y.shape.join()) {
    throw new Error(
      `x ${JSON.stringify(x.shape)} and y ${JSON.stringify(y.shape)} must have the same shape.`,
    );
  }
}
