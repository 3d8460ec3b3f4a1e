/**
 * Kernels on metadata (spec B §5, spec A §6): the differentiable kernel functions of the registry,
 * the float64 kernel matrices used for constant weights, and the threshold counts of spec A §6.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getFunction } from '../../../../src/ml/losses/registry';
import { kernelMatrix, resolveKernelName } from '../../../../src/ml/kernels/kernels';
import { thresholdCounts } from '../../../../src/ml/kernels/threshold';
import {
  dot,
  expectClose,
  expectGradClose,
  flatten,
  makeRng,
  norm,
  numericGrads,
  randomInts,
  randomMatrix,
  randomUniform,
  sqDist,
  sum,
  useCpuBackend,
  type Matrix,
} from '../helpers';

beforeAll(useCpuBackend);

type Name = 'rbf' | 'cosine' | 'gaussian_pdf' | 'cauchy' | 'gaussian_tau';

/** The kernels of spec B §5, one pair at a time. */
function naivePair(name: Name, p: number[], q: number[], h: number): number {
  const d2 = sqDist(p, q);
  switch (name) {
    case 'rbf':
      return Math.exp(-d2 / (2 * h * h));
    case 'gaussian_pdf':
      return Math.exp(-d2 / (2 * h * h)) / (Math.sqrt(2 * Math.PI) * h);
    case 'cauchy':
      return 1 / (1 + h * d2);
    case 'gaussian_tau':
      return Math.exp(-d2 / (2 * h));
    case 'cosine':
      return dot(p, q) / (norm(p) * norm(q));
  }
}

function rowsOf(metadata: number[] | Matrix): Matrix {
  return metadata.map((m) => (Array.isArray(m) ? m : [m]));
}

function naiveMatrix(name: Name, metadata: number[] | Matrix, h: number): Matrix {
  const rows = rowsOf(metadata);
  return rows.map((p) => rows.map((q) => naivePair(name, p, q, h)));
}

const PARAM: Record<Name, string | null> = {
  rbf: 'sigma',
  gaussian_pdf: 'sigma',
  cauchy: 'gamma',
  gaussian_tau: 'tau',
  cosine: null,
};

/** The registry's kernel_* function: its matrix and d(Σ_ij K_ij)/d metadata. */
function projectKernel(
  name: Name,
  metadata: number[] | Matrix,
  h: number,
): { value: number[]; grad: number[] } {
  const fn = getFunction(`kernel_${name}`);
  const key = PARAM[name];
  const params = key ? { [key]: h } : {};
  const x = tf.tensor(metadata, undefined, 'float32');
  const total = (m: tf.Tensor) =>
    tf.sum(fn.call({ tensors: { metadata: m }, constants: {} }, params));
  const k = fn.call({ tensors: { metadata: x }, constants: {} }, params);
  const g = tf.grad(total)(x);
  const out = { value: Array.from(k.dataSync()), grad: Array.from(g.dataSync()) };
  tf.dispose([x, k, g]);
  return out;
}

