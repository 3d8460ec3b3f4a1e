/**
 * NT-Xent (SimCLR), SupCon L_out / L_in, ε-SupInfoNCE (out / in) and ε-SupCon: spec A §1–3.
 * All share the logits and masks of base.ts; they differ in what stands in each anchor's
 * denominator.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  contrastiveGeometry,
  logSoftmaxOverOthers,
  meanOverPositivesThenAnchors,
  type MultiViewBatch,
} from './base';
import { constantWithZeroGrad, logAddExp, maskedLogSumExp, rowMaxWithoutGradient } from '../ops';

export interface NtXentParams {
  temperature: number;
  normalize: boolean;
  /** `mean` (paper, Algorithm 1) or `sum_of_view_means` (official code: twice the mean). */
  reduction: 'mean' | 'sum_of_view_means';
}

export function ntXent(features: tf.Tensor2D, params: NtXentParams): tf.Scalar {
  return tf.tidy(() => {
    const g = contrastiveGeometry(
      { features, nViews: 2, labels: null },
      params.temperature,
      params.normalize,
    );
    const loss = tf.neg(meanOverPositivesThenAnchors(g, logSoftmaxOverOthers(g)));
    return (params.reduction === 'sum_of_view_means' ? tf.mul(loss, 2) : loss) as tf.Scalar;
  });
}

export interface SupConParams {
  temperature: number;
  baseTemperature: number;
  variant: 'out' | 'in';
  normalize: boolean;
}

export function supCon(batch: MultiViewBatch, params: SupConParams): tf.Scalar {
  return tf.tidy(() => {
    const g = contrastiveGeometry(batch, params.temperature, params.normalize);
    const scale = params.temperature / params.baseTemperature;
    if (params.variant === 'out') {
      return tf.mul(-scale, meanOverPositivesThenAnchors(g, logSoftmaxOverOthers(g))) as tf.Scalar;
    }
    // L_in: −c[LSE_P s − log|P| − LSE_A s]; anchors without positives contribute 0 and are counted.
    const hasPositive = tf.tensor2d(
      Array.from(g.positiveCounts, (c) => (c > 0 ? 1 : 0)),
      [g.rows, 1],
    );
    const logCount = tf.tensor2d(
      Array.from(g.positiveCounts, (c) => Math.log(Math.max(c, 1))),
      [g.rows, 1],
    );
    const inner = tf.sub(
      tf.sub(maskedLogSumExp(g.logits, g.positives), logCount),
      maskedLogSumExp(g.logits, g.others),
    );
    return tf.mul(-scale, tf.mean(tf.mul(hasPositive, inner))) as tf.Scalar;
  });
}

export interface EpsilonParams {
  temperature: number;
  baseTemperature: number;
  epsilon: number;
  normalize: boolean;
  /**
   * The official `+1e-6` added inside the log after the row-max shift (η_a = 1e-6·e^{m_a} unshifted);
   * 0 gives the exact loss. Only the `out` forms have it.
   */
  logEpsAfterShift: number;
}

/**
 * ε-SupInfoNCE. `out`: each positive is contrasted against itself shifted by ε plus all negatives.
 * `in`: the positives enter the denominator averaged and scaled by ω = e^{−ε}.
 */
export function epsSupInfoNce(
  batch: MultiViewBatch,
  params: EpsilonParams & { form: 'out' | 'in' },
): tf.Scalar {
  return tf.tidy(() => {
    const g = contrastiveGeometry(batch, params.temperature, params.normalize);
    const scale = params.temperature / params.baseTemperature;
    const logOmega = -params.epsilon;
    const negatives = maskedLogSumExp(g.logits, g.negatives);
    if (params.form === 'out') {
      const stabilised = withOfficialStabiliser(g.logits, negatives, params.logEpsAfterShift);
      const denominator = logAddExp(tf.add(g.logits, logOmega), stabilised);
      const perPair = tf.sub(g.logits, denominator) as tf.Tensor2D;
      return tf.mul(-scale, meanOverPositivesThenAnchors(g, perPair)) as tf.Scalar;
    }
    if (g.positiveCounts.some((c) => c === 0)) {
      // log 0 in the official code: an anchor without positive makes the `in` form +∞.
      return constantWithZeroGrad(Number.POSITIVE_INFINITY, batch.features);
    }
    const positives = maskedLogSumExp(g.logits, g.positives);
    const logCount = tf.tensor2d(
      Array.from(g.positiveCounts, (c) => Math.log(c)),
      [g.rows, 1],
    );
    const denominator = logAddExp(tf.add(tf.sub(positives, logCount), logOmega), negatives);
    return tf.mul(-scale, tf.mean(tf.sub(positives, denominator))) as tf.Scalar;
  });
}

/** ε-SupCon (form `out` only): every positive, scaled by ω, stands in every positive's denominator. */
export function epsSupCon(batch: MultiViewBatch, params: EpsilonParams): tf.Scalar {
  return tf.tidy(() => {
    const g = contrastiveGeometry(batch, params.temperature, params.normalize);
    const scale = params.temperature / params.baseTemperature;
    const positives = maskedLogSumExp(g.logits, g.positives);
    const negatives = maskedLogSumExp(g.logits, g.negatives);
    const stabilised = withOfficialStabiliser(g.logits, negatives, params.logEpsAfterShift);
    const denominator = logAddExp(tf.sub(positives, params.epsilon), stabilised);
    const perPair = tf.sub(g.logits, denominator) as tf.Tensor2D;
    return tf.mul(-scale, meanOverPositivesThenAnchors(g, perPair)) as tf.Scalar;
  });
}

/**
 * log(Σ_n e^{s_an} + η_a) with η_a = logEps·e^{m_a}, m_a the row max of the logits (diagonal
 * included, no gradient), as the official code's `log(Σ exp(s − m) + 1e-6)` on shifted logits.
 */
function withOfficialStabiliser(
  logits: tf.Tensor2D,
  logNegatives: tf.Tensor,
  logEps: number,
): tf.Tensor {
  if (logEps <= 0) return logNegatives;
  const rowMax = rowMaxWithoutGradient(logits, 1);
  return logAddExp(logNegatives, tf.add(rowMax, Math.log(logEps)));
}
