/** y-Aware InfoNCE (spec A §5), official (column) and row normalisation, against a naive loop. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkAgainstNaive,
  expectAllFinite,
  expectClose,
  logSumExp,
  logitMatrix,
  makeRng,
  permute,
  permuteViewMajor,
  randomMatrix,
  randomOrthogonal,
  randomPermutation,
  randomUniform,
  rotateRows,
  sqDist,
  useCpuBackend,
  valueOf,
  type Matrix,
} from '../helpers';

beforeAll(useCpuBackend);

type Metadata = number[] | number[][];

/** Spec A §5: L = −(1/N) Σ_a Σ_{b≠a} Ŵ_ab [s_ab − LSE_{c≠a} s_ac]. */
function naiveYAware(
  x: Matrix,
  metadata: Metadata,
  tau: number,
  sigma: number,
  normalize: boolean,
  weightNorm: 'official' | 'row',
): number {
  const m = x.length;
  const n = m / 2;
  const y = metadata.map((v) => (Array.isArray(v) ? v : [v]));
  const s = logitMatrix(x, tau, normalize);
  const w = Array.from({ length: m }, (_, a) =>
    Array.from({ length: m }, (_, b) =>
      a === b ? 0 : Math.exp(-sqDist(y[a % n]!, y[b % n]!) / (2 * sigma * sigma)),
    ),
  );
  const rowSum = w.map((row) => row.reduce((t, v) => t + v, 0));
  let total = 0;
  for (let a = 0; a < m; a++) {
    const lse = logSumExp(s[a]!.filter((_, c) => c !== a));
    for (let b = 0; b < m; b++) {
      if (b === a) continue;
      const wHat = w[a]![b]! / (weightNorm === 'official' ? rowSum[b]! : rowSum[a]!);
      total += wHat * (s[a]![b]! - lse);
    }
  }
  return -total / n;
}