describe('kernel functions (registry, differentiable)', () => {
  const cases: { name: Name; h: number; k: number }[] = [
    { name: 'rbf', h: 1.5, k: 0 },
    { name: 'rbf', h: 0.7, k: 3 },
    { name: 'gaussian_pdf', h: 2, k: 0 },
    { name: 'gaussian_pdf', h: 0.3, k: 0 },
    { name: 'cauchy', h: 0.5, k: 0 },
    { name: 'cauchy', h: 3, k: 2 },
    { name: 'gaussian_tau', h: 0.5, k: 2 },
    { name: 'gaussian_tau', h: 0.025, k: 0 },
    { name: 'cosine', h: 1, k: 3 },
  ];
  for (const [i, c] of cases.entries()) {
    it(`kernel_${c.name} matches the formula, and its gradient finite differences (h=${c.h}, dim=${c.k || 'scalar'})`, () => {
      const rng = makeRng(1100 + i);
      const metadata: number[] | Matrix = c.k
        ? randomMatrix(rng, 6, c.k)
        : randomUniform(rng, 6, -1, 1);
      const got = projectKernel(c.name, metadata, c.h);
      const want = naiveMatrix(c.name, metadata, c.h).flat();
      want.forEach((w, j) => expectClose(got.value[j]!, w, `entry ${j}`));
      const numeric = numericGrads(
        ({ m }) => sum(naiveMatrix(c.name, m, c.h).flat()),
        { m: metadata as number[] | number[][] },
        ['m'],
      );
      expectGradClose(got.grad, numeric.m!, `kernel_${c.name} gradient`);
    });
  }

  it('the Gaussian density kernel is 1/(√(2π)σ) on the diagonal, not 1; the others are 1', () => {
    const metadata = [0.2, 1.7, -0.4];
    const pdf = projectKernel('gaussian_pdf', metadata, 0.2).value;
    expectClose(pdf[0]!, 1 / (Math.sqrt(2 * Math.PI) * 0.2), 'pdf diagonal');
    expect(pdf[0]!).toBeGreaterThan(1);
    for (const name of ['rbf', 'cauchy', 'gaussian_tau'] as const) {
      expect(projectKernel(name, metadata, 0.8).value[4]).toBe(1);
    }
  });

  it('cauchy multiplies Δ² by γ (no square, no division)', () => {
    const value = projectKernel('cauchy', [0, 2], 0.25).value;
    expectClose(value[1]!, 1 / (1 + 0.25 * 4), 'cauchy');
  });

  it('unknown kernels and missing bandwidths are rejected with their names', () => {
    expect(() => resolveKernelName('laplace')).toThrow(/laplace.*rbf/);
    expect(resolveKernelName('gaussian')).toBe('gaussian_pdf');
    expect(() => kernelMatrix('rbf', {}, [1, 2])).toThrow(/sigma/);
    expect(() => kernelMatrix('cauchy', { gamma: -1 }, [1, 2])).toThrow(/gamma/);
  });
});

describe('kernelMatrix (float64 constants)', () => {
  for (const name of ['rbf', 'gaussian_pdf', 'cauchy', 'gaussian_tau', 'cosine'] as const) {
    it(`${name} equals the formula in float64`, () => {
      const rng = makeRng(1120);
      for (const metadata of [randomUniform(rng, 7, 18, 80), randomMatrix(rng, 5, 3)]) {
        const h = 1.3;
        const key = PARAM[name];
        const got = Array.from(kernelMatrix(name, key ? { [key]: h } : {}, metadata));
        const want = naiveMatrix(name, metadata, h).flat();
        want.forEach((w, j) =>
          expect(Math.abs(got[j]! - w)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(w))),
        );
      }
    });
  }

  it('keeps float64 range: an rbf weight beyond float32 underflow is still positive', () => {
    // Δ²/(2σ²) = 200: exp(−200) ≈ 1.4e-87 underflows in float32 but not in float64.
    const k = kernelMatrix('rbf', { sigma: 1 }, [0, 20]);
    expect(k[1]).toBeGreaterThan(0);
    expect(Math.abs(k[1]! - Math.exp(-200)) / Math.exp(-200)).toBeLessThan(1e-12);
  });
});

describe('thresholdCounts', () => {
  /** C_ac = #{k ∈ [0, M) : W_ck < W_ca}, literally. */
  function naiveCounts(w: Matrix): Matrix {
    const m = w.length;
    return w.map((_, a) =>
      w.map((_, c) => {
        let count = 0;
        for (let k = 0; k < m; k++) if (w[c]![k]! < w[c]![a]!) count++;
        return count;
      }),
    );
  }

  for (const [i, { n, v }] of [
    { n: 5, v: 1 },
    { n: 6, v: 2 },
    { n: 4, v: 3 },
    { n: 16, v: 2 },
  ].entries()) {
    it(`matches the triple loop, ties included (N=${n}, V=${v})`, () => {
      const rng = makeRng(1130 + i);
      const ages = randomInts(rng, n, 6).map((a) => 20 + a); // integer ages: many exact ties
      const m = n * v;
      const perSample = kernelMatrix('rbf', { sigma: 2 }, ages);
      const w: Matrix = Array.from({ length: m }, (_, a) =>
        Array.from({ length: m }, (_, b) => perSample[(a % n) * n + (b % n)]!),
      );
      const got = Array.from(thresholdCounts(Float64Array.from(flatten(w)), m));
      expect(got).toEqual(naiveCounts(w).flat());
    });
  }

  it('all weights equal: every count is 0 (strict inequality)', () => {
    const w = Float64Array.from({ length: 16 }, () => 0.5);
    expect(Array.from(thresholdCounts(w, 4)).every((c) => c === 0)).toBe(true);
  });
});
