/** SepCLR (spec B §4): the total, its components and the term functions against naive loops. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sepclrTerms } from '../../../../src/ml/losses/sepclr';
import {
  checkAgainstNaive,
  evaluate,
  expectAllFinite,
  expectClose,
  logSumExp,
  makeRng,
  normalizeRow,
  permute,
  randomMatrix,
  randomOrthogonal,
  randomPermutation,
  randomUniform,
  rotateRows,
  sqDist,
  take,
  useCpuBackend,
  valueOf,
  type Matrix,
} from '../helpers';

beforeAll(useCpuBackend);

// ---------------------------------------------------------------------------------------------
// Naive building blocks of spec B §4.3 (τ is a variance: kernels are exp(−‖·‖²/(2τ))).

/** A_τ(X, Y; I) = (1/|I|) Σ_{i∈I} ‖x_i − y_i‖²/(2τ); an empty I is NaN. */
function naiveAlign(
  x: Matrix,
  y: Matrix,
  tau: number,
  rows: number[] = x.map((_, i) => i),
): number {
  if (rows.length === 0) return Number.NaN;
  return rows.reduce((s, i) => s + sqDist(x[i]!, y[i]!) / (2 * tau), 0) / rows.length;
}

/** U_τ(X) = log((2/(n(n−1))) Σ_{i<j} exp(−‖x_i − x_j‖²/(2τ))). */
function naiveUniform(x: Matrix, tau: number): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const terms: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) terms.push(-sqDist(x[i]!, x[j]!) / (2 * tau));
  return logSumExp(terms) - Math.log((n * (n - 1)) / 2);
}

/** J_τ(C, S) = (1/n) Σ_i log((1/n) Σ_j exp(−‖c_i−c_j‖²/(2τ))·exp(−‖s_i−s_j‖²/(2τ))), j = i included. */
function naiveJem(c: Matrix, s: Matrix, tau: number): number {
  const n = c.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let inner = 0;
    for (let j = 0; j < n; j++)
      inner +=
        Math.exp(-sqDist(c[i]!, c[j]!) / (2 * tau)) * Math.exp(-sqDist(s[i]!, s[j]!) / (2 * tau));
    total += Math.log(inner / n);
  }
  return total / n;
}

/** (1/|P|) Σ_{i<j} exp(−(y_i − y_j)²/(2τ))·(x_i − x_j)², |P| = n(n−1)/2. */
function naiveSupAlign(x: number[], y: number[], tau: number): number {
  const n = x.length;
  let total = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      total += Math.exp(-((y[i]! - y[j]!) ** 2) / (2 * tau)) * (x[i]! - x[j]!) ** 2;
  return total / ((n * (n - 1)) / 2);
}

interface SepParams {
  betaSalient: number;
  betaReg: number;
  lambdaJem: number;
  tau: number;
  unifWeight: number;
}

interface Inputs {
  c1: Matrix;
  c2: Matrix;
  s1: Matrix;
  s2: Matrix;
  [key: string]: Matrix;
}

function naiveTerms(inp: Inputs, isTarget: number[], p: SepParams): Record<string, number> {
  const { tau } = p;
  const cn1 = inp.c1.map((r) => normalizeRow(r));
  const cn2 = inp.c2.map((r) => normalizeRow(r));
  const tilde = (s: Matrix) => s.map((r, i) => (isTarget[i] ? r : r.map(() => 0)));
  const st1 = tilde(inp.s1);
  const st2 = tilde(inp.s2);
  const targets = isTarget.flatMap((b, i) => (b ? [i] : []));
  const background = isTarget.flatMap((b, i) => (b ? [] : [i]));
  const zeros = inp.s1.map((r) => r.map(() => 0));
  const cmAlign = naiveAlign(cn1, cn2, tau);
  const cmUniform = 0.5 * (naiveUniform(cn1, tau) + naiveUniform(cn2, tau));
  const spAlign = naiveAlign(inp.s1, inp.s2, tau, targets);
  const spUniform = 0.5 * (naiveUniform(st1, tau) + naiveUniform(st2, tau));
  const spReg =
    0.5 * (naiveAlign(zeros, inp.s1, tau, background) + naiveAlign(zeros, inp.s2, tau, background));
  const jem = 0.5 * (naiveJem(cn1, st1, tau) + naiveJem(cn2, st2, tau));
  const cm = cmAlign + p.unifWeight * cmUniform;
  const sp = spAlign + p.unifWeight * spUniform;
  return {
    cm_align: cmAlign,
    cm_uniform: cmUniform,
    cm,
    sp_align: spAlign,
    sp_uniform: spUniform,
    sp,
    sp_reg: spReg,
    jem,
    total: cm + p.betaSalient * sp + p.betaReg * spReg + p.lambdaJem * jem,
  };
}

