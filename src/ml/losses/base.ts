/**
 * Shared machinery of the multi-view losses (spec A §0): logits s_ab = z_a·z_b / τ on a view-major
 * batch, the constant masks of positives / negatives / "every row but the anchor", and the
 * per-anchor reductions. Loss files only say what is specific to each loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from '../similarity';
import { contrastiveMasks } from '../positives';
import { maskedLogSumExp } from '../ops';

export interface MultiViewBatch {
  /** [V*N, d], view-major. */
  features: tf.Tensor2D;
  nViews: number;
  /** One class label per sample, or null: positives are then the other views of the same sample. */
  labels: readonly number[] | null;
}

export interface ContrastiveGeometry {
  rows: number;
  nSamples: number;
  /** s_ab = z_a·z_b/τ, [M, M]. */
  logits: tf.Tensor2D;
  /**
   * Constant masks [M, M] (bool), made on first use: a loss that never reads one does not upload
   * it (M² values, every step). Made in the scope of the first read and kept for later reads, so a
   * loss reads them in its own tidy, not first inside a nested one.
   */
  readonly positives: tf.Tensor2D;
  readonly negatives: tf.Tensor2D;
  readonly others: tf.Tensor2D;
  /** |P(a)| per anchor, on the CPU. */
  positiveCounts: Float64Array;
  /** Constant P_ab / max(|P(a)|, 1) / M (made on first use). */
  meanWeights: () => tf.Tensor2D;
}

export function checkMultiViewBatch(batch: MultiViewBatch): number {
  const [rows] = batch.features.shape;
  if (!Number.isInteger(batch.nViews) || batch.nViews < 1 || rows % batch.nViews !== 0) {
    throw new Error(`features has ${rows} rows, which is not n_views (${batch.nViews}) × N.`);
  }
  const n = rows / batch.nViews;
  if (batch.labels && batch.labels.length !== n) {
    throw new Error(
      `labels has ${batch.labels.length} entries; expected one per sample (N = ${n}).`,
    );
  }
  return n;
}

export function embed(features: tf.Tensor2D, normalize: boolean): tf.Tensor2D {
  return normalize ? (l2Normalize(features) as tf.Tensor2D) : features;
}

export function contrastiveGeometry(
  batch: MultiViewBatch,
  temperature: number,
  normalize: boolean,
): ContrastiveGeometry {
  const n = checkMultiViewBatch(batch);
  const rows = batch.features.shape[0];
  const z = embed(batch.features, normalize);
  const logits = tf.div(tf.matMul(z, z, false, true), temperature) as tf.Tensor2D;
  const masks = contrastiveMasks(n, batch.nViews, batch.labels);
  const made: Partial<Record<'positives' | 'negatives' | 'others', tf.Tensor2D>> = {};
  const mask = (name: 'positives' | 'negatives' | 'others') =>
    (made[name] ??= tf.tensor2d(masks[name], [rows, rows], 'bool'));
  return {
    rows,
    nSamples: n,
    logits,
    get positives() {
      return mask('positives');
    },
    get negatives() {
      return mask('negatives');
    },
    get others() {
      return mask('others');
    },
    positiveCounts: masks.positiveCounts,
    meanWeights: () => tf.tensor2d(masks.meanWeights(), [rows, rows]),
  };
}

/** log p_ab = s_ab − LSE_{c≠a} s_ac: the log-softmax over every row but the anchor. */
export function logSoftmaxOverOthers(g: ContrastiveGeometry): tf.Tensor2D {
  return tf.sub(g.logits, maskedLogSumExp(g.logits, g.others)) as tf.Tensor2D;
}

/**
 * (1/M) Σ_a [ Σ_b P_ab·x_ab / max(|P(a)|, 1) ]: the mean over positives inside each anchor, then the
 * mean over all M anchors, anchors without positives contributing 0 (HobbitLong HEAD convention).
 */
export function meanOverPositivesThenAnchors(
  g: ContrastiveGeometry,
  perPair: tf.Tensor2D,
): tf.Scalar {
  // One weighted sum: the per-anchor divisors and 1/M are folded into constant weights (fewer
  // kernels than sum → divide → mean, which matters on a GPU where each is a dispatch).
  return weightedTotal(g.meanWeights(), perPair);
}

/**
 * Σ w·x with the gradient dy·w. TF.js' own gradient of the sum multiplies dy by a tensor of ones
 * of x's shape, filled in JavaScript and uploaded at every step (M² values), and then by w: the
 * same values, since dy·1 is dy.
 */
function weightedTotal(weights: tf.Tensor2D, x: tf.Tensor2D): tf.Scalar {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([weights]); // kept for the backward pass, which runs after this tidy has ended
    return {
      value: tf.sum(tf.mul(weights, input)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]!),
    };
  }) as (input: tf.Tensor2D) => tf.Scalar;
  return op(x);
}
