/**
 * FairKL debiasing regulariser (spec A §4), as the official `fairkl` computes it: squared gaps of
 * the group means and standard deviations of the similarities of bias-aligned vs bias-conflicting
 * pairs, plus −μ_PC + μ_NA. Self-pairs are kept (they fall into PA).
 */
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from '../similarity';
import { safeSqrt } from '../ops';
import { sameClass } from '../positives';

export interface FairKlParams {
  temperature: number;
  /** Weight of the standard-deviation terms (CLI `--kld`). */
  kld: number;
  normalize: boolean;
}

export interface FairKlBatch {
  /** [B, d]: one view, one row per sample. */
  features: tf.Tensor2D;
  labels: readonly number[];
  biasLabels: readonly number[];
}

type Group = 'PA' | 'PC' | 'NA' | 'NC';

export function fairKl(batch: FairKlBatch, params: FairKlParams): tf.Scalar {
  const b = batch.features.shape[0];
  if (batch.labels.length !== b || batch.biasLabels.length !== b) {
    throw new Error(`fairkl needs one label and one bias label per row (${b} rows).`);
  }
  return tf.tidy(() => {
    const f = params.normalize ? (l2Normalize(batch.features) as tf.Tensor2D) : batch.features;
    const sim = tf.div(tf.matMul(f, f, false, true), params.temperature);
    const stats = {} as Record<Group, { mean: tf.Tensor; std: tf.Tensor }>;
    for (const [group, mask, count] of groupMasks(batch.labels, batch.biasLabels)) {
      const masked = tf.mul(sim, tf.tensor2d(mask, [b, b]));
      const mean = tf.div(tf.sum(masked), Math.max(count, 1));
      // Unbiased std over all B² entries of the masked matrix, zeros included, as the code does.
      const centred = tf.sub(masked, tf.mean(masked));
      const std = safeSqrt(tf.div(tf.sum(tf.square(centred)), b * b - 1));
      stats[group] = { mean, std };
    }
    const { PA, PC, NA, NC } = stats;
    const meanGaps = tf.add(
      tf.square(tf.sub(PC.mean, PA.mean)),
      tf.square(tf.sub(NA.mean, NC.mean)),
    );
    const stdGaps = tf.add(tf.square(tf.sub(PA.std, PC.std)), tf.square(tf.sub(NA.std, NC.std)));
    return tf.add(
      tf.add(meanGaps, tf.mul(params.kld, stdGaps)),
      tf.sub(NA.mean, PC.mean),
    ) as tf.Scalar;
  });
}

function groupMasks(
  labels: readonly number[],
  bias: readonly number[],
): [Group, Float32Array, number][] {
  const b = labels.length;
  const groups: Record<Group, Float32Array> = {
    PA: new Float32Array(b * b),
    PC: new Float32Array(b * b),
    NA: new Float32Array(b * b),
    NC: new Float32Array(b * b),
  };
  const counts: Record<Group, number> = { PA: 0, PC: 0, NA: 0, NC: 0 };
  for (let i = 0; i < b; i++)
    for (let j = 0; j < b; j++) {
      const group: Group = `${sameClass(labels[i]!, labels[j]!) ? 'P' : 'N'}${
        sameClass(bias[i]!, bias[j]!) ? 'A' : 'C'
      }` as Group;
      groups[group][i * b + j] = 1;
      counts[group]++;
    }
  return (Object.keys(groups) as Group[]).map((g) => [g, groups[g], counts[g]]);
}
