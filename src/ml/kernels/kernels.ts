/**
 * The kernels of scalar.ts as differentiable functions of the attributes (for the kernel vectors,
 * whose gradient is taken with respect to the attributes). Each formula mirrors its float64 twin.
 */
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from '../similarity';
import { bandwidthOf, resolveKernelName, type KernelName, type KernelParams } from './scalar';

export * from './scalar';

const SQRT_2PI = Math.sqrt(2 * Math.PI);

const TENSOR_PROFILES: Record<
  Exclude<KernelName, 'cosine'>,
  (sqDist: tf.Tensor, h: number) => tf.Tensor
> = {
  rbf: (d2, s) => tf.exp(tf.div(d2, -2 * s * s)),
  gaussian_pdf: (d2, s) => tf.div(tf.exp(tf.div(d2, -2 * s * s)), SQRT_2PI * s),
  cauchy: (d2, g) => tf.reciprocal(tf.add(1, tf.mul(g, d2))),
  gaussian_tau: (d2, t) => tf.exp(tf.div(d2, -2 * t)),
};

/** The kernel matrix as a differentiable function of the attributes ([n] or [n, k]). */
export function kernelMatrixTensor(
  name: string,
  params: KernelParams,
  attributes: tf.Tensor,
): tf.Tensor2D {
  const kernel = resolveKernelName(name);
  const h = bandwidthOf(kernel, params);
  return tf.tidy(() => {
    const rows = (attributes.rank === 1 ? tf.expandDims(attributes, 1) : attributes) as tf.Tensor2D;
    if (kernel === 'cosine') {
      const unit = l2Normalize(rows) as tf.Tensor2D;
      return tf.matMul(unit, unit, false, true);
    }
    // Explicit differences (not the Gram form): attributes are few, and Δ = 0 must be exact.
    const diff = tf.sub(tf.expandDims(rows, 1), tf.expandDims(rows, 0));
    const sqDist = tf.sum(tf.square(diff), -1);
    return TENSOR_PROFILES[kernel](sqDist, h) as tf.Tensor2D;
  });
}
