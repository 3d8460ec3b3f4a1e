/** FairKL (spec A §4) against a naive loop over the four groups, with its edge cases and invariances. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkAgainstNaive,
  dot,
  evaluate,
  expectAllFinite,
  expectClose,
  makeRng,
  normalizeRow,
  permute,
  randomInts,
  randomMatrix,
  randomOrthogonal,
  randomPermutation,
  rotateRows,
  useCpuBackend,
  valueOf,
  type Matrix,
} from '../helpers';

beforeAll(useCpuBackend);

/** Spec A §4, literally: group means over max(|G|, 1), unbiased std over all B² masked entries. */
function naiveFairKl(
  features: Matrix,
  labels: number[],
  bias: number[],
  temperature: number,
  kld: number,
  normalize: boolean,
): number {
  const f = normalize ? features.map((r) => normalizeRow(r)) : features;
  const b = f.length;
  const s = f.map((x) => f.map((y) => dot(x, y) / temperature));
  const stats: Record<string, { mu: number; sigma: number }> = {};
  for (const group of ['PA', 'PC', 'NA', 'NC']) {
    const masked: number[] = [];
    let total = 0;
    let count = 0;
    for (let i = 0; i < b; i++)
      for (let j = 0; j < b; j++) {
        const name = (labels[i] === labels[j] ? 'P' : 'N') + (bias[i] === bias[j] ? 'A' : 'C');
        const inGroup = name === group;
        masked.push(inGroup ? s[i]![j]! : 0);
        if (inGroup) {
          total += s[i]![j]!;
          count++;
        }
      }
    const avg = masked.reduce((a, v) => a + v, 0) / masked.length;
    const variance = masked.reduce((a, v) => a + (v - avg) ** 2, 0) / (masked.length - 1);
    stats[group] = { mu: total / Math.max(count, 1), sigma: Math.sqrt(variance) };
  }
  const { PA, PC, NA, NC } = stats as Record<
    'PA' | 'PC' | 'NA' | 'NC',
    { mu: number; sigma: number }
  >;
  return (
    (PC.mu - PA.mu) ** 2 +
    (NA.mu - NC.mu) ** 2 +
    kld * ((PA.sigma - PC.sigma) ** 2 + (NA.sigma - NC.sigma) ** 2) -
    PC.mu +
    NA.mu
  );
}

