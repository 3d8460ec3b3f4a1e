import { describe, expect, test } from 'vitest';
import { alignment, uniformity, effectiveRank } from '../../../../src/ml/metrics/embedding';
import { symmetricEigenvalues } from '../../../../src/ml/linalg';
import { rng } from './random';

function randomRows(n: number, d: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n * d }, () => r() * 2 - 1);
}

describe('alignment', () => {
  test('is the mean squared distance of pairs for α = 2 and the mean distance for α = 1', () => {
    const x = Float32Array.from([0, 0, 1, 1]);
    const y = Float32Array.from([3, 4, 1, 1]);
    expect(alignment(x, y, 2, 2)).toBeCloseTo(25 / 2, 6);
    expect(alignment(x, y, 2, 1)).toBeCloseTo(5 / 2, 6);
  });
});

describe('uniformity', () => {
  test('matches the naive log-mean-exp over distinct pairs', () => {
    const x = randomRows(7, 3, 1);
    let sum = 0;
    let count = 0;
    for (let i = 0; i < 7; i++)
      for (let j = i + 1; j < 7; j++) {
        let sq = 0;
        for (let k = 0; k < 3; k++) sq += (x[i * 3 + k]! - x[j * 3 + k]!) ** 2;
        sum += Math.exp(-2 * sq);
        count++;
      }
    expect(uniformity(x, 3, 2)).toBeCloseTo(Math.log(sum / count), 6);
  });
  test('is 0 for a collapsed batch and NaN for one row', () => {
    expect(uniformity(Float32Array.from([1, 0, 1, 0, 1, 0]), 2)).toBeCloseTo(0, 12);
    expect(uniformity(Float32Array.from([1, 0]), 2)).toBeNaN();
  });
  test('stays finite where exp underflows (far-apart unnormalised rows)', () => {
    const value = uniformity(Float32Array.from([0, 0, 100, 0]), 2, 2);
    expect(value).toBeCloseTo(-2 * 100 * 100, 6);
  });
});

describe('effectiveRank', () => {
  test('is 1 for a rank-one representation and d for an orthonormal one', () => {
    const rankOne = Float32Array.from([1, 2, 2, 4, -1, -2]);
    expect(effectiveRank(rankOne, 2)).toBeCloseTo(1, 5);
    const identity = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(effectiveRank(identity, 3)).toBeCloseTo(3, 6);
  });
  test('matches exp(entropy) of singular values computed naively for a diagonal matrix', () => {
    const diag = Float32Array.from([3, 0, 0, 0, 2, 0, 0, 0, 1]);
    const p = [3 / 6, 2 / 6, 1 / 6];
    const expected = Math.exp(-p.reduce((s, v) => s + v * Math.log(v), 0));
    expect(effectiveRank(diag, 3)).toBeCloseTo(expected, 6);
  });
  test('lies between 1 and d for random data', () => {
    const value = effectiveRank(randomRows(50, 8, 3), 8);
    expect(value).toBeGreaterThan(1);
    expect(value).toBeLessThanOrEqual(8 + 1e-9);
  });
});

describe('symmetricEigenvalues', () => {
  test('reconstructs trace and determinant of a random symmetric matrix', () => {
    const n = 5;
    const r = rng(9);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        const v = r() - 0.5;
        a[i * n + j] = v;
        a[j * n + i] = v;
      }
    const eig = symmetricEigenvalues(a, n);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i]!;
    expect(eig.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 10);
    // Σλ² = ‖A‖_F²
    const frob = a.reduce((s, v) => s + v * v, 0);
    expect(eig.reduce((s, v) => s + v * v, 0)).toBeCloseTo(frob, 10);
    for (let i = 1; i < n; i++) expect(eig[i - 1]!).toBeGreaterThanOrEqual(eig[i]!);
  });
});

describe('large inputs', () => {
  test('uniformity handles thousands of rows (no argument-spreading limits)', () => {
    const x = randomRows(1500, 4, 11);
    expect(Number.isFinite(uniformity(x, 4))).toBe(true);
  });
});
