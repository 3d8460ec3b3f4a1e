/**
 * Ridge regression of continuous targets (age, shape attributes) from standardised embeddings,
 * solved in closed form from the (dim+1)×(dim+1) normal equations in float64.
 */
import { solveSpd } from '../linalg';
import { A_TILE, dotsNT, padRows } from './dots';
import { featureStats, rowsOf, standardize, targetsOf, type NumericArray } from './shapes';

export interface RidgeOptions {
  /** Penalty λ in ‖y − Zw − b‖² + λ‖w‖² (sklearn's Ridge alpha); the intercept is free. Default 1. */
  lambda?: number;
  /** Targets per row: y is row-major [n, targetDim]. Default 1. */
  targetDim?: number;
}

export interface RegressionScores {
  /** Mean absolute error on test. */
  mae: number;
  /** 1 − SS_res / SS_tot on test (SS_tot around the test mean); NaN when the test targets are constant. */
  r2: number;
}

export interface RidgeResult extends RegressionScores {
  /** Scores of each target; mae and r2 above are their unweighted means. */
  perTarget: RegressionScores[];
  /** Test predictions, row-major [nTest, targetDim]. */
  predictions: Float64Array;
  /** [dim, targetDim] weights on standardised features, and the intercepts [targetDim]. */
  weights: Float64Array;
  intercept: Float64Array;
}

/** MAE and R² of predictions against targets, both row-major [n, width]; one entry per column. */
export function regressionScores(
  predictions: ArrayLike<number>,
  targets: ArrayLike<number>,
  width = 1,
): RegressionScores[] {
  if (predictions.length !== targets.length || targets.length === 0)
    throw new Error(
      'regressionScores: predictions and targets must have the same, nonzero length.',
    );
  if (!Number.isInteger(width) || width < 1 || targets.length % width !== 0)
    throw new Error(`regressionScores: ${targets.length} values are not [n, ${width}].`);
  const n = targets.length / width;
  const scores: RegressionScores[] = [];
  for (let t = 0; t < width; t++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += targets[i * width + t]!;
    mean /= n;
    let absError = 0;
    let ssRes = 0;
    let ssTot = 0;
    for (let i = 0; i < n; i++) {
      const y = targets[i * width + t]!;
      const e = y - predictions[i * width + t]!;
      absError += Math.abs(e);
      ssRes += e * e;
      ssTot += (y - mean) ** 2;
    }
    scores.push({ mae: absError / n, r2: ssTot > 0 ? 1 - ssRes / ssTot : Number.NaN });
  }
  return scores;
}

/** Fits ridge regression on train (features standardised with train statistics), scores on test. */
export function ridgeRegression(
  trainX: Float32Array,
  trainY: NumericArray,
  testX: Float32Array,
  testY: NumericArray,
  dim: number,
  options: RidgeOptions = {},
): RidgeResult {
  const fn = 'ridgeRegression';
  const lambda = options.lambda ?? 1;
  const width = options.targetDim ?? 1;
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new Error(`${fn}: lambda must be a finite number ≥ 0, got ${lambda}.`);
  const nTrain = rowsOf(trainX, dim, fn, 'trainX');
  const nTest = rowsOf(testX, dim, fn, 'testX');
  const yTrain = targetsOf(trainY, nTrain, width, fn, 'trainY');
  const yTest = targetsOf(testY, nTest, width, fn, 'testY');

  const stats = featureStats(trainX, nTrain, dim);
  const z = standardize(trainX, nTrain, dim, stats);
  // Zᵀ with a row of ones appended (the intercept), padded for dotsNT: Gram = ZᵀZ in one call.
  const p = dim + 1;
  const pPad = padRows(p, A_TILE);
  const zT = new Float64Array(pPad * nTrain);
  for (let i = 0; i < nTrain; i++) {
    for (let k = 0; k < dim; k++) zT[k * nTrain + i] = z[i * dim + k]!;
    zT[dim * nTrain + i] = 1;
  }
  const gramPadded = new Float64Array(pPad * pPad);
  dotsNT(zT, pPad, zT, pPad, nTrain, gramPadded);
  const gram = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) gram[a * p + b] = gramPadded[a * pPad + b]!;
  for (let k = 0; k < dim; k++) gram[k * p + k]! += lambda;
  const rhs = new Float64Array(p * width);
  for (let a = 0; a < p; a++)
    for (let i = 0; i < nTrain; i++) {
      const za = zT[a * nTrain + i]!;
      for (let t = 0; t < width; t++) rhs[a * width + t]! += za * yTrain[i * width + t]!;
    }

  let solution: Float64Array;
  try {
    solution = solveSpd(gram, p, rhs, width);
  } catch (error) {
    throw new Error(
      `${fn}: the normal equations are singular (${(error as Error).message}); use lambda > 0.`,
      { cause: error },
    );
  }

  const weights = solution.slice(0, dim * width);
  const intercept = solution.slice(dim * width);
  const zTest = standardize(testX, nTest, dim, stats);
  const predictions = new Float64Array(nTest * width);
  for (let i = 0; i < nTest; i++)
    for (let t = 0; t < width; t++) {
      let s = intercept[t]!;
      for (let k = 0; k < dim; k++) s += zTest[i * dim + k]! * weights[k * width + t]!;
      predictions[i * width + t] = s;
    }
  const perTarget = regressionScores(predictions, yTest, width);
  const mae = perTarget.reduce((s, v) => s + v.mae, 0) / width;
  const r2 = perTarget.reduce((s, v) => s + v.r2, 0) / width;
  return { mae, r2, perTarget, predictions, weights, intercept };
}
