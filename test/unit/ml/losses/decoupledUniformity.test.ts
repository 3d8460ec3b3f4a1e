/**
 * Decoupled uniformity with and without a kernel prior, and its alignment metric (spec B §2),
 * against a naive float64 implementation (Gaussian elimination for (K + λI)⁻¹K).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkAgainstNaive,
  dot,
  evaluate,
  expectAllFinite,
  expectClose,
  logSumExp,
  makeRng,
  mean,
  norm,
  normalizeRow,
  permute,
  randomInts,
  randomMatrix,
  randomOrthogonal,
  randomPermutation,
  randomTensor3,
  roundF32,
  matMul,
  sqDist,
  useCpuBackend,
  valueOf,
  type Matrix,
  type Tensor3,
} from '../helpers';

beforeAll(useCpuBackend);

type Prior = number[] | number[][];

interface DuOptions {
  t: number;
  kernel: 'rbf' | 'cosine' | null;
  sigma?: number;
  lambda: number;
}

/** Solves A·X = B by Gaussian elimination with partial pivoting (float64). */
function gaussSolve(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c < m[r]!.length; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row.slice(n).map((v) => v / row[i]!));
}

/** μ̄ (no kernel) or W·μ̄ with W = (K + λ_eff I)⁻¹K (spec B §2.1, §2.3). */
function naiveCentroids(z: Tensor3, o: DuOptions, prior: Prior | null): Matrix {
  const plain = z.map((views) => {
    const unit = views.map((v) => normalizeRow(v));
    return unit[0]!.map((_, k) => mean(unit.map((u) => u[k]!)));
  });
  if (!o.kernel) return plain;
  const n = z.length;
  const p = prior!.map((r) => (Array.isArray(r) ? r : [r]));
  const k: Matrix = p.map((pi) =>
    p.map((pj) =>
      o.kernel === 'rbf'
        ? Math.exp(-sqDist(pi, pj) / (2 * o.sigma! * o.sigma!))
        : dot(pi, pj) / (norm(pi) * norm(pj)),
    ),
  );
  const lam = o.lambda ? o.lambda : 1 / Math.sqrt(n);
  const regularised = k.map((row, i) => row.map((v, j) => v + (i === j ? lam : 0)));
  return matMul(gaussSolve(regularised, k), plain);
}

function naiveUniform(x: Matrix, t: number): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const terms: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) terms.push(-t * sqDist(x[i]!, x[j]!));
  return logSumExp(terms) - Math.log((n * (n - 1)) / 2);
}

function naiveDu(z: Tensor3, o: DuOptions, prior: Prior | null): number {
  return naiveUniform(naiveCentroids(z, o, prior), o.t);
}

function naiveDuAlign(z: Tensor3, o: DuOptions, prior: Prior | null): number {
  return -mean(naiveCentroids(z, o, prior).map((mu) => dot(mu, mu)));
}

function paramsOf(o: DuOptions): Record<string, unknown> {
  return { t: o.t, kernel: o.kernel, sigma: o.sigma ?? null, lambda: o.lambda };
}

