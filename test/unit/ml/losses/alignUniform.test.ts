/** Wang & Isola alignment, uniformity and their weighted sum (spec B §1) against naive loops. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkAgainstNaive,
  evaluate,
  expectAllFinite,
  expectClose,
  expectGradClose,
  logSumExp,
  makeRng,
  mean,
  numericGrads,
  permute,
  randomMatrix,
  randomOrthogonal,
  randomPermutation,
  randomUnitRows,
  rotateRows,
  sqDist,
  useCpuBackend,
  valueOf,
  type Matrix,
} from '../helpers';

beforeAll(useCpuBackend);

/** L_align = (1/n) Σ_i ‖x_i − y_i‖^α. */
function naiveAlign(x: Matrix, y: Matrix, alpha: number): number {
  return mean(x.map((xi, i) => Math.pow(sqDist(xi, y[i]!), alpha / 2)));
}

/** L_unif = log((2/(n(n−1))) Σ_{i<j} exp(−t‖x_i − x_j‖²)); an empty pair set is NaN. */
function naiveUniform(x: Matrix, t: number): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const terms: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) terms.push(-t * sqDist(x[i]!, x[j]!));
  return logSumExp(terms) - Math.log((n * (n - 1)) / 2);
}

function naiveAlignUniform(
  x: Matrix,
  y: Matrix,
  alpha: number,
  t: number,
  wAlign: number,
  wUnif: number,
): number {
  return wAlign * naiveAlign(x, y, alpha) + wUnif * 0.5 * (naiveUniform(x, t) + naiveUniform(y, t));
}

describe('align', () => {
  const configs = [
    { n: 4, d: 3, alpha: 2, unit: true },
    { n: 7, d: 5, alpha: 1, unit: true },
    { n: 6, d: 4, alpha: 0.5, unit: false },
    { n: 5, d: 2, alpha: 3, unit: false },
    { n: 64, d: 16, alpha: 2, unit: true },
  ];
  for (const [k, cfg] of configs.entries()) {
    it(`matches the naive loop (n=${cfg.n}, d=${cfg.d}, α=${cfg.alpha}, unit rows=${cfg.unit})`, () => {
      const rng = makeRng(700 + k);
      const draw = () =>
        cfg.unit ? randomUnitRows(rng, cfg.n, cfg.d) : randomMatrix(rng, cfg.n, cfg.d);
      const x = draw();
      const y = draw();
      checkAgainstNaive({
        name: 'align',
        inputs: { x, y },
        params: { alpha: cfg.alpha },
        naive: ({ x: a, y: b }) => naiveAlign(a, b, cfg.alpha),
        wrt: cfg.n <= 8 ? ['x', 'y'] : [],
      });
    });
  }

  it('x = y: value 0 and gradient 0 (α = 2 and α = 1)', () => {
    const x = randomUnitRows(makeRng(710), 5, 3);
    for (const alpha of [2, 1]) {
      const got = evaluate('align', { x, y: x }, {}, { alpha }, ['x', 'y']);
      expect(got.value).toBe(0);
      expect([...got.grads.x!, ...got.grads.y!].every((g) => g === 0)).toBe(true);
    }
  });

  it('α = 1 with one identical pair: that pair gets 0, the others match finite differences', () => {
    const rng = makeRng(711);
    const x = randomUnitRows(rng, 4, 3);
    const y = randomUnitRows(rng, 4, 3);
    y[2] = [...x[2]!];
    const got = evaluate('align', { x, y }, {}, { alpha: 1 }, ['x', 'y']);
    expectClose(got.value, naiveAlign(x, y, 1), 'α = 1');
    const numeric = numericGrads(({ x: a, y: b }) => naiveAlign(a, b, 1), { x, y }, ['x', 'y']);
    for (const key of ['x', 'y'] as const) {
      const g = got.grads[key]!;
      expect(g.slice(6, 9).every((v) => v === 0)).toBe(true);
      const keep = (v: number[]) => [...v.slice(0, 6), ...v.slice(9)];
      expectGradClose(keep(g), keep(numeric[key]!), `d/d${key} away from the kink`);
    }
  });

  it('is invariant to permuting the pairs and to a rotation', () => {
    const rng = makeRng(712);
    const x = randomUnitRows(rng, 8, 4);
    const y = randomUnitRows(rng, 8, 4);
    const perm = randomPermutation(rng, 8);
    const q = randomOrthogonal(rng, 4);
    for (const alpha of [2, 1]) {
      const a = valueOf('align', { x, y }, {}, { alpha });
      expectClose(
        valueOf('align', { x: permute(x, perm), y: permute(y, perm) }, {}, { alpha }),
        a,
        'permuted',
      );
      expectClose(
        valueOf('align', { x: rotateRows(x, q), y: rotateRows(y, q) }, {}, { alpha }),
        a,
        'rotated',
      );
    }
  });
});

