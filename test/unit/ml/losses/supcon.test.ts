/**
 * NT-Xent, SupCon (L_out, L_in), ε-SupInfoNCE (out, in) and ε-SupCon (spec A §1–3) against naive
 * per-anchor loops written from the spec, plus invariances, edge cases and the relations of the spec.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkAgainstNaive,
  evaluate,
  expectAllFinite,
  expectClose,
  logSumExp,
  logitMatrix,
  makeRng,
  mean,
  permute,
  permuteViewMajor,
  randomInts,
  randomMatrix,
  randomOrthogonal,
  randomPermutation,
  rotateRows,
  sum,
  useCpuBackend,
  valueOf,
  type Matrix,
} from '../helpers';

beforeAll(useCpuBackend);

// ---------------------------------------------------------------------------------------------
// Naive float64 reference loops, written from spec A §0–3.

interface Batch {
  features: Matrix;
  nViews: number;
  labels: number[] | null;
}

/** P(a) and N(a) of spec A §0: b ≠ a, same label (or same sample without labels). */
function sets(batch: Batch): { pos: number[][]; neg: number[][] } {
  const m = batch.features.length;
  const n = m / batch.nViews;
  const pos: number[][] = [];
  const neg: number[][] = [];
  for (let a = 0; a < m; a++) {
    const p: number[] = [];
    const q: number[] = [];
    for (let b = 0; b < m; b++) {
      if (b === a) continue;
      const same = batch.labels ? batch.labels[a % n] === batch.labels[b % n] : a % n === b % n;
      (same ? p : q).push(b);
    }
    pos.push(p);
    neg.push(q);
  }
  return { pos, neg };
}

/** Spec A §1: ℓ_a = −s_aa' + LSE_{b≠a} s_ab, a' = (a + N) mod 2N. */
function naiveNtXent(x: Matrix, tau: number, normalize: boolean, reduction = 'mean'): number {
  const s = logitMatrix(x, tau, normalize);
  const m = x.length;
  const n = m / 2;
  let total = 0;
  for (let a = 0; a < m; a++) {
    const others = s[a]!.filter((_, b) => b !== a);
    total += -s[a]![(a + n) % m]! + logSumExp(others);
  }
  const meanLoss = total / m;
  return reduction === 'mean' ? meanLoss : 2 * meanLoss;
}

/** Spec A §2, per anchor (an anchor without positive contributes 0). */
function naiveSupConPerAnchor(
  batch: Batch,
  tau: number,
  tauB: number,
  variant: string,
  normalize: boolean,
): number[] {
  const s = logitMatrix(batch.features, tau, normalize);
  const { pos } = sets(batch);
  const c = tau / tauB;
  return s.map((row, a) => {
    const p = pos[a]!;
    if (p.length === 0) return 0;
    const all = logSumExp(row.filter((_, b) => b !== a));
    if (variant === 'out') return (-c / p.length) * sum(p.map((b) => row[b]! - all));
    return -c * (logSumExp(p.map((b) => row[b]!)) - Math.log(p.length) - all);
  });
}

function naiveSupCon(
  batch: Batch,
  tau: number,
  tauB: number,
  variant: string,
  normalize: boolean,
): number {
  return mean(naiveSupConPerAnchor(batch, tau, tauB, variant, normalize));
}

interface EpsOptions {
  tau: number;
  tauB: number;
  eps: number;
  normalize: boolean;
  logEps: number;
  form: 'out' | 'in';
  /** The ε-SupCon denominator (every positive, scaled by ω). */
  supcon?: boolean;
  /** m_a frozen at these values (it carries no gradient in the spec); default: the current row max. */
  rowMax?: number[];
}

/** Spec A §3: ε-SupInfoNCE (out / in) and ε-SupCon, with η_a = logEps·e^{m_a}. */
function naiveEps(batch: Batch, o: EpsOptions): number {
  const s = logitMatrix(batch.features, o.tau, o.normalize);
  const { pos, neg } = sets(batch);
  const c = o.tau / o.tauB;
  const omega = Math.exp(-o.eps);
  const perAnchor = s.map((row, a) => {
    const p = pos[a]!;
    const shift = Math.max(...row); // cancels exactly; only for a stable evaluation
    const eta = o.logEps * Math.exp((o.rowMax ? o.rowMax[a]! : Math.max(...row)) - shift);
    const negSum = sum(neg[a]!.map((b) => Math.exp(row[b]! - shift)));
    const posSum = sum(p.map((b) => Math.exp(row[b]! - shift)));
    if (o.form === 'in') {
      const denominator = shift + Math.log((omega / Math.max(p.length, 1)) * posSum + negSum);
      return -c * (logSumExp(p.map((b) => row[b]!)) - denominator);
    }
    let total = 0;
    for (const b of p) {
      const own = o.supcon ? omega * posSum : omega * Math.exp(row[b]! - shift);
      total += row[b]! - (shift + Math.log(own + negSum + eta));
    }
    return (-c / Math.max(p.length, 1)) * total;
  });
  return mean(perAnchor);
}

