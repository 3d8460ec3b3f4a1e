/**
 * Linear probe: multinomial logistic regression (softmax) on standardised embeddings, fitted by
 * full-batch L-BFGS from zero weights, so the fit is deterministic (no randomness at all).
 */
import { A_TILE, B_TILE, dotsNT, padRows } from './dots';
import {
  accuracyOf,
  featureStats,
  labelsOf,
  rowsOf,
  standardize,
  type NumericArray,
} from './shapes';

export interface LinearProbeOptions {
  /** L2 penalty (λ/2)‖W‖² added to the mean cross-entropy; the biases are not penalised. Default 1e-3. */
  l2?: number;
  /** L-BFGS iterations at most; default 100. */
  maxIterations?: number;
  /** Stop when the largest absolute gradient entry falls below this; default 1e-5. */
  tolerance?: number;
  /** Curvature pairs L-BFGS remembers; default 10. */
  history?: number;
}

export interface LinearProbeModel {
  dim: number;
  /** The distinct train labels, ascending; class c of the model predicts classes[c]. */
  classes: Int32Array;
  /** Train feature means and standard deviations used to standardise any input. */
  mean: Float64Array;
  std: Float64Array;
  /** [classes, dim] row-major weights on standardised features, and one bias per class. */
  weights: Float64Array;
  bias: Float64Array;
  /** L-BFGS iterations run and the final penalised mean cross-entropy on train. */
  iterations: number;
  loss: number;
}

export interface LinearProbeResult {
  /** Accuracy on the test rows. */
  accuracy: number;
  /** Predicted label of each test row (needed for bias-aligned / bias-conflicting accuracy). */
  predictions: Int32Array;
  /** Accuracy on the train rows the probe was fitted on. */
  trainAccuracy: number;
  model: LinearProbeModel;
}

/** The penalised mean cross-entropy and its gradient, with buffers allocated once per fit. */
class SoftmaxObjective {
  private readonly nPad: number;
  private readonly cPadB: number;
  private readonly cPadA: number;
  private readonly dPad: number;
  private readonly xPadded: Float64Array;
  private readonly xT: Float64Array;
  private readonly wPad: Float64Array;
  private readonly logits: Float64Array;
  private readonly residualT: Float64Array;
  private readonly gradW: Float64Array;

  constructor(
    x: Float64Array,
    private readonly y: Int32Array,
    private readonly n: number,
    private readonly dim: number,
    private readonly classes: number,
    private readonly l2: number,
  ) {
    this.nPad = padRows(n, A_TILE);
    this.cPadB = padRows(classes, B_TILE);
    this.cPadA = padRows(classes, A_TILE);
    this.dPad = padRows(dim, B_TILE);
    this.xPadded = new Float64Array(this.nPad * dim);
    this.xPadded.set(x);
    // xT [dPad, nPad]: the backward pass is (P − Y)ᵀ·X = dotsNT((P − Y)ᵀ, Xᵀ).
    this.xT = new Float64Array(this.dPad * this.nPad);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < dim; k++) this.xT[k * this.nPad + i] = x[i * dim + k]!;
    this.wPad = new Float64Array(this.cPadB * dim);
    this.logits = new Float64Array(this.nPad * this.cPadB);
    this.residualT = new Float64Array(this.cPadA * this.nPad);
    this.gradW = new Float64Array(this.cPadA * this.dPad);
  }

  /** Parameters θ = [W (classes × dim), b (classes)]; writes ∇f into grad and returns f. */
  evaluate(theta: Float64Array, grad: Float64Array): number {
    const { n, dim, classes, nPad, cPadB, dPad, l2 } = this;
    this.wPad.set(theta.subarray(0, classes * dim));
    dotsNT(this.xPadded, nPad, this.wPad, cPadB, dim, this.logits);
    const biasOffset = classes * dim;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = i * cPadB;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) {
        const z = this.logits[row + c]! + theta[biasOffset + c]!;
        this.logits[row + c] = z;
        if (z > max) max = z;
      }
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(this.logits[row + c]! - max);
      const logSum = max + Math.log(sum);
      const label = this.y[i]!;
      loss += logSum - this.logits[row + label]!;
      for (let c = 0; c < classes; c++) {
        const p = Math.exp(this.logits[row + c]! - logSum);
        this.residualT[c * nPad + i] = (p - (c === label ? 1 : 0)) / n;
      }
    }
    dotsNT(this.residualT, this.cPadA, this.xT, dPad, nPad, this.gradW);
    let penalty = 0;
    for (let c = 0; c < classes; c++) {
      let gb = 0;
      for (let i = 0; i < n; i++) gb += this.residualT[c * nPad + i]!;
      grad[biasOffset + c] = gb;
      for (let k = 0; k < dim; k++) {
        const w = theta[c * dim + k]!;
        penalty += w * w;
        grad[c * dim + k] = this.gradW[c * dPad + k]! + l2 * w;
      }
    }
    return loss / n + 0.5 * l2 * penalty;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Minimises a smooth convex f by L-BFGS (two-loop recursion, Armijo backtracking from step 1).
 * Returns the iterations run and the final value; theta is updated in place.
 */
