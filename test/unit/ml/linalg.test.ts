/** Cholesky factorisation and SPD solve (src/ml/linalg.ts), checked by multiplying back in float64. */
import { describe, expect, it } from 'vitest';
import { cholesky, solveSpd } from '../../../src/ml/linalg';
import { makeRng, randn, type Rng } from './helpers';

/** A random symmetric positive-definite n×n matrix B·Bᵀ + δI, row-major. */
function randomSpd(rng: Rng, n: number, delta: number): Float64Array {
  const b = Array.from({ length: n * n }, () => randn(rng));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? delta : 0;
      for (let k = 0; k < n; k++) s += b[i * n + k]! * b[j * n + k]!;
      a[i * n + j] = s;
    }
  return a;
}

function multiply(a: Float64Array, n: number, x: Float64Array, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * x[k * m + j]!;
      out[i * m + j] = s;
    }
  return out;
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

describe('cholesky', () => {
  for (const n of [1, 2, 5, 12, 40]) {
    it(`L is lower triangular with a positive diagonal and L·Lᵀ = A (n=${n})`, () => {
      const a = randomSpd(makeRng(1200 + n), n, 0.1);
      const l = cholesky(a, n);
      for (let i = 0; i < n; i++) {
        expect(l[i * n + i]).toBeGreaterThan(0);
        for (let j = i + 1; j < n; j++) expect(l[i * n + j]).toBe(0);
      }
      const llt = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += l[i * n + k]! * l[j * n + k]!;
          llt[i * n + j] = s;
        }
      const err = maxAbs(llt.map((v, i) => v - a[i]!));
      expect(err).toBeLessThan(1e-10 * maxAbs(a));
    });
  }

  it('throws on matrices that are not positive definite', () => {
    // Indefinite: eigenvalues 3 and −1.
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
    // Negative diagonal.
    expect(() => cholesky(Float64Array.from([-1]), 1)).toThrow(/positive definite/);
    // Singular (positive semi-definite only): a duplicated row.
    expect(() => cholesky(Float64Array.from([1, 1, 1, 1]), 2)).toThrow(/positive definite/);
    // NaN entries are not silently accepted.
    expect(() => cholesky(Float64Array.from([Number.NaN]), 1)).toThrow(/positive definite/);
  });
});

describe('solveSpd', () => {
  for (const [n, m, delta] of [
    [1, 1, 1],
    [3, 1, 0.5],
    [8, 8, 0.1],
    [20, 5, 1e-3],
    [64, 64, 0.01],
  ] as const) {
    it(`A·X ≈ B on a random SPD matrix (n=${n}, m=${m}, δ=${delta})`, () => {
      const rng = makeRng(1300 + n);
      const a = randomSpd(rng, n, delta);
      const b = Float64Array.from({ length: n * m }, () => randn(rng));
      const x = solveSpd(a, n, b, m);
      const residual = multiply(a, n, x, m).map((v, i) => v - b[i]!);
      // Backward-stable solve: the residual is a few ε·‖A‖·‖X‖.
      expect(maxAbs(residual)).toBeLessThan(1e-9 * maxAbs(a) * Math.max(1, maxAbs(x)));
    });
  }

  it('solves the kernel-prior system (K + λI)·W = K, giving a symmetric W with eigenvalues in [0, 1)', () => {
    const rng = makeRng(1400);
    const n = 10;
    const p = Array.from({ length: n }, () => [randn(rng), randn(rng)]);
    const k = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        k[i * n + j] = Math.exp(-((p[i]![0]! - p[j]![0]!) ** 2 + (p[i]![1]! - p[j]![1]!) ** 2) / 2);
    const lambda = 0.01;
    const reg = Float64Array.from(k);
    for (let i = 0; i < n; i++) reg[i * n + i]! += lambda;
    const w = solveSpd(reg, n, k, n);
    expect(maxAbs(multiply(reg, n, w, n).map((v, i) => v - k[i]!))).toBeLessThan(1e-9);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        expect(Math.abs(w[i * n + j]! - w[j * n + i]!)).toBeLessThan(1e-8);
    // W = I − λ(K + λI)⁻¹: its trace lies in [0, n).
    let trace = 0;
    for (let i = 0; i < n; i++) trace += w[i * n + i]!;
    expect(trace).toBeGreaterThanOrEqual(0);
    expect(trace).toBeLessThan(n);
  });

  it('does not modify its inputs', () => {
    const rng = makeRng(1401);
    const a = randomSpd(rng, 4, 0.5);
    const b = Float64Array.from({ length: 8 }, () => randn(rng));
    const aCopy = Float64Array.from(a);
    const bCopy = Float64Array.from(b);
    solveSpd(a, 4, b, 2);
    expect(Array.from(a)).toEqual(Array.from(aCopy));
    expect(Array.from(b)).toEqual(Array.from(bCopy));
  });

  it('throws on a non-SPD system', () => {
    expect(() =>
      solveSpd(Float64Array.from([0, 1, 1, 0]), 2, Float64Array.from([1, 1]), 1),
    ).toThrow(/positive definite/);
  });
});