describe('fairkl', () => {
  const configs = [
    { b: 6, d: 3, classes: 2, biases: 2, temperature: 1, kld: 1 },
    { b: 10, d: 4, classes: 3, biases: 2, temperature: 0.5, kld: 0 },
    { b: 12, d: 5, classes: 2, biases: 3, temperature: 1, kld: 2.5 },
    { b: 24, d: 8, classes: 4, biases: 2, temperature: 0.2, kld: 1 },
  ];
  for (const [k, cfg] of configs.entries()) {
    for (const normalize of [true, false]) {
      it(`matches the naive loop (B=${cfg.b}, d=${cfg.d}, T=${cfg.temperature}, kld=${cfg.kld}, normalize=${normalize})`, () => {
        const rng = makeRng(400 + k);
        const features = randomMatrix(rng, cfg.b, cfg.d, normalize ? 1 : 0.5);
        const labels = randomInts(rng, cfg.b, cfg.classes);
        const bias = randomInts(rng, cfg.b, cfg.biases);
        checkAgainstNaive({
          name: 'fairkl',
          inputs: { features },
          constants: { labels, bias_labels: bias },
          params: { temperature: cfg.temperature, kld: cfg.kld, normalize },
          naive: ({ features: f }) =>
            naiveFairKl(f, labels, bias, cfg.temperature, cfg.kld, normalize),
          wrt: cfg.b <= 12 ? ['features'] : [],
        });
      });
    }
  }

  it('empty groups (a single bias value; labels equal to biases): μ = 0, σ = 0, finite gradient', () => {
    const rng = makeRng(410);
    const features = randomMatrix(rng, 8, 3);
    const labels = [0, 1, 0, 1, 1, 0, 2, 2];
    for (const bias of [[5, 5, 5, 5, 5, 5, 5, 5], [...labels]]) {
      const got = checkAgainstNaive({
        name: 'fairkl',
        inputs: { features },
        constants: { labels, bias_labels: bias },
        params: { temperature: 1, kld: 1 },
        naive: ({ features: f }) => naiveFairKl(f, labels, bias, 1, 1, true),
        wrt: ['features'],
      });
      expectAllFinite(got.grads.features!, 'empty groups');
    }
  });

  it('one class, one bias value and collapsed features: zero spread gives a finite (zero) gradient', () => {
    const row = [0.3, -1.2, 0.5];
    const features = Array.from({ length: 6 }, () => [...row]);
    const labels = [1, 1, 1, 1, 1, 1];
    const bias = [0, 0, 0, 0, 0, 0];
    for (const normalize of [true, false]) {
      const got = evaluate('fairkl', { features }, { labels, bias_labels: bias }, { normalize }, [
        'features',
      ]);
      expectClose(
        got.value,
        naiveFairKl(features, labels, bias, 1, 1, normalize),
        `normalize=${normalize}`,
      );
      expectAllFinite(got.grads.features!, `normalize=${normalize}`);
    }
  });

  it('duplicated points give finite values and gradients that match the naive loop', () => {
    const rng = makeRng(411);
    const features = randomMatrix(rng, 8, 4);
    features[3] = [...features[0]!];
    features[6] = [...features[0]!];
    const labels = [0, 1, 0, 0, 1, 1, 1, 0];
    const bias = [0, 0, 1, 1, 0, 1, 1, 0];
    checkAgainstNaive({
      name: 'fairkl',
      inputs: { features },
      constants: { labels, bias_labels: bias },
      params: { temperature: 1, kld: 1 },
      naive: ({ features: f }) => naiveFairKl(f, labels, bias, 1, 1, true),
      wrt: ['features'],
    });
  });

  it('tiny and large temperatures give finite values that match the naive loop', () => {
    const rng = makeRng(412);
    const features = randomMatrix(rng, 10, 4);
    const labels = randomInts(rng, 10, 2);
    const bias = randomInts(rng, 10, 2);
    for (const temperature of [0.02, 10]) {
      const got = checkAgainstNaive({
        name: 'fairkl',
        inputs: { features },
        constants: { labels, bias_labels: bias },
        params: { temperature, kld: 1 },
        naive: ({ features: f }) => naiveFairKl(f, labels, bias, temperature, 1, true),
        wrt: ['features'],
        label: `T=${temperature}`,
      });
      expectAllFinite([got.value, ...got.grads.features!], `T=${temperature}`);
    }
  });

  it('is invariant to permuting rows together with labels and bias labels', () => {
    const rng = makeRng(413);
    const features = randomMatrix(rng, 12, 4);
    const labels = randomInts(rng, 12, 3);
    const bias = randomInts(rng, 12, 2);
    const perm = randomPermutation(rng, 12);
    const a = valueOf('fairkl', { features }, { labels, bias_labels: bias }, {});
    const b = valueOf(
      'fairkl',
      { features: permute(features, perm) },
      { labels: permute(labels, perm), bias_labels: permute(bias, perm) },
      {},
    );
    expectClose(b, a, 'permuted');
  });

  it('is invariant to a rotation of the embeddings', () => {
    const rng = makeRng(414);
    const features = randomMatrix(rng, 12, 5);
    const labels = randomInts(rng, 12, 3);
    const bias = randomInts(rng, 12, 2);
    const q = randomOrthogonal(rng, 5);
    for (const normalize of [true, false]) {
      const a = valueOf('fairkl', { features }, { labels, bias_labels: bias }, { normalize });
      const b = valueOf(
        'fairkl',
        { features: rotateRows(features, q) },
        { labels, bias_labels: bias },
        { normalize },
      );
      expectClose(b, a, `rotated, normalize=${normalize}`);
    }
  });

  it('rejects a label list of the wrong length', () => {
    const features = randomMatrix(makeRng(415), 4, 2);
    expect(() =>
      valueOf('fairkl', { features }, { labels: [0, 1, 0], bias_labels: [0, 1, 0, 1] }, {}),
    ).toThrow(/label/);
  });
});
