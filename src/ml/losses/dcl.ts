/**
 * Decoupled contrastive learning (spec B §3): InfoNCE with the positive removed from the
 * denominator; DCLW weights each positive by 2 − n·softmax_i(⟨z¹_i, z²_i⟩/σ).
 */
import * as tf from '@tensorflow/tfjs-core';
import { dotSimilarity } from '../similarity';
import { constantWithZeroGrad, maskedLogSumExp, stopGradient } from '../ops';
import { offDiagonalMask } from '../positives';
import { checkPairs } from './alignUniform';

export interface DclParams {
  tau: number;
  /** DCLW only: temperature of the von Mises–Fisher weights. */
  sigma?: number;
  /** DCLW only: stop the gradient through the weights (the reference lets it flow). */
  detachWeights?: boolean;
}

/** ℓ(z¹, z²): anchors are the rows of z¹. `weighted` turns on the DCLW weights. */
export function dclOneWay(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  params: DclParams,
  weighted = false,
): tf.Scalar {
  checkPairs(z1, z2);
  const n = z1.shape[0];
  // One sample has no negative: the loss is undefined. Spec B §0: NaN, with a zero gradient.
  if (n < 2) return constantWithZeroGrad(Number.NaN, z1, z2);
  return tf.tidy(() => {
    const within = dotSimilarity(z1, z1, params.tau);
    const across = dotSimilarity(z1, z2, params.tau);
    const positive = tf.sum(tf.mul(z1, z2), 1);
    const mask = tf.tensor2d(offDiagonalMask(n), [n, n]);
    const denominator = maskedLogSumExp(
      tf.concat([within, across], 1),
      tf.concat([mask, mask], 1),
      1,
      false,
    );
    let weights: tf.Tensor = tf.onesLike(positive);
    if (weighted) {
      const sigma = params.sigma;
      if (sigma === undefined) throw new Error('DCLW needs sigma, the temperature of its weights.');
      const vmf = tf.sub(2, tf.mul(n, tf.softmax(tf.div(positive, sigma))));
      weights = params.detachWeights ? stopGradient(vmf) : vmf;
    }
    const perAnchor = tf.add(tf.neg(tf.div(tf.mul(weights, positive), params.tau)), denominator);
    return tf.mean(perAnchor) as tf.Scalar;
  });
}

/** ℓ(z¹, z²) + ℓ(z², z¹). */
export function dcl(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  params: DclParams,
  weighted = false,
): tf.Scalar {
  return tf.tidy(
    () =>
      tf.add(dclOneWay(z1, z2, params, weighted), dclOneWay(z2, z1, params, weighted)) as tf.Scalar,
  );
}
