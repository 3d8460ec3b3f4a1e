import { describe, expect, test } from 'vitest';
import { regressionScores, ridgeRegression } from '../../../../src/ml/metrics/regression';
import { gaussian, normalRows, rng } from './random';

/** Solves A·x = b by Gaussian elimination with partial pivoting (A n×n, row-major arrays). */
function gaussSolve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= m[r]![c]! * x[c]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/** Ridge the textbook way: standardise with train stats, [Z 1], (ZᵀZ + λ·diag(1..1, 0)) w = Zᵀy. */
function naiveRidge(
  x: Float32Array,
  y: number[],
  xt: Float32Array,
  dim: number,
  lambda: number,
): { w: number[]; predictions: number[] } {
  const n = y.length;
  const mean = Array.from({ length: dim }, (_, k) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * dim + k]!;
    return s / n;
  });
  const std = Array.from({ length: dim }, (_, k) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (x[i * dim + k]! - mean[k]!) ** 2;
    return Math.sqrt(s / n);
  });
  const row = (src: Float32Array, i: number) => [
    ...Array.from({ length: dim }, (_, k) => (src[i * dim + k]! - mean[k]!) / std[k]!),
    1,
  ];
  const p = dim + 1;
  const a = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) {
    const z = row(x, i);
    for (let r = 0; r < p; r++) {
      b[r]! += z[r]! * y[i]!;
      for (let c = 0; c < p; c++) a[r]![c]! += z[r]! * z[c]!;
    }
  }
  for (let k = 0; k < dim; k++) a[k]![k]! += lambda;
  const w = gaussSolve(a, b);
  const predictions = Array.from({ length: xt.length / dim }, (_, i) =>
    row(xt, i).reduce((s, v, j) => s + v * w[j]!, 0),
  );
  return { w, predictions };
}

function linearTargets(x: Float32Array, dim: number, coef: number[], offset: number): number[] {
  return Array.from({ length: x.length / dim }, (_, i) => {
    let s = offset;
    for (let k = 0; k < dim; k++) s += coef[k]! * x[i * dim + k]!;
    return s;
  });
}

describe('ridgeRegression', () => {
  const dim = 7;
  const x = normalRows(120, dim, 1);
  const xt = normalRows(45, dim, 2);
  const g = gaussian(rng(3));
  const coef = Array.from({ length: dim }, g);
  const y = linearTargets(x, dim, coef, 2.5).map((v) => v + 0.3 * g());
  const yt = linearTargets(xt, dim, coef, 2.5).map((v) => v + 0.3 * g());

  for (const lambda of [0, 0.5, 10])
    test(`matches the normal equations solved by Gaussian elimination (λ = ${lambda})`, () => {
      const naive = naiveRidge(x, y, xt, dim, lambda);
      const r = ridgeRegression(x, y, xt, yt, dim, { lambda });
      for (let k = 0; k < dim; k++) expect(r.weights[k]).toBeCloseTo(naive.w[k]!, 9);
      expect(r.intercept[0]).toBeCloseTo(naive.w[dim]!, 9);
      for (let i = 0; i < 45; i++) expect(r.predictions[i]).toBeCloseTo(naive.predictions[i]!, 9);
      const mae = naive.predictions.reduce((s, p, i) => s + Math.abs(p - yt[i]!), 0) / 45;
      const meanT = yt.reduce((s, v) => s + v, 0) / 45;
      const ssRes = naive.predictions.reduce((s, p, i) => s + (p - yt[i]!) ** 2, 0);
      const ssTot = yt.reduce((s, v) => s + (v - meanT) ** 2, 0);
      expect(r.mae).toBeCloseTo(mae, 9);
      expect(r.r2).toBeCloseTo(1 - ssRes / ssTot, 9);
    });

  test('R² = 1 and MAE ≈ 0 on exact linear targets', () => {
    const exact = linearTargets(x, dim, coef, -1);
    const exactT = linearTargets(xt, dim, coef, -1);
    const r = ridgeRegression(x, exact, xt, exactT, dim, { lambda: 0 });
    expect(r.r2).toBeCloseTo(1, 9);
    expect(r.mae).toBeLessThan(1e-6);
  });

  test('R² ≈ 0 on targets that are pure noise', () => {
    const big = normalRows(2000, 8, 4);
    const bigT = normalRows(1000, 8, 5);
    const noise = gaussian(rng(6));
    const r = ridgeRegression(
      big,
      Array.from({ length: 2000 }, noise),
      bigT,
      Array.from({ length: 1000 }, noise),
      8,
    );
    expect(Math.abs(r.r2)).toBeLessThan(0.03);
  });

  test('several targets at once equal separate fits, and mae/r2 are their means', () => {
    const y2 = linearTargets(
      x,
      dim,
      coef.map((c) => -2 * c),
      0,
    ).map((v) => v + g());
    const yt2 = linearTargets(
      xt,
      dim,
      coef.map((c) => -2 * c),
      0,
    ).map((v) => v + g());
    const both = y.flatMap((v, i) => [v, y2[i]!]);
    const bothT = yt.flatMap((v, i) => [v, yt2[i]!]);
    const r = ridgeRegression(x, both, xt, bothT, dim, { targetDim: 2, lambda: 2 });
    const a = ridgeRegression(x, y, xt, yt, dim, { lambda: 2 });
    const b = ridgeRegression(x, y2, xt, yt2, dim, { lambda: 2 });
    expect(r.perTarget[0]!.mae).toBeCloseTo(a.mae, 10);
    expect(r.perTarget[1]!.r2).toBeCloseTo(b.r2, 10);
    expect(r.mae).toBeCloseTo((a.mae + b.mae) / 2, 10);
    expect(r.r2).toBeCloseTo((a.r2 + b.r2) / 2, 10);
    expect(r.predictions[2 * 7 + 1]).toBeCloseTo(b.predictions[7]!, 10);
  });

  test('R² is NaN for constant test targets; regressionScores checks its inputs', () => {
    const r = ridgeRegression(x, y, xt, new Array(45).fill(3), dim);
    expect(r.r2).toBeNaN();
    expect(Number.isFinite(r.mae)).toBe(true);
    expect(regressionScores([1, 2, 4], [1, 2, 3])).toEqual([{ mae: 1 / 3, r2: 1 - 1 / 2 }]);
    expect(() => regressionScores([1, 2], [1, 2, 3])).toThrow(/same, nonzero length/);
  });

  test('rejects bad shapes and a singular system with clear messages', () => {
    expect(() => ridgeRegression(x, y.slice(1), xt, yt, dim)).toThrow(
      /trainY has 119 values but \[120, 1\]/,
    );
    expect(() => ridgeRegression(x, y, xt, yt, dim, { lambda: -1 })).toThrow(/lambda must be/);
    expect(() => ridgeRegression(x, y, xt, yt, dim, { targetDim: 0 })).toThrow(/targetDim/);
    expect(() => ridgeRegression(x, [...y.slice(1), Infinity], xt, yt, dim)).toThrow(
      /trainY\[119\] is Infinity/,
    );
    expect(() => ridgeRegression(x, y, new Float32Array(5), yt, dim)).toThrow(/testX has 5 values/);
    const withZeroColumn = Float32Array.from(x);
    for (let i = 0; i < 120; i++) withZeroColumn[i * dim + 3] = 0;
    expect(() => ridgeRegression(withZeroColumn, y, xt, yt, dim, { lambda: 0 })).toThrow(
      /normal equations are singular.*lambda > 0/,
    );
    expect(() => ridgeRegression(withZeroColumn, y, xt, yt, dim, { lambda: 1 })).not.toThrow();
  });
});