function lbfgs(
  f: (theta: Float64Array, grad: Float64Array) => number,
  theta: Float64Array,
  maxIterations: number,
  tolerance: number,
  memory: number,
): { iterations: number; value: number } {
  const size = theta.length;
  let grad = new Float64Array(size);
  let value = f(theta, grad);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  const alpha = new Float64Array(memory);
  const direction = new Float64Array(size);
  const trial = new Float64Array(size);
  let trialGrad = new Float64Array(size);
  let iterations = 0;
  const maxAbs = (v: Float64Array) => v.reduce((m, e) => Math.max(m, Math.abs(e)), 0);

  while (iterations < maxIterations && maxAbs(grad) > tolerance) {
    // Two-loop recursion: direction = −H·grad with H0 = (sᵀy / yᵀy)·I.
    for (let i = 0; i < size; i++) direction[i] = -grad[i]!;
    for (let m = sList.length - 1; m >= 0; m--) {
      alpha[m] = rhoList[m]! * dot(sList[m]!, direction);
      const ym = yList[m]!;
      for (let i = 0; i < size; i++) direction[i]! -= alpha[m]! * ym[i]!;
    }
    let initialStep = 1;
    if (sList.length > 0) {
      const last = sList.length - 1;
      const gamma = 1 / (rhoList[last]! * dot(yList[last]!, yList[last]!));
      for (let i = 0; i < size; i++) direction[i]! *= gamma;
      for (let m = 0; m < sList.length; m++) {
        const beta = rhoList[m]! * dot(yList[m]!, direction);
        const sm = sList[m]!;
        for (let i = 0; i < size; i++) direction[i]! += (alpha[m]! - beta) * sm[i]!;
      }
    } else {
      // No curvature yet: a steepest-descent step of length 1 in parameter space.
      initialStep = 1 / Math.sqrt(dot(grad, grad));
    }
    let slope = dot(grad, direction);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): forget the history and fall back to −grad.
      sList.length = yList.length = rhoList.length = 0;
      for (let i = 0; i < size; i++) direction[i] = -grad[i]!;
      slope = -dot(grad, grad);
      initialStep = 1 / Math.sqrt(-slope);
    }

    let step = initialStep;
    let trialValue = Infinity;
    for (let halvings = 0; halvings < 40; halvings++) {
      for (let i = 0; i < size; i++) trial[i] = theta[i]! + step * direction[i]!;
      trialValue = f(trial, trialGrad);
      if (trialValue <= value + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    iterations++;
    if (!(trialValue < value)) break; // no progress possible at float64 precision

    const s = new Float64Array(size);
    const yv = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      s[i] = trial[i]! - theta[i]!;
      yv[i] = trialGrad[i]! - grad[i]!;
    }
    const sy = dot(s, yv);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
      sList.push(s);
      yList.push(yv);
      rhoList.push(1 / sy);
    }
    const decrease = value - trialValue;
    theta.set(trial);
    [grad, trialGrad] = [trialGrad, grad];
    value = trialValue;
    if (decrease <= 1e-12 * Math.max(1, Math.abs(value))) break;
  }
  return { iterations, value };
}

