/**
 * y-Aware InfoNCE (spec A §5): positives weighted by an RBF kernel on continuous metadata, the
 * SimCLR 2N−1 denominator, and −(1/N)·Σ over the 2N anchors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { contrastiveGeometry, logSoftmaxOverOthers } from './base';
import { kernelMatrix } from '../kernels/scalar';

export interface YAwareParams {
  temperature: number;
  sigma: number;
  normalize: boolean;
  /**
   * `official`: entry (a, b) divided by the sum of row b (NumPy broadcasting in the code, so columns
   * sum to 1); `row`: divided by the sum of row a (the paper's per-anchor normalisation).
   */
  weightNorm: 'official' | 'row';
  kernel: 'rbf';
}

export function yAwareInfoNce(
  features: tf.Tensor2D,
  metadata: readonly number[] | readonly (readonly number[])[],
  params: YAwareParams,
): tf.Scalar {
  return tf.tidy(() => {
    const g = contrastiveGeometry(
      { features, nViews: 2, labels: null },
      params.temperature,
      params.normalize,
    );
    if (metadata.length !== g.nSamples) {
      throw new Error(
        `metadata has ${metadata.length} entries; expected one per sample (N = ${g.nSamples}).`,
      );
    }
    const weights = tf.tensor2d(yAwareWeights(metadata, params), [g.rows, g.rows]);
    const total = tf.sum(tf.mul(weights, logSoftmaxOverOthers(g)));
    return tf.div(tf.neg(total), g.nSamples) as tf.Scalar;
  });
}

/** Normalised kernel weights Ŵ over the 2N rows (diagonal 0), float32 for upload. */
export function yAwareWeights(
  metadata: readonly number[] | readonly (readonly number[])[],
  params: Pick<YAwareParams, 'sigma' | 'weightNorm' | 'kernel'>,
): Float32Array {
  const n = metadata.length;
  const m = 2 * n;
  const k = kernelMatrix(params.kernel, { sigma: params.sigma }, metadata);
  const w = new Float64Array(m * m);
  const rowSums = new Float64Array(m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) {
      if (a === b) continue;
      const value = k[(a % n) * n + (b % n)]!;
      w[a * m + b] = value;
      rowSums[a]! += value;
    }
  const out = new Float32Array(m * m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) {
      out[a * m + b] = w[a * m + b]! / rowSums[params.weightNorm === 'official' ? b : a]!;
    }
  return out;
}