describe('uniform', () => {
  const configs = [
    { n: 2, d: 3, t: 2, unit: true },
    { n: 5, d: 3, t: 2, unit: true },
    { n: 8, d: 4, t: 0.5, unit: false },
    { n: 6, d: 2, t: 10, unit: true },
    { n: 7, d: 8, t: 40, unit: false },
    { n: 128, d: 32, t: 2, unit: true },
  ];
  for (const [k, cfg] of configs.entries()) {
    it(`matches the naive loop (n=${cfg.n}, d=${cfg.d}, t=${cfg.t}, unit rows=${cfg.unit})`, () => {
      const rng = makeRng(720 + k);
      const x = cfg.unit ? randomUnitRows(rng, cfg.n, cfg.d) : randomMatrix(rng, cfg.n, cfg.d);
      const got = checkAgainstNaive({
        name: 'uniform',
        inputs: { x },
        params: { t: cfg.t },
        naive: ({ x: a }) => naiveUniform(a, cfg.t),
        wrt: cfg.n <= 8 ? ['x'] : [],
      });
      expectAllFinite([got.value], 'uniform');
    });
  }

  it('n = 2 gives −t‖x₀ − x₁‖²', () => {
    const x = randomMatrix(makeRng(730), 2, 4);
    expectClose(valueOf('uniform', { x }, {}, { t: 3 }), -3 * sqDist(x[0]!, x[1]!), 'n = 2');
  });

  it('n = 1: NaN with a zero gradient', () => {
    const x = [[0.6, -0.8]];
    const got = evaluate('uniform', { x }, {}, { t: 2 }, ['x']);
    expect(Number.isNaN(got.value)).toBe(true);
    expect(got.grads.x!.every((v) => v === 0)).toBe(true);
  });

  it('duplicated rows: the pair contributes exp(0) = 1 and no gradient', () => {
    const rng = makeRng(731);
    const x = randomUnitRows(rng, 5, 3);
    x[3] = [...x[1]!];
    checkAgainstNaive({
      name: 'uniform',
      inputs: { x },
      params: { t: 2 },
      naive: ({ x: a }) => naiveUniform(a, 2),
      wrt: ['x'],
    });
  });

  it('all rows identical: value 0, gradient 0', () => {
    const row = [0.28, -0.96];
    const x = Array.from({ length: 6 }, () => [...row]);
    const got = evaluate('uniform', { x }, {}, { t: 2 }, ['x']);
    expect(Math.abs(got.value)).toBeLessThan(1e-6);
    expect(Math.max(...got.grads.x!.map(Math.abs))).toBeLessThan(1e-5);
  });

  it('lies in [−4t, 0] on the sphere', () => {
    const x = randomUnitRows(makeRng(732), 20, 3);
    for (const t of [0.5, 2, 8]) {
      const u = valueOf('uniform', { x }, {}, { t });
      expect(u).toBeLessThanOrEqual(0);
      expect(u).toBeGreaterThanOrEqual(-4 * t);
    }
  });

  it('is invariant to permuting and rotating the rows', () => {
    const rng = makeRng(733);
    const x = randomMatrix(rng, 9, 4);
    const a = valueOf('uniform', { x }, {}, { t: 1.5 });
    expectClose(
      valueOf('uniform', { x: permute(x, randomPermutation(rng, 9)) }, {}, { t: 1.5 }),
      a,
      'permuted',
    );
    expectClose(
      valueOf('uniform', { x: rotateRows(x, randomOrthogonal(rng, 4)) }, {}, { t: 1.5 }),
      a,
      'rotated',
    );
  });
});

describe('align_uniform', () => {
  const configs = [
    { n: 4, d: 3, alpha: 2, t: 2, wAlign: 1, wUnif: 1 },
    { n: 6, d: 4, alpha: 1, t: 1, wAlign: 0.5, wUnif: 3 },
    { n: 32, d: 8, alpha: 2, t: 5, wAlign: 2, wUnif: 0 },
  ];
  for (const [k, cfg] of configs.entries()) {
    it(`matches the naive objective (n=${cfg.n}, α=${cfg.alpha}, t=${cfg.t}, w=${cfg.wAlign}/${cfg.wUnif})`, () => {
      const rng = makeRng(740 + k);
      const x = randomUnitRows(rng, cfg.n, cfg.d);
      const y = randomUnitRows(rng, cfg.n, cfg.d);
      checkAgainstNaive({
        name: 'align_uniform',
        inputs: { x, y },
        params: { alpha: cfg.alpha, t: cfg.t, w_align: cfg.wAlign, w_unif: cfg.wUnif },
        naive: ({ x: a, y: b }) => naiveAlignUniform(a, b, cfg.alpha, cfg.t, cfg.wAlign, cfg.wUnif),
        wrt: cfg.n <= 8 ? ['x', 'y'] : [],
        scale: Math.max(1, cfg.wAlign, cfg.wUnif),
      });
    });
  }

  it('computes uniformity within each view, never on the concatenation', () => {
    const rng = makeRng(745);
    const x = randomUnitRows(rng, 6, 3);
    const y = randomUnitRows(rng, 6, 3);
    const got = valueOf('align_uniform', { x, y }, {}, { w_align: 0, w_unif: 1 });
    expectClose(got, 0.5 * (naiveUniform(x, 2) + naiveUniform(y, 2)), 'per view');
    expect(Math.abs(got - naiveUniform([...x, ...y], 2))).toBeGreaterThan(1e-3);
  });

  it('is invariant to permuting the pairs and to a rotation', () => {
    const rng = makeRng(746);
    const x = randomUnitRows(rng, 8, 4);
    const y = randomUnitRows(rng, 8, 4);
    const perm = randomPermutation(rng, 8);
    const q = randomOrthogonal(rng, 4);
    const a = valueOf('align_uniform', { x, y });
    expectClose(
      valueOf('align_uniform', { x: permute(x, perm), y: permute(y, perm) }),
      a,
      'permuted',
    );
    expectClose(
      valueOf('align_uniform', { x: rotateRows(x, q), y: rotateRows(y, q) }),
      a,
      'rotated',
    );
  });
});
