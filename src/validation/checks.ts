/**
 * Exact identities the papers state, checked on the implementation itself (no training): they hold
 * to float32 rounding whatever the budget.
 */
import * as tf from '@tensorflow/tfjs-core';
import { computeLoss } from '../ml/losses/registry';
import { SeededRandom } from '../ml/random';

export interface CheckRow {
  claim: number;
  statement: string;
  source: string;
  /** The largest absolute difference over the trials. */
  maxAbsDifference: number;
  tolerance: number;
  verdict: 'holds' | 'fails';
}

function randomFeatures(rng: SeededRandom, rows: number, dim: number): tf.Tensor2D {
  const values = new Float32Array(rows * dim);
  for (let i = 0; i < values.length; i++) values[i] = rng.normalUnpaired();
  return tf.tensor2d(values, [rows, dim]);
}

async function maxDifference(
  trials: number,
  seed: number,
  pair: (features: tf.Tensor2D) => [tf.Scalar, tf.Scalar],
): Promise<number> {
  const rng = new SeededRandom(seed);
  let worst = 0;
  for (let t = 0; t < trials; t++) {
    const features = randomFeatures(rng, 2 * (4 + 4 * t), 8);
    const diff = tf.tidy(() => {
      const [a, b] = pair(features);
      return tf.abs(tf.sub(a, b));
    });
    worst = Math.max(worst, (await diff.data())[0]!);
    diff.dispose();
    features.dispose();
  }
  return worst;
}

export async function exactChecks(): Promise<CheckRow[]> {
  const tolerance = 1e-5;
  const epsZero = await maxDifference(5, 7, (features) => [
    computeLoss(
      'eps_supinfonce',
      { tensors: { features }, constants: { labels: null } },
      { epsilon: 0, temperature: 0.1, base_temperature: 0.1, n_views: 2 },
    ),
    computeLoss('nt_xent', { tensors: { features }, constants: {} }, { temperature: 0.1 }),
  ]);
  return [
    {
      claim: 2,
      statement:
        'ε-SupInfoNCE with ε = 0 and one positive per anchor (the other view) equals NT-Xent (τ_b = τ, so the factor c = τ/τ_b is 1)',
      source: 'Barbano et al., ICLR 2023 (P1); paper-results.md claim 2',
      maxAbsDifference: epsZero,
      tolerance,
      verdict: epsZero <= tolerance ? 'holds' : 'fails',
    },
  ];
}