function rowMaxes(batch: Batch, tau: number, normalize: boolean): number[] {
  return logitMatrix(batch.features, tau, normalize).map((row) => Math.max(...row));
}

// ---------------------------------------------------------------------------------------------

describe('nt_xent', () => {
  const shapes = [
    { n: 3, d: 2 },
    { n: 6, d: 5 },
    { n: 12, d: 8 },
  ];
  for (const [k, { n, d }] of shapes.entries()) {
    for (const normalize of [true, false]) {
      for (const reduction of ['mean', 'sum_of_view_means'] as const) {
        it(`matches the naive loop (N=${n}, d=${d}, normalize=${normalize}, ${reduction})`, () => {
          const rng = makeRng(100 + k);
          const features = randomMatrix(rng, 2 * n, d, normalize ? 1 : 0.6);
          const tau = [0.1, 0.5, 0.07][k]!;
          checkAgainstNaive({
            name: 'nt_xent',
            inputs: { features },
            params: { temperature: tau, normalize, reduction },
            naive: ({ features: f }) => naiveNtXent(f, tau, normalize, reduction),
            wrt: n <= 6 ? ['features'] : [],
          });
        });
      }
    }
  }

  it('sum_of_view_means is twice the mean', () => {
    const features = randomMatrix(makeRng(7), 10, 4);
    const m = valueOf('nt_xent', { features }, {}, { temperature: 0.2, reduction: 'mean' });
    const s = valueOf(
      'nt_xent',
      { features },
      {},
      { temperature: 0.2, reduction: 'sum_of_view_means' },
    );
    expectClose(s, 2 * m, 'sum_of_view_means');
  });

  it('all rows identical: log(2N − 1) with zero gradient', () => {
    const row = randomMatrix(makeRng(8), 1, 5)[0]!;
    const n = 5;
    const features = Array.from({ length: 2 * n }, () => [...row]);
    const got = evaluate('nt_xent', { features }, {}, { temperature: 0.1 }, ['features']);
    expectClose(got.value, Math.log(2 * n - 1), 'identical rows');
    expect(Math.max(...got.grads.features!.map(Math.abs))).toBeLessThan(1e-4);
  });

  it('tiny and large temperatures give finite values that match the naive loop', () => {
    const features = randomMatrix(makeRng(9), 16, 6);
    for (const tau of [0.02, 10]) {
      const got = checkAgainstNaive({
        name: 'nt_xent',
        inputs: { features },
        params: { temperature: tau },
        naive: ({ features: f }) => naiveNtXent(f, tau, true),
        wrt: ['features'],
        label: `τ=${tau}`,
      });
      expectAllFinite([got.value, ...got.grads.features!], `τ=${tau}`);
    }
  });

  it('is invariant to permuting the samples (consistently in both view blocks)', () => {
    const rng = makeRng(10);
    const features = randomMatrix(rng, 14, 4);
    const perm = randomPermutation(rng, 7);
    const a = valueOf('nt_xent', { features }, {}, { temperature: 0.3 });
    const b = valueOf(
      'nt_xent',
      { features: permuteViewMajor(features, 2, perm) },
      {},
      { temperature: 0.3 },
    );
    expectClose(b, a, 'permuted');
  });

  it('is invariant to a rotation of the embeddings', () => {
    const rng = makeRng(11);
    const features = randomMatrix(rng, 12, 5);
    const q = randomOrthogonal(rng, 5);
    for (const normalize of [true, false]) {
      const params = { temperature: 0.2, normalize };
      const a = valueOf('nt_xent', { features }, {}, params);
      const b = valueOf('nt_xent', { features: rotateRows(features, q) }, {}, params);
      expectClose(b, a, `rotated, normalize=${normalize}`);
    }
  });
});

