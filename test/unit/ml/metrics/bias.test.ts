import { describe, expect, test } from 'vitest';
import {
  biasGroupAccuracy,
  biasMetrics,
  biasPredictability,
} from '../../../../src/ml/metrics/bias';
import { linearProbe } from '../../../../src/ml/metrics/probes';
import { gaussian, normalRows, randomLabels, rng } from './random';

/**
 * A colored-MNIST-like set: class y in 0..classes−1 and a bias label b that equals y for a
 * fraction `alignedFraction` of samples (random otherwise). The embedding holds `classSignal`·onehot(y)
 * in its first block and `biasSignal`·onehot(b) in its second, plus unit noise.
 */
function biasedSet(
  n: number,
  classes: number,
  alignedFraction: number,
  classSignal: number,
  biasSignal: number,
  seed: number,
) {
  const r = rng(seed);
  const g = gaussian(rng(seed + 1000));
  const dim = 2 * classes + 2;
  const y = new Int32Array(n);
  const b = new Int32Array(n);
  const aligned = new Uint8Array(n);
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    y[i] = Math.floor(r() * classes);
    b[i] = r() < alignedFraction ? y[i]! : Math.floor(r() * classes);
    aligned[i] = b[i] === y[i] ? 1 : 0;
    for (let k = 0; k < dim; k++) x[i * dim + k] = g();
    x[i * dim + y[i]!]! += classSignal;
    x[i * dim + classes + b[i]!]! += biasSignal;
  }
  return { x, y, b, aligned, dim };
}

describe('biasGroupAccuracy', () => {
  test('matches a naive count per group', () => {
    const y = randomLabels(500, 4, 1);
    const p = randomLabels(500, 4, 2);
    const flags = Array.from(randomLabels(500, 2, 3), (v) => v === 1);
    const r = biasGroupAccuracy(p, y, flags);
    let a = 0;
    let ac = 0;
    let cc = 0;
    for (let i = 0; i < 500; i++) {
      if (flags[i]) {
        a++;
        if (p[i] === y[i]) ac++;
      } else if (p[i] === y[i]) cc++;
    }
    expect(r.alignedCount).toBe(a);
    expect(r.conflictingCount).toBe(500 - a);
    expect(r.biasAlignedAccuracy).toBeCloseTo(ac / a, 12);
    expect(r.biasConflictingAccuracy).toBeCloseTo(cc / (500 - a), 12);
  });

  test('leaves a group with no samples absent (never 0)', () => {
    const r = biasGroupAccuracy([1, 2, 3], [1, 0, 3], [1, 1, 1]);
    expect(r.biasAlignedAccuracy).toBeCloseTo(2 / 3, 12);
    expect('biasConflictingAccuracy' in r).toBe(false);
  });

  test('rejects mismatched lengths and flags that are not 0/1', () => {
    expect(() => biasGroupAccuracy([1, 2], [1, 2, 3], [0, 1, 0])).toThrow(
      /predictions has 2 entries but there are 3 rows/,
    );
    expect(() => biasGroupAccuracy([1, 2, 3], [1, 2, 3], [0, 2, 0])).toThrow(
      /biasAligned\[1\] is 2, not 0\/1/,
    );
    expect(() => biasGroupAccuracy([], [], [])).toThrow(/non-empty/);
  });
});

describe('biasPredictability', () => {
  test('is ≈ 1 (normalised ≈ 1) when the embedding encodes the bias', () => {
    const train = biasedSet(600, 3, 0.5, 0, 6, 10);
    const held = biasedSet(400, 3, 0.5, 0, 6, 11);
    const r = biasPredictability(train.x, train.b, held.x, held.b, train.dim);
    expect(r.accuracy).toBeGreaterThan(0.98);
    expect(r.normalized!).toBeGreaterThan(0.97);
  });

  test('is ≈ chance (normalised ≈ 0) when the embedding ignores the bias', () => {
    const x = normalRows(600, 6, 12);
    const xt = normalRows(1500, 6, 13);
    // Imbalanced bias labels, 70/30: chance is the majority frequency in test.
    const bias = (n: number, seed: number) => {
      const r = rng(seed);
      return Int32Array.from({ length: n }, () => (r() < 0.7 ? 0 : 1));
    };
    const bt = bias(1500, 15);
    const r = biasPredictability(x, bias(600, 14), xt, bt, 6);
    const majority = Math.max(...[0, 1].map((v) => bt.filter((b) => b === v).length)) / 1500;
    expect(r.chance).toBeCloseTo(majority, 12);
    expect(r.chance).toBeGreaterThan(0.65);
    expect(Math.abs(r.accuracy - r.chance)).toBeLessThan(0.04);
    expect(Math.abs(r.normalized!)).toBeLessThan(0.12);
    expect(r.normalized).toBeCloseTo((r.accuracy - r.chance) / (1 - r.chance), 12);
  });

  test('leaves the normalised value absent when test has one bias label', () => {
    const x = normalRows(20, 2, 16);
    const r = biasPredictability(x, randomLabels(20, 2, 17), x, new Array(20).fill(1), 2);
    expect(r.chance).toBe(1);
    expect('normalized' in r).toBe(false);
  });
});

describe('biasMetrics', () => {
  const train = biasedSet(800, 4, 0.95, 2.5, 4, 20);
  const held = biasedSet(600, 4, 0.5, 2.5, 4, 21);
  const data = {
    trainX: train.x,
    trainLabels: train.y,
    trainBias: train.b,
    testX: held.x,
    testLabels: held.y,
    testBias: held.b,
    testBiasAligned: held.aligned,
    dim: train.dim,
  };

  test('equals a class probe, its per-group accuracy and a bias probe, computed separately', () => {
    const m = biasMetrics(data);
    const probe = linearProbe(train.x, train.y, held.x, held.y, train.dim);
    const groups = biasGroupAccuracy(probe.predictions, held.y, held.aligned);
    const bias = biasPredictability(train.x, train.b, held.x, held.b, train.dim);
    expect(m).toEqual({
      linearProbeAccuracy: probe.accuracy,
      biasAlignedAccuracy: groups.biasAlignedAccuracy,
      biasConflictingAccuracy: groups.biasConflictingAccuracy,
      biasPredictability: bias.accuracy,
      biasPredictabilityNormalized: bias.normalized,
    });
  });

  test('a probe trained on biased data leans on the bias: aligned ≫ conflicting', () => {
    const m = biasMetrics(data);
    expect(m.biasAlignedAccuracy!).toBeGreaterThan(m.biasConflictingAccuracy! + 0.2);
    expect(m.biasPredictability).toBeGreaterThan(0.9);
  });

  test('a bias-free embedding closes the gap and hides the bias', () => {
    const cleanTrain = biasedSet(800, 4, 0.95, 2.5, 0, 20);
    const cleanTest = biasedSet(600, 4, 0.5, 2.5, 0, 21);
    const m = biasMetrics({
      ...data,
      trainX: cleanTrain.x,
      testX: cleanTest.x,
    });
    expect(Math.abs(m.biasAlignedAccuracy! - m.biasConflictingAccuracy!)).toBeLessThan(0.1);
    // The bias still correlates with the class in test half the time, so not quite chance.
    expect(m.biasPredictability).toBeLessThan(0.7);
  });

  test('checks the aligned flags against the test rows', () => {
    expect(() => biasMetrics({ ...data, testBiasAligned: [1, 0] })).toThrow(
      /testBiasAligned has 2 entries but there are 600 samples/,
    );
  });
});