function paramsOf(p: SepParams): Record<string, unknown> {
  return {
    beta_salient: p.betaSalient,
    beta_reg: p.betaReg,
    lambda_jem: p.lambdaJem,
    tau: p.tau,
    unif_weight: p.unifWeight,
  };
}

function drawInputs(rng: () => number, n: number, dc: number, ds: number): Inputs {
  return {
    c1: randomMatrix(rng, n, dc),
    c2: randomMatrix(rng, n, dc),
    s1: randomMatrix(rng, n, ds, 0.7),
    s2: randomMatrix(rng, n, ds, 0.7),
  };
}

const cifar: SepParams = {
  betaSalient: 1000,
  betaReg: 1000,
  lambdaJem: 10,
  tau: 0.5,
  unifWeight: 2,
};

describe('sepclr total', () => {
  const configs: { n: number; dc: number; ds: number; p: SepParams }[] = [
    { n: 6, dc: 3, ds: 2, p: cifar },
    {
      n: 8,
      dc: 4,
      ds: 3,
      p: { betaSalient: 1, betaReg: 10, lambdaJem: 10, tau: 0.5, unifWeight: 2 },
    },
    {
      n: 6,
      dc: 3,
      ds: 3,
      p: { betaSalient: 2, betaReg: 3, lambdaJem: 0.5, tau: 0.3, unifWeight: 1 },
    },
    {
      n: 8,
      dc: 2,
      ds: 2,
      p: { betaSalient: 1, betaReg: 1, lambdaJem: 1, tau: 1.7, unifWeight: 2 },
    },
    { n: 32, dc: 16, ds: 8, p: cifar },
  ];
  for (const [k, cfg] of configs.entries()) {
    it(`matches the naive terms (n=${cfg.n}, dc=${cfg.dc}, ds=${cfg.ds}, τ=${cfg.p.tau}, β=${cfg.p.betaSalient}/${cfg.p.betaReg}/${cfg.p.lambdaJem})`, () => {
      const rng = makeRng(1000 + k);
      const inputs = drawInputs(rng, cfg.n, cfg.dc, cfg.ds);
      const isTarget = permute(
        Array.from({ length: cfg.n }, (_, i) => i % 2),
        randomPermutation(rng, cfg.n),
      );
      const scale = Math.max(
        1,
        cfg.p.betaSalient,
        cfg.p.betaReg,
        cfg.p.lambdaJem,
        cfg.p.unifWeight,
      );
      checkAgainstNaive({
        name: 'sepclr',
        inputs,
        constants: { is_target: isTarget },
        params: paramsOf(cfg.p),
        naive: (x) => naiveTerms(x, isTarget, cfg.p).total!,
        wrt: cfg.n <= 8 ? ['c1', 'c2', 's1', 's2'] : [],
        scale,
      });
      // Every component, through the direct function.
      const want = naiveTerms(inputs, isTarget, cfg.p);
      const tensors = {
        c1: tf.tensor2d(inputs.c1),
        c2: tf.tensor2d(inputs.c2),
        s1: tf.tensor2d(inputs.s1),
        s2: tf.tensor2d(inputs.s2),
      };
      const terms = sepclrTerms({ ...tensors, isTarget }, cfg.p);
      for (const [name, t] of Object.entries(terms))
        expectClose(take(t), want[name]!, name, name === 'total' ? scale : 1);
      tf.dispose(Object.values(tensors));
    });
  }

  it('no background sample: L_reg is an empty mean, the total is NaN, gradients stay finite', () => {
    const rng = makeRng(1010);
    const inputs = drawInputs(rng, 6, 3, 2);
    const isTarget = [1, 1, 1, 1, 1, 1];
    const got = evaluate('sepclr', inputs, { is_target: isTarget }, paramsOf(cifar), [
      'c1',
      'c2',
      's1',
      's2',
    ]);
    expect(Number.isNaN(got.value)).toBe(true);
    for (const key of ['c1', 'c2', 's1', 's2']) expectAllFinite(got.grads[key]!, key);
    // The gradient is that of the finite terms: cm + β_S·sp + λ·jem.
    const finite = (x: Inputs) => {
      const t = naiveTerms(x, isTarget, cifar);
      return t.cm! + cifar.betaSalient * t.sp! + cifar.lambdaJem * t.jem!;
    };
    checkAgainstNaive({
      name: 'sepclr',
      inputs,
      constants: { is_target: isTarget },
      params: paramsOf(cifar),
      naive: () => Number.NaN,
      naiveForGrad: finite,
      wrt: ['c1', 'c2', 's1', 's2'],
    });
  });

  it('no target sample: the salient alignment is NaN, gradients stay finite', () => {
    const rng = makeRng(1011);
    const inputs = drawInputs(rng, 5, 3, 2);
    const isTarget = [0, 0, 0, 0, 0];
    const got = evaluate('sepclr', inputs, { is_target: isTarget }, paramsOf(cifar), [
      'c1',
      'c2',
      's1',
      's2',
    ]);
    expect(Number.isNaN(got.value)).toBe(true);
    for (const key of ['c1', 'c2', 's1', 's2']) expectAllFinite(got.grads[key]!, key);
  });

  it('duplicated points give finite values that match the naive terms', () => {
    const rng = makeRng(1012);
    const inputs = drawInputs(rng, 6, 3, 2);
    inputs.c1[4] = [...inputs.c1[1]!];
    inputs.c2[4] = [...inputs.c2[1]!];
    inputs.s1[5] = [...inputs.s1[2]!];
    const isTarget = [0, 1, 1, 0, 1, 1];
    const p: SepParams = { ...cifar, betaSalient: 1, betaReg: 10 };
    const got = checkAgainstNaive({
      name: 'sepclr',
      inputs,
      constants: { is_target: isTarget },
      params: paramsOf(p),
      naive: (x) => naiveTerms(x, isTarget, p).total!,
      wrt: ['c1', 'c2', 's1', 's2'],
      scale: 10,
    });
    expectAllFinite(Object.values(got.grads).flat(), 'duplicates');
  });

  it('is invariant to permuting the images and to rotations of each space', () => {
    const rng = makeRng(1013);
    const inputs = drawInputs(rng, 8, 4, 3);
    const isTarget = [0, 1, 1, 0, 1, 0, 0, 1];
    const perm = randomPermutation(rng, 8);
    const qc = randomOrthogonal(rng, 4);
    const qs = randomOrthogonal(rng, 3);
    const p = paramsOf({ ...cifar, betaSalient: 1, betaReg: 10 });
    const a = valueOf('sepclr', inputs, { is_target: isTarget }, p);
    const permuted = Object.fromEntries(
      Object.entries(inputs).map(([k, v]) => [k, permute(v, perm)]),
    );
    expectClose(
      valueOf('sepclr', permuted, { is_target: permute(isTarget, perm) }, p),
      a,
      'permuted',
      10,
    );
    const rotated = {
      c1: rotateRows(inputs.c1, qc),
      c2: rotateRows(inputs.c2, qc),
      s1: rotateRows(inputs.s1, qs),
      s2: rotateRows(inputs.s2, qs),
    };
    expectClose(valueOf('sepclr', rotated, { is_target: isTarget }, p), a, 'rotated', 10);
  });
});

