/**
 * Batch layouts. Family-A losses take view-major rows [V*N, d] (row v*N + i is view v of sample i,
 * never the interleaved order of SimCLR's Algorithm 1); decoupled uniformity takes sample-major
 * [n, V, d]; pair losses take x[i], y[i].
 */
import * as tf from '@tensorflow/tfjs-core';

/** The sample behind row a of a view-major batch of N samples. */
export function sampleOfRow(row: number, nSamples: number): number {
  return row % nSamples;
}

/** [V*N, d] view-major → [N, V, d] sample-major. */
export function viewMajorToSampleMajor(features: tf.Tensor2D, nViews: number): tf.Tensor3D {
  const [rows, d] = features.shape;
  checkDivisible(rows, nViews);
  const n = rows / nViews;
  return tf.transpose(tf.reshape(features, [nViews, n, d]), [1, 0, 2]) as tf.Tensor3D;
}

/** [N, V, d] sample-major → [V*N, d] view-major. */
export function sampleMajorToViewMajor(z: tf.Tensor3D): tf.Tensor2D {
  const [n, v, d] = z.shape;
  return tf.reshape(tf.transpose(z, [1, 0, 2]), [v * n, d]) as tf.Tensor2D;
}

/** Two views x, y [N, d] → view-major [2N, d]. */
export function pairsToViewMajor(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  return tf.concat([x, y], 0) as tf.Tensor2D;
}

/** View-major [V*N, d] → one [N, d] tensor per view. */
export function splitViews(features: tf.Tensor2D, nViews: number): tf.Tensor2D[] {
  checkDivisible(features.shape[0], nViews);
  return tf.split(features, nViews, 0) as tf.Tensor2D[];
}

/** Per-sample values (labels, attributes) repeated for each of the V views, view-major. */
export function repeatForViews<T>(perSample: readonly T[], nViews: number): T[] {
  const out: T[] = [];
  for (let v = 0; v < nViews; v++) out.push(...perSample);
  return out;
}

function checkDivisible(rows: number, nViews: number): void {
  if (!Number.isInteger(nViews) || nViews < 1 || rows % nViews !== 0) {
    throw new Error(
      `A view-major batch of ${rows} rows cannot hold ${nViews} views of equal size.`,
    );
  }
}
