/**
 * Metrics for biased data (e.g. colored-MNIST, brain-mri with site bias): class accuracy on
 * bias-aligned and on bias-conflicting test samples, and how well the bias label can be read off
 * the embedding by a linear probe (lower is better: a debiased embedding hides the bias).
 */
import { linearProbe, type LinearProbeOptions } from './probes';
import { labelsOf, rowsOf, type NumericArray } from './shapes';

export interface BiasGroupAccuracy {
  /** Accuracy on the samples flagged bias-aligned; absent when there are none. */
  biasAlignedAccuracy?: number;
  /** Accuracy on the samples flagged bias-conflicting; absent when there are none. */
  biasConflictingAccuracy?: number;
  alignedCount: number;
  conflictingCount: number;
}

export interface BiasPredictability {
  /** Linear-probe accuracy of the bias label on test (lower is better). */
  accuracy: number;
  /** The best constant guess: frequency of the most common bias label in test. */
  chance: number;
  /** (accuracy − chance) / (1 − chance): 0 at chance, 1 when the bias is read perfectly; absent when chance is 1. */
  normalized?: number;
  /** The probe's prediction of each test row's bias label. */
  predictions: Int32Array;
}

/** 0/1 (or boolean) flags as a Uint8Array of length n. */
function flagsOf(
  flags: ArrayLike<number | boolean>,
  n: number,
  fn: string,
  name: string,
): Uint8Array {
  if (flags == null || typeof flags.length !== 'number')
    throw new Error(`${fn}: ${name} must be an array of 0/1 flags.`);
  if (flags.length !== n)
    throw new Error(`${fn}: ${name} has ${flags.length} entries but there are ${n} samples.`);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = flags[i];
    if (v === 1 || v === true) out[i] = 1;
    else if (v !== 0 && v !== false)
      throw new Error(`${fn}: ${name}[${i}] is ${String(v)}, not 0/1 or a boolean.`);
  }
  return out;
}

/** Accuracy of predictions on the bias-aligned (flag 1) and bias-conflicting (flag 0) samples. */
export function biasGroupAccuracy(
  predictions: NumericArray,
  labels: NumericArray,
  biasAligned: ArrayLike<number | boolean>,
): BiasGroupAccuracy {
  const fn = 'biasGroupAccuracy';
  const n = labels?.length;
  if (typeof n !== 'number' || n < 1)
    throw new Error(`${fn}: labels must be a non-empty array of integer labels.`);
  const y = labelsOf(labels, n, fn, 'labels');
  const p = labelsOf(predictions, n, fn, 'predictions');
  const aligned = flagsOf(biasAligned, n, fn, 'biasAligned');
  let alignedCount = 0;
  let alignedCorrect = 0;
  let conflictingCorrect = 0;
  for (let i = 0; i < n; i++) {
    const correct = p[i] === y[i] ? 1 : 0;
    if (aligned[i]) {
      alignedCount++;
      alignedCorrect += correct;
    } else conflictingCorrect += correct;
  }
  const conflictingCount = n - alignedCount;
  const result: BiasGroupAccuracy = { alignedCount, conflictingCount };
  if (alignedCount > 0) result.biasAlignedAccuracy = alignedCorrect / alignedCount;
  if (conflictingCount > 0) result.biasConflictingAccuracy = conflictingCorrect / conflictingCount;
  return result;
}

/** How well a linear probe predicts the bias label from the embedding (see BiasPredictability). */
export function biasPredictability(
  trainX: Float32Array,
  trainBias: NumericArray,
  testX: Float32Array,
  testBias: NumericArray,
  dim: number,
  options: LinearProbeOptions = {},
): BiasPredictability {
  const probe = linearProbe(trainX, trainBias, testX, testBias, dim, options);
  const counts = new Map<number, number>();
  for (let i = 0; i < testBias.length; i++)
    counts.set(testBias[i]!, (counts.get(testBias[i]!) ?? 0) + 1);
  const chance = Math.max(...counts.values()) / testBias.length;
  const result: BiasPredictability = {
    accuracy: probe.accuracy,
    chance,
    predictions: probe.predictions,
  };
  if (chance < 1) result.normalized = (probe.accuracy - chance) / (1 - chance);
  return result;
}

export interface BiasData {
  trainX: Float32Array;
  trainLabels: NumericArray;
  trainBias: NumericArray;
  testX: Float32Array;
  testLabels: NumericArray;
  testBias: NumericArray;
  /** 1 where a test sample is bias-aligned (its bias label goes with its class), 0 where it conflicts. */
  testBiasAligned: ArrayLike<number | boolean>;
  dim: number;
}

export interface BiasMetrics {
  linearProbeAccuracy: number;
  biasAlignedAccuracy?: number;
  biasConflictingAccuracy?: number;
  biasPredictability: number;
  /** Absent when the test bias labels are all the same. */
  biasPredictabilityNormalized?: number;
}

/**
 * All bias metrics at once, named as in the run's metrics: a class probe (its test predictions
 * give the aligned/conflicting accuracies) and a bias probe, both linear, same options.
 */
export function biasMetrics(data: BiasData, options: LinearProbeOptions = {}): BiasMetrics {
  const fn = 'biasMetrics';
  const { trainX, testX, dim } = data;
  const nTest = rowsOf(testX, dim, fn, 'testX');
  flagsOf(data.testBiasAligned, nTest, fn, 'testBiasAligned');
  const classProbe = linearProbe(trainX, data.trainLabels, testX, data.testLabels, dim, options);
  const groups = biasGroupAccuracy(classProbe.predictions, data.testLabels, data.testBiasAligned);
  const bias = biasPredictability(trainX, data.trainBias, testX, data.testBias, dim, options);
  const result: BiasMetrics = {
    linearProbeAccuracy: classProbe.accuracy,
    biasPredictability: bias.accuracy,
  };
  if (groups.biasAlignedAccuracy !== undefined)
    result.biasAlignedAccuracy = groups.biasAlignedAccuracy;
  if (groups.biasConflictingAccuracy !== undefined)
    result.biasConflictingAccuracy = groups.biasConflictingAccuracy;
  if (bias.normalized !== undefined) result.biasPredictabilityNormalized = bias.normalized;
  return result;
}
