/** Row normalisation, similarity matrices and pairwise squared distances. */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Row-wise L2 normalisation x / max(‖x‖, 1e-12), written as x·rsqrt(max(Σx², 1e-24)):
 * tf.norm's gradient at a zero row is NaN, this one is finite.
 */
export function l2Normalize(x: tf.Tensor, axis = -1): tf.Tensor {
  const sumSq = tf.sum(tf.square(x), axis, true);
  return tf.mul(x, tf.rsqrt(tf.maximum(sumSq, 1e-24)));
}

/** a·bᵀ / temperature for rows of a [n,d] and b [m,d]. */
export function dotSimilarity(a: tf.Tensor2D, b: tf.Tensor2D = a, temperature = 1): tf.Tensor2D {
  const gram = tf.matMul(a, b, false, true);
  return (temperature === 1 ? gram : tf.div(gram, temperature)) as tf.Tensor2D;
}

/** Cosine similarity of the rows, divided by temperature. */
export function cosineSimilarity(a: tf.Tensor2D, b: tf.Tensor2D = a, temperature = 1): tf.Tensor2D {
  const an = l2Normalize(a) as tf.Tensor2D;
  const bn = a === b ? an : (l2Normalize(b) as tf.Tensor2D);
  return dotSimilarity(an, bn, temperature);
}

/**
 * Squared Euclidean distances ‖a_i − b_j‖², Gram form ‖a‖² + ‖b‖² − 2a·b clamped at 0.
 * Memory is O(nm), not O(nmd) like broadcasting, so it scales to training batches; the analytic
 * gradient is the same as the difference form's. With b = a the diagonal is exactly 0: the Gram
 * form leaves a rounding residue of order ε‖a_i‖² there (k-JEM needs its j = i term to be exactly 1).
 */
export function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D = a): tf.Tensor2D {
  const aSq = tf.sum(tf.square(a), 1, true);
  const bSq = a === b ? aSq : tf.sum(tf.square(b), 1, true);
  const cross = tf.matMul(a, b, false, true);
  const d2 = tf.relu(tf.sub(tf.add(aSq, tf.transpose(bSq)), tf.mul(2, cross))) as tf.Tensor2D;
  return a === b ? (tf.mul(d2, tf.sub(1, tf.eye(a.shape[0]))) as tf.Tensor2D) : d2;
}
