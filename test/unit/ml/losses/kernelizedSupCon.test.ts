/**
 * KernelizedSupCon (spec A §6), methods supcon / yaware / threshold / expw (rowmax and none), against
 * a naive loop with the threshold counts as a literal triple loop.
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
  randomUniform,
  rotateRows,
  useCpuBackend,
  valueOf,
  type Matrix,
} from '../helpers';

beforeAll(useCpuBackend);

type Method = 'supcon' | 'yaware' | 'threshold' | 'expw';
type Kernel = 'gaussian' | 'rbf' | 'cauchy' | null;

interface KscOptions {
  method: Method;
  kernel: Kernel;
  sigma: number;
  tau: number;
  tauB: number;
  nViews: number;
  deltaReduction: 'sum' | 'mean';
  expwShift: 'rowmax' | 'none';
  normalize: boolean;
  /** m_a frozen at these values (no gradient in the spec); default: the current row max. */
  rowMax?: number[];
}

/** W over all M×M row pairs, diagonal included (spec A §6 "Kernel matrix"). */
function naiveKernel(labels: number[], o: KscOptions, m: number): Matrix {
  const n = labels.length;
  return Array.from({ length: m }, (_, a) =>
    Array.from({ length: m }, (_, b) => {
      const ya = labels[a % n]!;
      const yb = labels[b % n]!;
      const d = ya - yb;
      if (o.method === 'supcon') return ya === yb ? 1 : 0;
      switch (o.kernel) {
        case 'gaussian':
          return Math.exp(-(d * d) / (2 * o.sigma * o.sigma)) / (Math.sqrt(2 * Math.PI) * o.sigma);
        case 'rbf':
          return Math.exp(-(d * d) / (2 * o.sigma * o.sigma));
        case 'cauchy':
          return 1 / (o.sigma * d * d + 1);
        default:
          throw new Error('kernel needed');
      }
    }),
  );
}

function naiveKsc(x: Matrix, labels: number[], o: KscOptions): number {
  const m = x.length;
  const s = logitMatrix(x, o.tau, o.normalize);
  const w = naiveKernel(labels, o, m);
  const logp = (a: number, b: number): number => {
    const row = s[a]!;
    switch (o.method) {
      case 'supcon':
      case 'yaware':
        return row[b]! - logSumExp(row.filter((_, c) => c !== a));
      case 'threshold': {
        // Σ_{c≠a} C_ac e^{s_ac}, C_ac = #{k : W_ck < W_ca} (÷ M for "mean"), as a literal triple loop.
        const terms: number[] = [];
        for (let c = 0; c < m; c++) {
          if (c === a) continue;
          let count = 0;
          for (let k = 0; k < m; k++) if (w[c]![k]! < w[c]![a]!) count++;
          const weight = o.deltaReduction === 'mean' ? count / m : count;
          if (weight > 0) terms.push(Math.log(weight) + row[c]!);
        }
        return row[b]! - logSumExp(terms);
      }
      case 'expw': {
        const shift = o.expwShift === 'rowmax' ? (o.rowMax ? o.rowMax[a]! : Math.max(...row)) : 0;
        const denominator = logSumExp(
          row.flatMap((sc, c) => (c === a ? [] : [(sc - shift) * (1 - w[a]![c]!)])),
        );
        return row[b]! - shift - denominator;
      }
    }
  };
  const perAnchor: number[] = [];
  for (let a = 0; a < m; a++) {
    // Sums over all M columns, the diagonal included with weight 0 (as the official code multiplies).
    let numerator = 0;
    let denominator = 0;
    for (let b = 0; b < m; b++) {
      const wab = a === b ? 0 : w[a]![b]!;
      numerator += wab * logp(a, b);
      denominator += wab;
    }
    perAnchor.push((-(o.tau / o.tauB) * numerator) / denominator);
  }
  return mean(perAnchor);
}

function rowMaxes(x: Matrix, tau: number, normalize: boolean): number[] {
  return logitMatrix(x, tau, normalize).map((row) => Math.max(...row));
}

function paramsOf(o: KscOptions): Record<string, unknown> {
  return {
    method: o.method,
    kernel: o.kernel,
    sigma: o.sigma,
    temperature: o.tau,
    base_temperature: o.tauB,
    n_views: o.nViews,
    delta_reduction: o.deltaReduction,
    expw_shift: o.expwShift,
    normalize: o.normalize,
  };
}