describe('supcon', () => {
  const configs = [
    { n: 5, v: 2, d: 4, classes: 3, labelled: true },
    { n: 6, v: 3, d: 3, classes: 2, labelled: true },
    { n: 9, v: 1, d: 5, classes: 3, labelled: true },
    { n: 4, v: 3, d: 4, classes: 0, labelled: false },
    { n: 16, v: 2, d: 8, classes: 5, labelled: true },
  ];
  for (const [k, cfg] of configs.entries()) {
    for (const variant of ['out', 'in'] as const) {
      for (const normalize of [true, false]) {
        it(`${variant} matches the naive loop (N=${cfg.n}, V=${cfg.v}, d=${cfg.d}, labels=${cfg.labelled}, normalize=${normalize})`, () => {
          const rng = makeRng(200 + k);
          const features = randomMatrix(rng, cfg.n * cfg.v, cfg.d, normalize ? 1 : 0.5);
          const labels = cfg.labelled ? randomInts(rng, cfg.n, cfg.classes) : null;
          const tau = [0.1, 0.07, 0.5, 0.2, 0.1][k]!;
          const tauB = 0.07;
          checkAgainstNaive({
            name: 'supcon',
            inputs: { features },
            constants: { labels },
            params: {
              temperature: tau,
              base_temperature: tauB,
              variant,
              normalize,
              n_views: cfg.v,
            },
            naive: ({ features: f }) =>
              naiveSupCon({ features: f, nViews: cfg.v, labels }, tau, tauB, variant, normalize),
            wrt: cfg.n * cfg.v <= 12 ? ['features'] : [],
          });
        });
      }
    }
  }

  it('accepts negative and non-contiguous integer labels', () => {
    const features = randomMatrix(makeRng(210), 12, 4);
    const labels = [-3, 100, -3, 7, 100, 7];
    for (const variant of ['out', 'in']) {
      checkAgainstNaive({
        name: 'supcon',
        inputs: { features },
        constants: { labels },
        params: { temperature: 0.2, variant },
        naive: ({ features: f }) =>
          naiveSupCon({ features: f, nViews: 2, labels }, 0.2, 0.07, variant, true),
      });
    }
  });

  it('an anchor without positive contributes 0 and is counted in the mean (out and in)', () => {
    const features = randomMatrix(makeRng(211), 6, 3);
    const labels = [0, 1, 0, 2, 2, 0]; // sample 1 is alone in its class, n_views = 1
    for (const variant of ['out', 'in']) {
      const perAnchor = naiveSupConPerAnchor(
        { features, nViews: 1, labels },
        0.1,
        0.07,
        variant,
        true,
      );
      expect(perAnchor[1]).toBe(0);
      const got = evaluate(
        'supcon',
        { features },
        { labels },
        { temperature: 0.1, n_views: 1, variant },
        ['features'],
      );
      expectClose(got.value, sum(perAnchor) / 6, `${variant}: mean over all 6 anchors`);
      expect(Math.abs(got.value - sum(perAnchor) / 5)).toBeGreaterThan(1e-3);
      expectAllFinite(got.grads.features!, variant);
    }
  });

  it('single class: L_in = c·log(M − 1) with zero gradient; L_out finite with a nonzero gradient', () => {
    const rng = makeRng(212);
    const features = randomMatrix(rng, 10, 4);
    const labels = [3, 3, 3, 3, 3];
    const tau = 0.1;
    const c = tau / 0.07;
    const lin = evaluate('supcon', { features }, { labels }, { temperature: tau, variant: 'in' }, [
      'features',
    ]);
    expectClose(lin.value, c * Math.log(9), 'L_in');
    expect(Math.max(...lin.grads.features!.map(Math.abs))).toBeLessThan(1e-4);
    const lout = evaluate(
      'supcon',
      { features },
      { labels },
      { temperature: tau, variant: 'out' },
      ['features'],
    );
    expectClose(
      lout.value,
      naiveSupCon({ features, nViews: 2, labels }, tau, 0.07, 'out', true),
      'L_out',
    );
    expectAllFinite(lout.grads.features!, 'L_out');
    expect(Math.max(...lout.grads.features!.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('duplicated points give finite values that match the naive loop', () => {
    const rng = makeRng(213);
    const features = randomMatrix(rng, 8, 3);
    features[5] = [...features[1]!]; // the two views of sample 1 coincide
    features[2] = [...features[0]!]; // two samples of the same class coincide
    const labels = [0, 1, 0, 1];
    for (const variant of ['out', 'in']) {
      const got = checkAgainstNaive({
        name: 'supcon',
        inputs: { features },
        constants: { labels },
        params: { temperature: 0.1, variant },
        naive: ({ features: f }) =>
          naiveSupCon({ features: f, nViews: 2, labels }, 0.1, 0.07, variant, true),
        wrt: ['features'],
      });
      expectAllFinite(got.grads.features!, variant);
    }
  });

  it('tiny and large temperatures give finite values that match the naive loop', () => {
    const rng = makeRng(214);
    const features = randomMatrix(rng, 16, 5);
    const labels = randomInts(rng, 8, 3);
    for (const tau of [0.02, 10]) {
      for (const variant of ['out', 'in']) {
        const got = checkAgainstNaive({
          name: 'supcon',
          inputs: { features },
          constants: { labels },
          params: { temperature: tau, variant },
          naive: ({ features: f }) =>
            naiveSupCon({ features: f, nViews: 2, labels }, tau, 0.07, variant, true),
          wrt: ['features'],
          label: `${variant} τ=${tau}`,
        });
        expectAllFinite([got.value, ...got.grads.features!], `${variant} τ=${tau}`);
      }
    }
  });

  it('with all labels distinct (or null) equals NT-Xent × τ/τ_b', () => {
    const rng = makeRng(215);
    const features = randomMatrix(rng, 12, 4);
    for (const tau of [0.1, 0.5]) {
      const nt = valueOf('nt_xent', { features }, {}, { temperature: tau });
      for (const labels of [[4, 1, -2, 9, 0, 3], null]) {
        const sc = valueOf(
          'supcon',
          { features },
          { labels },
          { temperature: tau, base_temperature: 0.07, variant: 'out' },
        );
        expectClose(sc, nt * (tau / 0.07), `labels=${JSON.stringify(labels)}, τ=${tau}`);
      }
    }
  });

  it('is invariant to permuting the samples with their labels', () => {
    const rng = makeRng(216);
    const features = randomMatrix(rng, 21, 4);
    const labels = randomInts(rng, 7, 3);
    const perm = randomPermutation(rng, 7);
    for (const variant of ['out', 'in']) {
      const params = { temperature: 0.1, variant, n_views: 3 };
      const a = valueOf('supcon', { features }, { labels }, params);
      const b = valueOf(
        'supcon',
        { features: permuteViewMajor(features, 3, perm) },
        { labels: permute(labels, perm) },
        params,
      );
      expectClose(b, a, `${variant} permuted`);
    }
  });

  it('is invariant to a rotation of the embeddings', () => {
    const rng = makeRng(217);
    const features = randomMatrix(rng, 12, 6);
    const labels = randomInts(rng, 6, 2);
    const q = randomOrthogonal(rng, 6);
    for (const variant of ['out', 'in']) {
      const params = { temperature: 0.2, variant };
      const a = valueOf('supcon', { features }, { labels }, params);
      const b = valueOf('supcon', { features: rotateRows(features, q) }, { labels }, params);
      expectClose(b, a, `${variant} rotated`);
    }
  });
});

describe('eps_supinfonce and eps_supcon', () => {
  const configs = [
    { n: 5, v: 2, d: 3, classes: 2, labelled: true, tau: 0.1, eps: 0.25 },
    { n: 8, v: 1, d: 4, classes: 3, labelled: true, tau: 0.5, eps: 0.5 },
    { n: 4, v: 3, d: 4, classes: 2, labelled: true, tau: 0.07, eps: -0.1 },
    { n: 4, v: 2, d: 5, classes: 0, labelled: false, tau: 0.2, eps: 0.3 },
  ];
  for (const [k, cfg] of configs.entries()) {
    for (const fn of ['eps_supinfonce', 'eps_supcon'] as const) {
      const forms = fn === 'eps_supinfonce' ? (['out', 'in'] as const) : (['out'] as const);
      for (const form of forms) {
        const logEpsValues = form === 'out' ? [0, 1e-6] : [0];
        for (const logEps of logEpsValues) {
          for (const normalize of [true, false]) {
            it(`${fn} ${form} matches the naive loop (N=${cfg.n}, V=${cfg.v}, ε=${cfg.eps}, τ=${cfg.tau}, log_eps=${logEps}, normalize=${normalize})`, () => {
              const rng = makeRng(300 + k);
              const features = randomMatrix(rng, cfg.n * cfg.v, cfg.d, normalize ? 1 : 0.5);
              // Every class at least twice, so that form `in` stays finite with one view.
              const balanced = Array.from(
                { length: cfg.n },
                (_, i) => i % Math.max(cfg.classes, 1),
              );
              const labels = cfg.labelled ? permute(balanced, randomPermutation(rng, cfg.n)) : null;
              const batch = (f: Matrix): Batch => ({ features: f, nViews: cfg.v, labels });
              const options: EpsOptions = {
                tau: cfg.tau,
                tauB: 0.07,
                eps: cfg.eps,
                normalize,
                logEps,
                form,
                supcon: fn === 'eps_supcon',
              };
              const frozen = rowMaxes(batch(features), cfg.tau, normalize);
              checkAgainstNaive({
                name: fn,
                inputs: { features },
                constants: { labels },
                params: {
                  temperature: cfg.tau,
                  base_temperature: 0.07,
                  epsilon: cfg.eps,
                  form,
                  log_eps_after_shift: logEps,
                  normalize,
                  n_views: cfg.v,
                },
                naive: ({ features: f }) => naiveEps(batch(f), options),
                // m_a carries no gradient: hold it at its value for the finite differences.
                naiveForGrad: ({ features: f }) =>
                  naiveEps(batch(f), { ...options, rowMax: frozen }),
                wrt: ['features'],
              });
            });
          }
        }
      }
    }
  }

  it('an anchor without positive: out contributes 0 (counted), in gives +Infinity', () => {
    const features = randomMatrix(makeRng(310), 6, 3);
    const labels = [0, 1, 0, 2, 2, 0];
    const params = { temperature: 0.1, epsilon: 0.2, n_views: 1 };
    for (const fn of ['eps_supinfonce', 'eps_supcon']) {
      const out = evaluate(fn, { features }, { labels }, { ...params, form: 'out' }, ['features']);
      const options: EpsOptions = {
        tau: 0.1,
        tauB: 0.07,
        eps: 0.2,
        normalize: true,
        logEps: 0,
        form: 'out',
        supcon: fn === 'eps_supcon',
      };
      expectClose(out.value, naiveEps({ features, nViews: 1, labels }, options), `${fn} out`);
      expectAllFinite(out.grads.features!, `${fn} out`);
    }
    const inf = valueOf('eps_supinfonce', { features }, { labels }, { ...params, form: 'in' });
    expect(inf).toBe(Number.POSITIVE_INFINITY);
  });

  it('ε-SupInfoNCE, single class, exact: out = −c·ε with zero gradient; in = −c·(ε + log(M − 1))', () => {
    const features = randomMatrix(makeRng(311), 10, 4);
    const labels = [1, 1, 1, 1, 1];
    const tau = 0.1;
    const eps = 0.3;
    const c = tau / 0.07;
    const out = evaluate(
      'eps_supinfonce',
      { features },
      { labels },
      { temperature: tau, epsilon: eps },
      ['features'],
    );
    expectClose(out.value, -c * eps, 'out');
    expect(Math.max(...out.grads.features!.map(Math.abs))).toBeLessThan(1e-4);
    const lin = valueOf(
      'eps_supinfonce',
      { features },
      { labels },
      { temperature: tau, epsilon: eps, form: 'in' },
    );
    expectClose(lin, -c * (eps + Math.log(9)), 'in');
  });

  it('single class with the official η: not constant, and as the naive loop says', () => {
    const rng = makeRng(312);
    const labels = [2, 2, 2, 2];
    const tau = 0.07;
    const values = [0, 1].map(() => {
      const features = randomMatrix(rng, 8, 3);
      const options: EpsOptions = {
        tau,
        tauB: 0.07,
        eps: 0.1,
        normalize: true,
        logEps: 1e-6,
        form: 'out',
      };
      const got = valueOf(
        'eps_supinfonce',
        { features },
        { labels },
        { temperature: tau, epsilon: 0.1, log_eps_after_shift: 1e-6 },
      );
      expectClose(got, naiveEps({ features, nViews: 2, labels }, options), 'η single class');
      return got;
    });
    expect(Math.abs(values[0]! - values[1]!)).toBeGreaterThan(1e-3);
    expect(Math.abs(values[0]! - -0.1)).toBeGreaterThan(1e-3);
  });

  it('tiny and large temperatures give finite values that match the naive loop', () => {
    const rng = makeRng(313);
    const features = randomMatrix(rng, 12, 5);
    const labels = [0, 1, 2, 0, 1, 2];
    for (const tau of [0.02, 10]) {
      for (const [fn, form] of [
        ['eps_supinfonce', 'out'],
        ['eps_supinfonce', 'in'],
        ['eps_supcon', 'out'],
      ] as const) {
        const options: EpsOptions = {
          tau,
          tauB: 0.07,
          eps: 0.25,
          normalize: true,
          logEps: 0,
          form,
          supcon: fn === 'eps_supcon',
        };
        const got = checkAgainstNaive({
          name: fn,
          inputs: { features },
          constants: { labels },
          params: { temperature: tau, epsilon: 0.25, form },
          naive: ({ features: f }) => naiveEps({ features: f, nViews: 2, labels }, options),
          wrt: ['features'],
          label: `${fn} ${form} τ=${tau}`,
        });
        expectAllFinite([got.value, ...got.grads.features!], `${fn} ${form} τ=${tau}`);
      }
    }
  });

  it('ε = 0 with one positive per anchor equals NT-Xent × c (both forms)', () => {
    const features = randomMatrix(makeRng(314), 14, 4);
    for (const tau of [0.1, 0.3]) {
      const nt = valueOf('nt_xent', { features }, {}, { temperature: tau });
      for (const form of ['out', 'in']) {
        for (const labels of [null, [0, 1, 2, 3, 4, 5, 6]]) {
          const eps = valueOf(
            'eps_supinfonce',
            { features },
            { labels },
            { temperature: tau, epsilon: 0, form },
          );
          expectClose(eps, nt * (tau / 0.07), `${form} τ=${tau} labels=${JSON.stringify(labels)}`);
        }
      }
    }
  });

  it('ε-SupCon with ε = 0 and no stabiliser equals SupCon L_out', () => {
    const rng = makeRng(315);
    const features = randomMatrix(rng, 16, 4);
    const labels = randomInts(rng, 8, 3);
    const a = valueOf('eps_supcon', { features }, { labels }, { temperature: 0.1, epsilon: 0 });
    const b = valueOf('supcon', { features }, { labels }, { temperature: 0.1, variant: 'out' });
    expectClose(a, b, 'ε-SupCon(ε=0) vs SupCon');
  });

  it('is invariant to permuting the samples with their labels', () => {
    const rng = makeRng(316);
    const features = randomMatrix(rng, 16, 4);
    const labels = randomInts(rng, 8, 3);
    const perm = randomPermutation(rng, 8);
    for (const [fn, form] of [
      ['eps_supinfonce', 'out'],
      ['eps_supinfonce', 'in'],
      ['eps_supcon', 'out'],
    ] as const) {
      const params = {
        temperature: 0.1,
        epsilon: 0.2,
        form,
        log_eps_after_shift: 1e-6 * Number(form === 'out'),
      };
      const a = valueOf(fn, { features }, { labels }, params);
      const b = valueOf(
        fn,
        { features: permuteViewMajor(features, 2, perm) },
        { labels: permute(labels, perm) },
        params,
      );
      expectClose(b, a, `${fn} ${form} permuted`);
    }
  });

  it('is invariant to a rotation of the embeddings', () => {
    const rng = makeRng(317);
    const features = randomMatrix(rng, 12, 5);
    const labels = randomInts(rng, 6, 2);
    const q = randomOrthogonal(rng, 5);
    for (const [fn, form] of [
      ['eps_supinfonce', 'out'],
      ['eps_supinfonce', 'in'],
      ['eps_supcon', 'out'],
    ] as const) {
      for (const normalize of [true, false]) {
        const params = {
          temperature: 0.2,
          epsilon: 0.2,
          form,
          normalize,
          log_eps_after_shift: 1e-6 * Number(form === 'out'),
        };
        const a = valueOf(fn, { features }, { labels }, params);
        const b = valueOf(fn, { features: rotateRows(features, q) }, { labels }, params);
        expectClose(b, a, `${fn} ${form} rotated`);
      }
    }
  });
});