describe('sepclr terms', () => {
  for (const [k, tau] of [0.5, 0.25, 2].entries()) {
    it(`sepclr_align, sepclr_uniform, kjem match the naive loops (τ=${tau})`, () => {
      const rng = makeRng(1020 + k);
      const x = randomMatrix(rng, 6, 3);
      const y = randomMatrix(rng, 6, 3);
      const c = randomMatrix(rng, 6, 4).map((r) => normalizeRow(r).map((v) => Math.fround(v)));
      const s = randomMatrix(rng, 6, 2);
      checkAgainstNaive({
        name: 'sepclr_align',
        inputs: { x, y },
        params: { tau },
        naive: ({ x: a, y: b }) => naiveAlign(a, b, tau),
        wrt: ['x', 'y'],
      });
      checkAgainstNaive({
        name: 'sepclr_uniform',
        inputs: { x },
        params: { tau },
        naive: ({ x: a }) => naiveUniform(a, tau),
        wrt: ['x'],
      });
      checkAgainstNaive({
        name: 'kjem',
        inputs: { c, s },
        params: { tau },
        naive: ({ c: a, s: b }) => naiveJem(a, b, tau),
        wrt: ['c', 's'],
      });
    });
  }

  it('kjem of identical rows is 0 and never below −log n', () => {
    const row = [0.6, 0.8];
    const c = Array.from({ length: 5 }, () => [...row]);
    const s = Array.from({ length: 5 }, () => [0, 0]);
    expect(Math.abs(valueOf('kjem', { c, s }, {}, { tau: 0.5 }))).toBeLessThan(1e-6);
    // Far-apart salient codes of large norm: only the j = i terms (exactly 1) survive, J = −log n.
    for (let seed = 0; seed < 10; seed++) {
      const rng = makeRng(1030 + seed);
      const unit = randomMatrix(rng, 5, 3).map((r) => normalizeRow(r).map((v) => Math.fround(v)));
      const far = randomMatrix(rng, 5, 2, 100);
      const got = checkAgainstNaive({
        name: 'kjem',
        inputs: { c: unit, s: far },
        params: { tau: 0.5 },
        naive: ({ c: a, s: b }) => naiveJem(a, b, 0.5),
        label: `kjem far codes, seed ${seed}`,
      });
      expect(got.value).toBeGreaterThanOrEqual(-Math.log(5) - 1e-6);
    }
  });

  it('sepclr_uniform stays finite for far-apart salient codes (log-sum-exp, no underflow)', () => {
    const x = randomMatrix(makeRng(1031), 6, 3, 20);
    const got = checkAgainstNaive({
      name: 'sepclr_uniform',
      inputs: { x },
      params: { tau: 0.5 },
      naive: ({ x: a }) => naiveUniform(a, 0.5),
    });
    expectAllFinite([got.value], 'far codes');
  });

  for (const [k, tau] of [0.025, 5e-6, 0.5].entries()) {
    it(`sepclr_sup_align matches the naive loop (τ=${tau})`, () => {
      const rng = makeRng(1040 + k);
      const n = 8;
      const x = randomMatrix(rng, n, 1).map((r) => r[0]!);
      const metadata = tau < 1e-3 ? [0, 1, 0, 2, 1, 1, 0, 2] : randomUniform(rng, n, 0, 1);
      checkAgainstNaive({
        name: 'sepclr_sup_align',
        inputs: { x },
        constants: { metadata },
        params: { tau },
        naive: ({ x: a }) => naiveSupAlign(a, metadata, tau),
        wrt: ['x'],
      });
      // [n, 1] input gives the same value.
      expectClose(
        valueOf('sepclr_sup_align', { x: x.map((v) => [v]) }, { metadata }, { tau }),
        naiveSupAlign(x, metadata, tau),
        '[n, 1] input',
      );
    });
  }

  it('sepclr_sup_align with one row: NaN with a zero gradient', () => {
    const got = evaluate('sepclr_sup_align', { x: [0.5] }, { metadata: [1] }, { tau: 0.025 }, [
      'x',
    ]);
    expect(Number.isNaN(got.value)).toBe(true);
    expect(got.grads.x!.every((g) => g === 0)).toBe(true);
  });
});