function checkOptions(fn: string, options: LinearProbeOptions) {
  const l2 = options.l2 ?? 1e-3;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-5;
  const history = options.history ?? 10;
  if (!(l2 >= 0) || !Number.isFinite(l2))
    throw new Error(`${fn}: l2 must be a finite number ≥ 0, got ${l2}.`);
  if (!Number.isInteger(maxIterations) || maxIterations < 0)
    throw new Error(`${fn}: maxIterations must be an integer ≥ 0, got ${maxIterations}.`);
  if (!(tolerance >= 0)) throw new Error(`${fn}: tolerance must be ≥ 0, got ${tolerance}.`);
  if (!Number.isInteger(history) || history < 1)
    throw new Error(`${fn}: history must be a positive integer, got ${history}.`);
  return { l2, maxIterations, tolerance, history };
}

/** Fits a softmax linear probe on [n, dim] embeddings with integer labels (any values). */
export function fitLinearProbe(
  x: Float32Array,
  labels: NumericArray,
  dim: number,
  options: LinearProbeOptions = {},
): LinearProbeModel {
  const fn = 'fitLinearProbe';
  const n = rowsOf(x, dim, fn, 'x');
  const y = labelsOf(labels, n, fn, 'labels');
  const { l2, maxIterations, tolerance, history } = checkOptions(fn, options);
  const classes = Int32Array.from(new Set(y)).sort();
  const classIndex = new Map(Array.from(classes, (c, i) => [c, i]));
  const yIndex = Int32Array.from(y, (c) => classIndex.get(c)!);
  const stats = featureStats(x, n, dim);
  const xs = standardize(x, n, dim, stats);
  const C = classes.length;
  const theta = new Float64Array(C * dim + C);
  const objective = new SoftmaxObjective(xs, yIndex, n, dim, C, l2);
  const { iterations, value } = lbfgs(
    (t, g) => objective.evaluate(t, g),
    theta,
    maxIterations,
    tolerance,
    history,
  );
  return {
    dim,
    classes,
    mean: stats.mean,
    std: stats.std,
    weights: theta.slice(0, C * dim),
    bias: theta.slice(C * dim),
    iterations,
    loss: value,
  };
}

/** Predicted label of each row of x (argmax of the logits; ties go to the smaller label). */
export function predictLinearProbe(model: LinearProbeModel, x: Float32Array): Int32Array {
  const { dim, classes, weights, bias } = model;
  const n = rowsOf(x, dim, 'predictLinearProbe', 'x');
  const C = classes.length;
  const xs = new Float64Array(padRows(n, A_TILE) * dim);
  xs.set(standardize(x, n, dim, model));
  const cPad = padRows(C, B_TILE);
  const w = new Float64Array(cPad * dim);
  w.set(weights);
  const all = new Float64Array((xs.length / dim) * cPad);
  dotsNT(xs, xs.length / dim, w, cPad, dim, all);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestZ = all[i * cPad]! + bias[0]!;
    for (let c = 1; c < C; c++) {
      const z = all[i * cPad + c]! + bias[c]!;
      if (z > bestZ) {
        bestZ = z;
        best = c;
      }
    }
    out[i] = classes[best]!;
  }
  return out;
}

/**
 * Linear-probe accuracy: fits on the train embeddings and labels, predicts the test embeddings.
 * Test labels absent from train can never be predicted and count as errors.
 */
export function linearProbe(
  trainX: Float32Array,
  trainLabels: NumericArray,
  testX: Float32Array,
  testLabels: NumericArray,
  dim: number,
  options: LinearProbeOptions = {},
): LinearProbeResult {
  const fn = 'linearProbe';
  const nTrain = rowsOf(trainX, dim, fn, 'trainX');
  const nTest = rowsOf(testX, dim, fn, 'testX');
  const yTrain = labelsOf(trainLabels, nTrain, fn, 'trainLabels');
  const yTest = labelsOf(testLabels, nTest, fn, 'testLabels');
  const model = fitLinearProbe(trainX, yTrain, dim, options);
  const predictions = predictLinearProbe(model, testX);
  const trainAccuracy = accuracyOf(predictLinearProbe(model, trainX), yTrain);
  return { accuracy: accuracyOf(predictions, yTest), predictions, trainAccuracy, model };
}