describe('y_aware_infonce', () => {
  const configs = [
    { n: 4, d: 3, k: 0, sigma: 1, tau: 0.1 },
    { n: 6, d: 4, k: 2, sigma: 0.7, tau: 0.5 },
    { n: 16, d: 8, k: 0, sigma: 5, tau: 0.07 },
    { n: 10, d: 5, k: 3, sigma: 2, tau: 0.2 },
  ];
  for (const [i, cfg] of configs.entries()) {
    for (const weightNorm of ['official', 'row'] as const) {
      for (const normalize of [true, false]) {
        it(`${weightNorm} matches the naive loop (N=${cfg.n}, d=${cfg.d}, metadata dim=${cfg.k || 'scalar'}, σ=${cfg.sigma}, normalize=${normalize})`, () => {
          const rng = makeRng(500 + i);
          const features = randomMatrix(rng, 2 * cfg.n, cfg.d, normalize ? 1 : 0.5);
          const metadata: Metadata = cfg.k
            ? randomMatrix(rng, cfg.n, cfg.k)
            : randomUniform(rng, cfg.n, 20, 25);
          const params = {
            temperature: cfg.tau,
            sigma: cfg.sigma,
            normalize,
            weight_norm: weightNorm,
          };
          checkAgainstNaive({
            name: 'y_aware_infonce',
            inputs: { features },
            constants: { metadata },
            params,
            naive: ({ features: f }) =>
              naiveYAware(f, metadata, cfg.tau, cfg.sigma, normalize, weightNorm),
            wrt: cfg.n <= 6 ? ['features'] : [],
          });
        });
      }
    }
  }

  it('official and row normalisation differ on random metadata', () => {
    const rng = makeRng(510);
    const features = randomMatrix(rng, 12, 4);
    const metadata = randomUniform(rng, 6, 0, 4);
    const a = valueOf(
      'y_aware_infonce',
      { features },
      { metadata },
      { sigma: 1, weight_norm: 'official' },
    );
    const b = valueOf(
      'y_aware_infonce',
      { features },
      { metadata },
      { sigma: 1, weight_norm: 'row' },
    );
    expect(Math.abs(a - b)).toBeGreaterThan(1e-3);
  });

  it('σ → 0 with distinct metadata gives 2 × NT-Xent (mean)', () => {
    const rng = makeRng(511);
    const features = randomMatrix(rng, 16, 5);
    const metadata = [3, 7, 1, 9, 4, 0, 12, 5];
    for (const weightNorm of ['official', 'row']) {
      for (const tau of [0.1, 0.5]) {
        const ya = valueOf(
          'y_aware_infonce',
          { features },
          { metadata },
          { temperature: tau, sigma: 1e-3, weight_norm: weightNorm },
        );
        const nt = valueOf('nt_xent', { features }, {}, { temperature: tau });
        expectClose(ya, 2 * nt, `${weightNorm}, τ=${tau}`);
      }
    }
  });

  it('all metadata equal: uniform weights 1/(2N − 1), official and row agree', () => {
    const rng = makeRng(512);
    const features = randomMatrix(rng, 10, 3);
    const metadata = [2, 2, 2, 2, 2];
    const official = valueOf(
      'y_aware_infonce',
      { features },
      { metadata },
      { sigma: 0.5, weight_norm: 'official' },
    );
    const row = valueOf(
      'y_aware_infonce',
      { features },
      { metadata },
      { sigma: 0.5, weight_norm: 'row' },
    );
    expectClose(
      official,
      naiveYAware(features, metadata, 0.1, 0.5, true, 'official'),
      'equal metadata',
    );
    expectClose(row, official, 'row vs official');
  });

  it('duplicated points give finite values that match the naive loop', () => {
    const rng = makeRng(513);
    const features = randomMatrix(rng, 8, 3);
    features[4] = [...features[0]!];
    features[2] = [...features[1]!];
    const metadata = [1, 2, 2, 5];
    const got = checkAgainstNaive({
      name: 'y_aware_infonce',
      inputs: { features },
      constants: { metadata },
      params: { sigma: 1 },
      naive: ({ features: f }) => naiveYAware(f, metadata, 0.1, 1, true, 'official'),
      wrt: ['features'],
    });
    expectAllFinite(got.grads.features!, 'duplicates');
  });

  it('tiny and large temperatures give finite values that match the naive loop', () => {
    const rng = makeRng(514);
    const features = randomMatrix(rng, 12, 4);
    const metadata = randomUniform(rng, 6, 0, 3);
    for (const tau of [0.02, 10]) {
      const got = checkAgainstNaive({
        name: 'y_aware_infonce',
        inputs: { features },
        constants: { metadata },
        params: { temperature: tau, sigma: 1 },
        naive: ({ features: f }) => naiveYAware(f, metadata, tau, 1, true, 'official'),
        wrt: ['features'],
        label: `τ=${tau}`,
      });
      expectAllFinite([got.value, ...got.grads.features!], `τ=${tau}`);
    }
  });

  it('is invariant to permuting the samples with their metadata', () => {
    const rng = makeRng(515);
    const features = randomMatrix(rng, 16, 4);
    const metadata = randomMatrix(rng, 8, 2);
    const perm = randomPermutation(rng, 8);
    for (const weightNorm of ['official', 'row']) {
      const params = { sigma: 1.5, weight_norm: weightNorm };
      const a = valueOf('y_aware_infonce', { features }, { metadata }, params);
      const b = valueOf(
        'y_aware_infonce',
        { features: permuteViewMajor(features, 2, perm) },
        { metadata: permute(metadata, perm) },
        params,
      );
      expectClose(b, a, `${weightNorm} permuted`);
    }
  });

  it('is invariant to a rotation of the embeddings', () => {
    const rng = makeRng(516);
    const features = randomMatrix(rng, 12, 5);
    const metadata = randomUniform(rng, 6, 0, 3);
    const q = randomOrthogonal(rng, 5);
    for (const normalize of [true, false]) {
      const params = { sigma: 1, normalize, temperature: 0.3 };
      const a = valueOf('y_aware_infonce', { features }, { metadata }, params);
      const b = valueOf(
        'y_aware_infonce',
        { features: rotateRows(features, q) },
        { metadata },
        params,
      );
      expectClose(b, a, `rotated, normalize=${normalize}`);
    }
  });
});
