/**
 * KernelizedSupCon, contrastive regression for brain age (spec A §6): positives weighted by a kernel
 * on a continuous label; the denominator is the plain one (`supcon`, `yaware`), count-weighted by
 * the threshold construction (`threshold`), or with each logit scaled by 1 − w (`expw`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { contrastiveGeometry, logSoftmaxOverOthers, type ContrastiveGeometry } from './base';
import { kernelMatrix } from '../kernels/scalar';
import { thresholdCounts } from '../kernels/threshold';
import { sameClass } from '../positives';
import { constantWithZeroGrad, maskedLogSumExp, rowMaxWithoutGradient } from '../ops';

export interface KernelizedSupConParams {
  method: 'supcon' | 'yaware' | 'threshold' | 'expw';
  /** `gaussian` (with the density prefactor), `rbf` or `cauchy` (σ multiplies Δ²); unused by `supcon`. */
  kernel: 'gaussian' | 'rbf' | 'cauchy' | null;
  sigma: number | null;
  temperature: number;
  baseTemperature: number;
  nViews: number;
  deltaReduction: 'sum' | 'mean';
  /** `rowmax`: the official max-shift, part of the `expw` definition; `none`: the paper's form. */
  expwShift: 'rowmax' | 'none';
  normalize: boolean;
}

export function kernelizedSupCon(
  features: tf.Tensor2D,
  labels: readonly number[],
  params: KernelizedSupConParams,
): tf.Scalar {
  return tf.tidy(() => {
    const g = contrastiveGeometry(
      { features, nViews: params.nViews, labels: null },
      params.temperature,
      params.normalize,
    );
    if (labels.length !== g.nSamples) {
      throw new Error(
        `labels has ${labels.length} entries; expected one per sample (N = ${g.nSamples}).`,
      );
    }
    const kernel = rowKernel(labels, g, params);
    const m = g.rows;
    const weights = kernel.map((v, i) => (Math.floor(i / m) === i % m ? 0 : v));
    let logProb: tf.Tensor;
    switch (params.method) {
      case 'supcon':
      case 'yaware':
        logProb = logSoftmaxOverOthers(g);
        break;
      case 'threshold': {
        const counts = thresholdCounts(kernel, m);
        const scale = params.deltaReduction === 'mean' ? 1 / m : 1;
        const logCounts = new Float32Array(m * m);
        const usable = new Float32Array(m * m);
        for (let a = 0; a < m; a++) {
          let any = false;
          for (let c = 0; c < m; c++) {
            const count = counts[a * m + c]!;
            if (c === a || count === 0) continue;
            usable[a * m + c] = 1;
            logCounts[a * m + c] = Math.log(count * scale);
            any = true;
          }
          // Every C_ac = 0: log p = +∞ for every b and 0·∞ on the diagonal, so the official result is NaN.
          if (!any) return constantWithZeroGrad(Number.NaN, features);
        }
        const weighted = tf.add(g.logits, tf.tensor2d(logCounts, [m, m]));
        logProb = tf.sub(g.logits, maskedLogSumExp(weighted, tf.tensor2d(usable, [m, m])));
        break;
      }
      case 'expw': {
        const shift =
          params.expwShift === 'rowmax' ? rowMaxWithoutGradient(g.logits, 1) : tf.scalar(0);
        const shifted = tf.sub(g.logits, shift);
        const oneMinusW = tf.sub(1, tf.tensor2d(Float32Array.from(kernel), [m, m]));
        logProb = tf.sub(shifted, maskedLogSumExp(tf.mul(shifted, oneMinusW), g.others));
        break;
      }
    }
    // Σ_b w_ab log p_ab / Σ_b w_ab without a guard: an isolated anchor gives 0/0 = NaN, as officially.
    const w = tf.tensor2d(Float32Array.from(weights), [m, m]);
    const rowWeight = tf.sum(w, 1);
    const perAnchor = tf.div(tf.sum(tf.mul(w, logProb), 1), rowWeight);
    return tf.mul(-params.temperature / params.baseTemperature, tf.mean(perAnchor)) as tf.Scalar;
  });
}

/** W over all M×M row pairs, diagonal included (float64): kernel on labels, or label equality. */
function rowKernel(
  labels: readonly number[],
  g: ContrastiveGeometry,
  params: KernelizedSupConParams,
): Float64Array {
  const n = g.nSamples;
  const m = g.rows;
  let perSample: Float64Array;
  if (params.method === 'supcon') {
    perSample = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) perSample[i * n + j] = sameClass(labels[i]!, labels[j]!) ? 1 : 0;
  } else {
    if (!params.kernel)
      throw new Error(`kernelized_supcon method '${params.method}' needs a kernel.`);
    if (params.sigma === null)
      throw new Error(`kernelized_supcon method '${params.method}' needs sigma.`);
    const bandwidth =
      params.kernel === 'cauchy' ? { gamma: params.sigma } : { sigma: params.sigma };
    perSample = kernelMatrix(params.kernel, bandwidth, labels);
  }
  const out = new Float64Array(m * m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) out[a * m + b] = perSample[(a % n) * n + (b % n)]!;
  return out;
}