const base: KscOptions = {
  method: 'yaware',
  kernel: 'gaussian',
  sigma: 1,
  tau: 0.1,
  tauB: 0.07,
  nViews: 2,
  deltaReduction: 'sum',
  expwShift: 'rowmax',
  normalize: true,
};

/** Labels suited to a method: integer bins (supcon), integer ages (threshold), real ages (others). */
function labelsFor(method: Method, rng: () => number, n: number): number[] {
  if (method === 'supcon')
    return permute(
      Array.from({ length: n }, (_, i) => i % 3),
      randomPermutation(rng, n),
    );
  if (method === 'threshold') return randomInts(rng, n, 11).map((a) => 20 + a);
  return randomUniform(rng, n, 20, 30);
}

describe('kernelized_supcon', () => {
  const variants: Partial<KscOptions>[] = [
    { method: 'supcon', kernel: null },
    { method: 'yaware', kernel: 'gaussian', sigma: 2 },
    { method: 'yaware', kernel: 'rbf', sigma: 3 },
    { method: 'yaware', kernel: 'cauchy', sigma: 0.2 },
    { method: 'threshold', kernel: 'gaussian', sigma: 2, deltaReduction: 'sum' },
    { method: 'threshold', kernel: 'rbf', sigma: 3, deltaReduction: 'mean' },
    { method: 'threshold', kernel: 'cauchy', sigma: 1, deltaReduction: 'sum' },
    { method: 'expw', kernel: 'gaussian', sigma: 2, expwShift: 'rowmax' },
    { method: 'expw', kernel: 'gaussian', sigma: 0.25, expwShift: 'rowmax' },
    { method: 'expw', kernel: 'rbf', sigma: 3, expwShift: 'none' },
    { method: 'expw', kernel: 'cauchy', sigma: 0.5, expwShift: 'rowmax' },
    { method: 'expw', kernel: 'rbf', sigma: 2, expwShift: 'none' },
  ];
  const shapes = [
    { n: 5, v: 2, d: 3 },
    { n: 6, v: 1, d: 4 },
    { n: 4, v: 3, d: 3 },
    { n: 16, v: 2, d: 8 },
  ];
  for (const [i, variant] of variants.entries()) {
    for (const [j, shape] of shapes.entries()) {
      for (const normalize of [true, false]) {
        const o: KscOptions = {
          ...base,
          ...variant,
          nViews: shape.v,
          normalize,
          tau: [0.1, 0.5, 0.07, 0.2][j]!,
        };
        const title = `${o.method}/${o.kernel}/${o.method === 'threshold' ? o.deltaReduction : o.expwShift} σ=${o.sigma}`;
        it(`${title} matches the naive loop (N=${shape.n}, V=${shape.v}, d=${shape.d}, normalize=${normalize})`, () => {
          const rng = makeRng(600 + 10 * i + j);
          const features = randomMatrix(rng, shape.n * shape.v, shape.d, normalize ? 1 : 0.5);
          let labels = labelsFor(o.method, rng, shape.n);
          // One view: keep drawing until the official loss is finite (a threshold anchor can have every C_ac = 0).
          while (!Number.isFinite(naiveKsc(features, labels, o)))
            labels = labelsFor(o.method, rng, shape.n);
          const frozen = rowMaxes(features, o.tau, normalize);
          checkAgainstNaive({
            name: 'kernelized_supcon',
            inputs: { features },
            constants: { labels },
            params: paramsOf(o),
            naive: ({ features: f }) => naiveKsc(f, labels, o),
            naiveForGrad: ({ features: f }) => naiveKsc(f, labels, { ...o, rowMax: frozen }),
            wrt: shape.n * shape.v <= 12 ? ['features'] : [],
            label: title,
          });
        });
      }
    }
  }

  it('expw: the max-shift is part of the definition (rowmax differs from none)', () => {
    const rng = makeRng(650);
    const features = randomMatrix(rng, 10, 3);
    const labels = randomUniform(rng, 5, 20, 30);
    const a = valueOf(
      'kernelized_supcon',
      { features },
      { labels },
      paramsOf({ ...base, method: 'expw', sigma: 2 }),
    );
    const b = valueOf(
      'kernelized_supcon',
      { features },
      { labels },
      paramsOf({ ...base, method: 'expw', sigma: 2, expwShift: 'none' }),
    );
    expect(Math.abs(a - b)).toBeGreaterThan(1e-3);
  });

  it('threshold with all labels equal: every C_ac = 0, NaN', () => {
    const features = randomMatrix(makeRng(651), 8, 3);
    const labels = [25, 25, 25, 25];
    for (const deltaReduction of ['sum', 'mean'] as const) {
      const o: KscOptions = { ...base, method: 'threshold', kernel: 'rbf', deltaReduction };
      expect(Number.isNaN(naiveKsc(features, labels, o))).toBe(true);
      expect(
        Number.isNaN(valueOf('kernelized_supcon', { features }, { labels }, paramsOf(o))),
      ).toBe(true);
    }
  });

  it('threshold with one view: an anchor farthest from every other one gives NaN', () => {
    const features = randomMatrix(makeRng(652), 4, 3);
    const labels = [20, 21, 22, 40];
    const o: KscOptions = { ...base, method: 'threshold', kernel: 'rbf', sigma: 5, nViews: 1 };
    expect(Number.isNaN(naiveKsc(features, labels, o))).toBe(true);
    expect(Number.isNaN(valueOf('kernelized_supcon', { features }, { labels }, paramsOf(o)))).toBe(
      true,
    );
  });

  it('supcon method with one view and a singleton bin: 0/0 = NaN', () => {
    const features = randomMatrix(makeRng(653), 5, 3);
    const labels = [0, 1, 0, 2, 2];
    const o: KscOptions = { ...base, method: 'supcon', kernel: null, nViews: 1 };
    expect(Number.isNaN(valueOf('kernelized_supcon', { features }, { labels }, paramsOf(o)))).toBe(
      true,
    );
  });

  it('all labels equal is fine for yaware and expw', () => {
    const features = randomMatrix(makeRng(654), 8, 3);
    const labels = [30, 30, 30, 30];
    for (const method of ['yaware', 'expw'] as const) {
      const o: KscOptions = { ...base, method, kernel: 'gaussian', sigma: 1 };
      const got = checkAgainstNaive({
        name: 'kernelized_supcon',
        inputs: { features },
        constants: { labels },
        params: paramsOf(o),
        naive: ({ features: f }) => naiveKsc(f, labels, o),
        wrt: ['features'],
        label: method,
      });
      expectAllFinite([got.value, ...got.grads.features!], method);
    }
  });

  it('yaware with the rbf kernel equals y_aware_infonce (row) / 2 × τ/τ_b', () => {
    const rng = makeRng(655);
    const features = randomMatrix(rng, 14, 4);
    const ages = randomUniform(rng, 7, 20, 30);
    for (const [tau, sigma, normalize] of [
      [0.1, 2, true],
      [0.5, 1, false],
    ] as const) {
      const ksc = valueOf(
        'kernelized_supcon',
        { features },
        { labels: ages },
        paramsOf({ ...base, kernel: 'rbf', sigma, tau, normalize }),
      );
      const ya = valueOf(
        'y_aware_infonce',
        { features },
        { metadata: ages },
        { temperature: tau, sigma, normalize, weight_norm: 'row' },
      );
      expectClose(ksc, (ya / 2) * (tau / 0.07), `τ=${tau}, σ=${sigma}`);
    }
  });

  it('duplicated points give finite values that match the naive loop', () => {
    const rng = makeRng(656);
    const features = randomMatrix(rng, 10, 3);
    features[5] = [...features[0]!];
    features[3] = [...features[1]!];
    const labels = [21, 24, 22, 27, 25];
    for (const method of ['supcon', 'yaware', 'threshold', 'expw'] as const) {
      const o: KscOptions = {
        ...base,
        method,
        kernel: method === 'supcon' ? null : 'rbf',
        sigma: 2,
      };
      const ages = method === 'supcon' ? [0, 1, 0, 1, 2] : labels;
      const got = checkAgainstNaive({
        name: 'kernelized_supcon',
        inputs: { features },
        constants: { labels: ages },
        params: paramsOf(o),
        naive: ({ features: f }) => naiveKsc(f, ages, o),
        wrt: ['features'],
        label: method,
      });
      expectAllFinite(got.grads.features!, method);
    }
  });

  it('tiny and large temperatures give finite values that match the naive loop', () => {
    const rng = makeRng(657);
    const features = randomMatrix(rng, 12, 4);
    const ages = randomInts(rng, 6, 10).map((a) => 20 + a);
    for (const tau of [0.02, 10]) {
      for (const method of ['supcon', 'yaware', 'threshold', 'expw'] as const) {
        const o: KscOptions = {
          ...base,
          method,
          kernel: method === 'supcon' ? null : 'gaussian',
          sigma: 3,
          tau,
        };
        const labels = method === 'supcon' ? [0, 1, 2, 0, 1, 2] : ages;
        const got = checkAgainstNaive({
          name: 'kernelized_supcon',
          inputs: { features },
          constants: { labels },
          params: paramsOf(o),
          naive: ({ features: f }) => naiveKsc(f, labels, o),
          wrt: ['features'],
          label: `${method} τ=${tau}`,
        });
        expectAllFinite([got.value, ...got.grads.features!], `${method} τ=${tau}`);
      }
    }
  });

  it('is invariant to permuting the samples with their labels', () => {
    const rng = makeRng(658);
    const features = randomMatrix(rng, 16, 4);
    const ages = randomInts(rng, 8, 10).map((a) => 20 + a);
    const perm = randomPermutation(rng, 8);
    for (const method of ['supcon', 'yaware', 'threshold', 'expw'] as const) {
      const o: KscOptions = {
        ...base,
        method,
        kernel: method === 'supcon' ? null : 'rbf',
        sigma: 2,
      };
      const labels = method === 'supcon' ? ages.map((a) => a % 3) : ages;
      const a = valueOf('kernelized_supcon', { features }, { labels }, paramsOf(o));
      const b = valueOf(
        'kernelized_supcon',
        { features: permuteViewMajor(features, 2, perm) },
        { labels: permute(labels, perm) },
        paramsOf(o),
      );
      expectClose(b, a, `${method} permuted`);
    }
  });

  it('is invariant to a rotation of the embeddings', () => {
    const rng = makeRng(659);
    const features = randomMatrix(rng, 12, 5);
    const ages = randomInts(rng, 6, 10).map((a) => 20 + a);
    const q = randomOrthogonal(rng, 5);
    for (const method of ['supcon', 'yaware', 'threshold', 'expw'] as const) {
      for (const normalize of [true, false]) {
        const o: KscOptions = {
          ...base,
          method,
          kernel: method === 'supcon' ? null : 'cauchy',
          sigma: 0.5,
          normalize,
        };
        const labels = method === 'supcon' ? ages.map((a) => a % 2) : ages;
        const a = valueOf('kernelized_supcon', { features }, { labels }, paramsOf(o));
        const b = valueOf(
          'kernelized_supcon',
          { features: rotateRows(features, q) },
          { labels },
          paramsOf(o),
        );
        expectClose(b, a, `${method} rotated, normalize=${normalize}`);
      }
    }
  });

  it('a kernel method without a kernel is rejected', () => {
    const features = randomMatrix(makeRng(660), 4, 2);
    expect(() =>
      evaluate(
        'kernelized_supcon',
        { features },
        { labels: [1, 2] },
        { method: 'yaware', kernel: null },
      ),
    ).toThrow(/kernel/);
  });

  it('sigma may be null where the method uses no kernel (supcon), and not otherwise', () => {
    const features = randomMatrix(makeRng(661), 4, 2);
    const labels = { labels: [1, 2] };
    const withNull = { method: 'supcon', kernel: null, sigma: null };
    const withOne = { method: 'supcon', kernel: null, sigma: 1 };
    expect(valueOf('kernelized_supcon', { features }, labels, withNull)).toBe(
      valueOf('kernelized_supcon', { features }, labels, withOne),
    );
    expect(() =>
      evaluate('kernelized_supcon', { features }, labels, { method: 'expw', sigma: null }),
    ).toThrow(/need a kernel and a sigma/);
  });
});