describe('decoupled_uniformity and du_align', () => {
  const configs: {
    n: number;
    v: number;
    d: number;
    o: DuOptions;
    prior: 'none' | 'scalar' | 'vector' | 'binary';
  }[] = [
    { n: 4, v: 2, d: 3, o: { t: 2, kernel: null, lambda: 0.01 }, prior: 'none' },
    { n: 6, v: 3, d: 4, o: { t: 1, kernel: null, lambda: 0.01 }, prior: 'none' },
    { n: 32, v: 2, d: 8, o: { t: 5, kernel: null, lambda: 0.01 }, prior: 'none' },
    { n: 5, v: 2, d: 3, o: { t: 2, kernel: 'rbf', sigma: 1, lambda: 0.01 }, prior: 'scalar' },
    { n: 6, v: 2, d: 4, o: { t: 2, kernel: 'rbf', sigma: 2, lambda: 0.5 }, prior: 'vector' },
    { n: 6, v: 3, d: 3, o: { t: 1, kernel: 'rbf', sigma: 1.5, lambda: 0 }, prior: 'vector' },
    { n: 5, v: 2, d: 3, o: { t: 2, kernel: 'cosine', lambda: 0.01 }, prior: 'vector' },
    { n: 6, v: 2, d: 3, o: { t: 2, kernel: 'cosine', lambda: 0.1 }, prior: 'binary' },
    { n: 6, v: 2, d: 3, o: { t: 2, kernel: 'rbf', sigma: 1, lambda: 0.01 }, prior: 'binary' },
    { n: 24, v: 2, d: 8, o: { t: 2, kernel: 'rbf', sigma: 3, lambda: 0.01 }, prior: 'vector' },
  ];
  for (const [k, cfg] of configs.entries()) {
    const title = `n=${cfg.n}, V=${cfg.v}, d=${cfg.d}, t=${cfg.o.t}, kernel=${cfg.o.kernel}, σ=${cfg.o.sigma}, λ=${cfg.o.lambda}, prior=${cfg.prior}`;
    for (const fn of ['decoupled_uniformity', 'du_align'] as const) {
      it(`${fn} matches the naive computation (${title})`, () => {
        const rng = makeRng(800 + k);
        const z = randomTensor3(rng, cfg.n, cfg.v, cfg.d);
        let prior: Prior | null = null;
        if (cfg.prior === 'scalar') prior = randomMatrix(rng, cfg.n, 1).map((r) => r[0]!);
        if (cfg.prior === 'vector') prior = randomMatrix(rng, cfg.n, 3);
        if (cfg.prior === 'binary')
          prior = Array.from({ length: cfg.n }, () => randomInts(rng, 4, 2));
        if (cfg.prior === 'binary' && prior) (prior as number[][])[0] = [1, 0, 1, 1]; // no all-zero row for cosine
        if (cfg.prior === 'binary' && prior) (prior as number[][])[1] = [1, 0, 1, 1]; // duplicated prior: singular K
        const params =
          fn === 'decoupled_uniformity' ? paramsOf(cfg.o) : { ...paramsOf(cfg.o), t: undefined };
        checkAgainstNaive({
          name: fn,
          inputs: { z },
          constants: { prior },
          params: Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)),
          naive: ({ z: zz }) =>
            fn === 'du_align' ? naiveDuAlign(zz, cfg.o, prior) : naiveDu(zz, cfg.o, prior),
          wrt: cfg.n <= 6 ? ['z'] : [],
          label: `${fn} (${title})`,
        });
      });
    }
  }

  it('σ → 0 (K → I) equals the prior-free loss with t/(1 + λ)²', () => {
    const rng = makeRng(820);
    const z = randomTensor3(rng, 7, 2, 4);
    const prior = [0, 1, 2, 3, 4, 5, 6];
    for (const [t, lambda] of [
      [2, 0.01],
      [1, 0.5],
      [3, 2],
    ] as const) {
      const kernelled = valueOf(
        'decoupled_uniformity',
        { z },
        { prior },
        { t, kernel: 'rbf', sigma: 0.01, lambda },
      );
      const plain = valueOf('decoupled_uniformity', { z }, {}, { t: t / (1 + lambda) ** 2 });
      expectClose(kernelled, plain, `t=${t}, λ=${lambda}`);
      const unscaled = valueOf('decoupled_uniformity', { z }, {}, { t });
      if (lambda > 0.1) expect(Math.abs(kernelled - unscaled)).toBeGreaterThan(1e-3);
    }
  });

  it('σ → ∞ (K → 11ᵀ): the loss tends to 0', () => {
    const rng = makeRng(821);
    const z = randomTensor3(rng, 6, 2, 3);
    const prior = randomMatrix(rng, 6, 2);
    const value = valueOf(
      'decoupled_uniformity',
      { z },
      { prior },
      { kernel: 'rbf', sigma: 1e4, lambda: 0.01 },
    );
    expect(Math.abs(value)).toBeLessThan(1e-4);
  });

  it('λ = 0 falls back to λ = 1/√n', () => {
    const rng = makeRng(822);
    const z = randomTensor3(rng, 9, 2, 3);
    const prior = randomMatrix(rng, 9, 2);
    const zero = valueOf(
      'decoupled_uniformity',
      { z },
      { prior },
      { kernel: 'rbf', sigma: 1, lambda: 0 },
    );
    const third = valueOf(
      'decoupled_uniformity',
      { z },
      { prior },
      { kernel: 'rbf', sigma: 1, lambda: 1 / 3 },
    );
    expectClose(zero, third, 'λ = 0 vs 1/√9');
    // Unset (null) is falsy too, for the loss and for its alignment metric.
    const unset = valueOf(
      'decoupled_uniformity',
      { z },
      { prior },
      { kernel: 'rbf', sigma: 1, lambda: null },
    );
    expectClose(unset, third, 'λ = null vs 1/√9');
    expectClose(
      valueOf('du_align', { z }, { prior }, { kernel: 'rbf', sigma: 1, lambda: null }),
      valueOf('du_align', { z }, { prior }, { kernel: 'rbf', sigma: 1, lambda: 1 / 3 }),
      'du_align λ = null vs 1/√9',
    );
  });

  it('a prior without a kernel is ignored', () => {
    const rng = makeRng(823);
    const z = randomTensor3(rng, 5, 2, 3);
    const prior = [1, 2, 3, 4, 5];
    expectClose(
      valueOf('decoupled_uniformity', { z }, { prior }, {}),
      valueOf('decoupled_uniformity', { z }, {}, {}),
      'ignored',
    );
  });

  it('du_align for V = 2 without prior equals (1/n) Σ ‖ẑ¹ − ẑ²‖²/4 − 1', () => {
    const rng = makeRng(824);
    const z = randomTensor3(rng, 8, 2, 5);
    const expected = mean(z.map(([a, b]) => sqDist(normalizeRow(a!), normalizeRow(b!)) / 4)) - 1;
    expectClose(valueOf('du_align', { z }, {}, {}), expected, 'du_align');
  });

  it('n = 1: NaN with a zero gradient, with or without a prior', () => {
    const z = [
      [
        [0.3, 0.4],
        [1, -2],
      ],
    ];
    for (const [constants, params] of [
      [{}, {}],
      [{ prior: [2] }, { kernel: 'rbf', sigma: 1 }],
    ] as const) {
      const got = evaluate('decoupled_uniformity', { z }, constants, params, ['z']);
      expect(Number.isNaN(got.value)).toBe(true);
      expect(got.grads.z!.every((g) => g === 0)).toBe(true);
    }
  });

  it('duplicated samples (identical views and priors) give identical centroids, finite gradients', () => {
    const rng = makeRng(825);
    const z = randomTensor3(rng, 5, 2, 3);
    z[3] = z[1]!.map((v) => [...v]);
    const prior = [
      [0.5, 1],
      [1, 2],
      [2, -1],
      [1, 2],
      [0, 0.3],
    ];
    const o: DuOptions = { t: 2, kernel: 'rbf', sigma: 1, lambda: 0.01 };
    const got = checkAgainstNaive({
      name: 'decoupled_uniformity',
      inputs: { z },
      constants: { prior },
      params: paramsOf(o),
      naive: ({ z: zz }) => naiveDu(zz, o, prior),
      wrt: ['z'],
    });
    expectAllFinite(got.grads.z!, 'duplicates');
    const mu = naiveCentroids(z, o, prior);
    expect(sqDist(mu[1]!, mu[3]!)).toBeLessThan(1e-20);
  });

  it('a large t gives finite values that match the naive computation', () => {
    const z = randomTensor3(makeRng(826), 6, 2, 3);
    for (const t of [0.05, 50]) {
      const got = checkAgainstNaive({
        name: 'decoupled_uniformity',
        inputs: { z },
        params: { t },
        naive: ({ z: zz }) => naiveDu(zz, { t, kernel: null, lambda: 0.01 }, null),
        wrt: ['z'],
        label: `t=${t}`,
      });
      expectAllFinite([got.value, ...got.grads.z!], `t=${t}`);
    }
  });

  it('is invariant to permuting the samples with their priors, and to permuting the views', () => {
    const rng = makeRng(827);
    const z = randomTensor3(rng, 8, 3, 4);
    const prior = randomMatrix(rng, 8, 2);
    const perm = randomPermutation(rng, 8);
    for (const params of [{}, { kernel: 'rbf', sigma: 1 }, { kernel: 'cosine' }]) {
      const a = valueOf('decoupled_uniformity', { z }, { prior }, params);
      const b = valueOf(
        'decoupled_uniformity',
        { z: permute(z, perm) },
        { prior: permute(prior, perm) },
        params,
      );
      expectClose(b, a, `samples permuted ${JSON.stringify(params)}`);
      const views = z.map((s) => [s[2]!, s[0]!, s[1]!]);
      expectClose(
        valueOf('decoupled_uniformity', { z: views }, { prior }, params),
        a,
        'views permuted',
      );
    }
  });

  it('is invariant to a rotation of the embeddings', () => {
    const rng = makeRng(828);
    const z = randomTensor3(rng, 7, 2, 5);
    const prior = randomMatrix(rng, 7, 3);
    const q = randomOrthogonal(rng, 5);
    const rotated = z.map((views) => roundF32(matMul(views, q)));
    for (const params of [{}, { kernel: 'rbf', sigma: 2 }, { kernel: 'cosine', lambda: 0.2 }]) {
      for (const fn of ['decoupled_uniformity', 'du_align']) {
        const a = valueOf(fn, { z }, { prior }, params);
        expectClose(
          valueOf(fn, { z: rotated }, { prior }, params),
          a,
          `${fn} rotated ${JSON.stringify(params)}`,
        );
      }
    }
  });

  it('an rbf prior without σ is rejected', () => {
    const z = randomTensor3(makeRng(829), 3, 2, 2);
    expect(() =>
      valueOf('decoupled_uniformity', { z }, { prior: [1, 2, 3] }, { kernel: 'rbf' }),
    ).toThrow(/sigma/);
  });
});
