/** DCL, its one-way term and the weighted DCLW (spec B §3) against naive loops. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkAgainstNaive,
  dot,
  evaluate,
  expectAllFinite,
  expectClose,
  expectGradClose,
  logSumExp,
  makeRng,
  numericGrads,
  permute,
  randomMatrix,
  randomOrthogonal,
  randomPermutation,
  randomUnitRows,
  rotateRows,
  useCpuBackend,
  valueOf,
  type Matrix,
} from '../helpers';

beforeAll(useCpuBackend);

/** vMF weights w_i = 2 − n·softmax_i(⟨z¹_i, z²_i⟩/σ). */
function vmfWeights(z1: Matrix, z2: Matrix, sigma: number): number[] {
  const s = z1.map((a, i) => dot(a, z2[i]!) / sigma);
  const lse = logSumExp(s);
  return s.map((si) => 2 - z1.length * Math.exp(si - lse));
}

/** ℓ(z¹, z²) = (1/n) Σ_i [−w_i⟨z¹_i, z²_i⟩/τ + log Σ_{j≠i}(exp(⟨z¹_i, z¹_j⟩/τ) + exp(⟨z¹_i, z²_j⟩/τ))]. */
function naiveOneWay(z1: Matrix, z2: Matrix, tau: number, weights?: number[]): number {
  const n = z1.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const terms: number[] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      terms.push(dot(z1[i]!, z1[j]!) / tau, dot(z1[i]!, z2[j]!) / tau);
    }
    total += (-(weights ? weights[i]! : 1) * dot(z1[i]!, z2[i]!)) / tau + logSumExp(terms);
  }
  return total / n;
}

/** L_DCL = ℓ(z¹, z²) + ℓ(z², z¹) (a sum of the two directions); DCLW with the vMF weights. */
function naiveDcl(
  z1: Matrix,
  z2: Matrix,
  tau: number,
  sigma?: number,
  frozen?: [number[], number[]],
): number {
  const w12 = sigma === undefined ? undefined : (frozen?.[0] ?? vmfWeights(z1, z2, sigma));
  const w21 = sigma === undefined ? undefined : (frozen?.[1] ?? vmfWeights(z2, z1, sigma));
  return naiveOneWay(z1, z2, tau, w12) + naiveOneWay(z2, z1, tau, w21);
}

describe('dcl, dcl_one_way, dclw', () => {
  const configs = [
    { n: 2, d: 3, tau: 0.1, sigma: 0.5, unit: true },
    { n: 5, d: 4, tau: 0.5, sigma: 1, unit: true },
    { n: 6, d: 3, tau: 0.2, sigma: 0.3, unit: false },
    { n: 32, d: 8, tau: 0.1, sigma: 0.5, unit: true },
  ];
  for (const [k, cfg] of configs.entries()) {
    for (const fn of ['dcl', 'dcl_one_way', 'dclw'] as const) {
      it(`${fn} matches the naive loop (n=${cfg.n}, d=${cfg.d}, τ=${cfg.tau}, unit rows=${cfg.unit})`, () => {
        const rng = makeRng(900 + k);
        const draw = () =>
          cfg.unit ? randomUnitRows(rng, cfg.n, cfg.d) : randomMatrix(rng, cfg.n, cfg.d, 0.5);
        const z1 = draw();
        const z2 = draw();
        const params: Record<string, unknown> = { tau: cfg.tau };
        if (fn === 'dclw') params.sigma = cfg.sigma;
        checkAgainstNaive({
          name: fn,
          inputs: { z1, z2 },
          params,
          naive: ({ z1: a, z2: b }) =>
            fn === 'dcl_one_way'
              ? naiveOneWay(a, b, cfg.tau)
              : naiveDcl(a, b, cfg.tau, fn === 'dclw' ? cfg.sigma : undefined),
          wrt: cfg.n <= 6 ? ['z1', 'z2'] : [],
        });
      });
    }
  }

  it('dcl is the sum (not the mean) of the two directions, and symmetric', () => {
    const rng = makeRng(910);
    const z1 = randomUnitRows(rng, 6, 3);
    const z2 = randomUnitRows(rng, 6, 3);
    const ab = valueOf('dcl_one_way', { z1, z2 }, {}, { tau: 0.3 });
    const ba = valueOf('dcl_one_way', { z1: z2, z2: z1 }, {}, { tau: 0.3 });
    expectClose(valueOf('dcl', { z1, z2 }, {}, { tau: 0.3 }), ab + ba, 'sum');
    expectClose(valueOf('dcl', { z1: z2, z2: z1 }, {}, { tau: 0.3 }), ab + ba, 'symmetric');
  });

  it('dclw equals dcl when every positive has the same similarity (weights all 1)', () => {
    const rng = makeRng(911);
    const z1 = randomUnitRows(rng, 5, 3);
    const same = z1.map((r) => [...r]); // every positive similarity is ‖z¹_i‖² = 1
    expectClose(
      valueOf('dclw', { z1, z2: same }, {}, { tau: 0.2, sigma: 0.5 }),
      valueOf('dcl', { z1, z2: same }, {}, { tau: 0.2 }),
      'equal positives',
    );
  });

  it('dclw with detach_weights: same value, gradient with the weights held constant', () => {
    const rng = makeRng(912);
    const z1 = randomUnitRows(rng, 5, 3);
    const z2 = randomUnitRows(rng, 5, 3);
    const params = { tau: 0.2, sigma: 0.5 };
    const attached = evaluate('dclw', { z1, z2 }, {}, params, ['z1', 'z2']);
    const detached = evaluate('dclw', { z1, z2 }, {}, { ...params, detach_weights: true }, [
      'z1',
      'z2',
    ]);
    expectClose(detached.value, attached.value, 'value');
    const frozen: [number[], number[]] = [vmfWeights(z1, z2, 0.5), vmfWeights(z2, z1, 0.5)];
    const numeric = numericGrads(
      ({ z1: a, z2: b }) => naiveDcl(a, b, 0.2, 0.5, frozen),
      { z1, z2 },
      ['z1', 'z2'],
    );
    expectGradClose(detached.grads.z1!, numeric.z1!, 'detached d/dz1');
    expectGradClose(detached.grads.z2!, numeric.z2!, 'detached d/dz2');
    expect(
      Math.max(...detached.grads.z1!.map((g, i) => Math.abs(g - attached.grads.z1![i]!))),
    ).toBeGreaterThan(1e-3);
  });

  it('duplicated points give finite values that match the naive loop', () => {
    const rng = makeRng(913);
    const z1 = randomUnitRows(rng, 5, 3);
    const z2 = randomUnitRows(rng, 5, 3);
    z1[3] = [...z1[0]!];
    z2[2] = [...z1[2]!];
    for (const fn of ['dcl', 'dclw'] as const) {
      const params = fn === 'dclw' ? { tau: 0.1, sigma: 0.5 } : { tau: 0.1 };
      const got = checkAgainstNaive({
        name: fn,
        inputs: { z1, z2 },
        params,
        naive: ({ z1: a, z2: b }) => naiveDcl(a, b, 0.1, fn === 'dclw' ? 0.5 : undefined),
        wrt: ['z1', 'z2'],
      });
      expectAllFinite([...got.grads.z1!, ...got.grads.z2!], fn);
    }
  });

  it('tiny and large temperatures give finite values that match the naive loop', () => {
    const rng = makeRng(914);
    const z1 = randomUnitRows(rng, 8, 4);
    const z2 = randomUnitRows(rng, 8, 4);
    for (const tau of [0.02, 10]) {
      for (const fn of ['dcl', 'dclw'] as const) {
        const params = fn === 'dclw' ? { tau, sigma: 0.5 } : { tau };
        const got = checkAgainstNaive({
          name: fn,
          inputs: { z1, z2 },
          params,
          naive: ({ z1: a, z2: b }) => naiveDcl(a, b, tau, fn === 'dclw' ? 0.5 : undefined),
          wrt: ['z1', 'z2'],
          label: `${fn} τ=${tau}`,
        });
        expectAllFinite([got.value, ...got.grads.z1!, ...got.grads.z2!], `${fn} τ=${tau}`);
      }
    }
  });

  it('n = 1 (no negative): NaN with a zero gradient, for every DCL function', () => {
    const z1 = [[0.6, 0.8]];
    const z2 = [[1, 0]];
    for (const fn of ['dcl', 'dcl_one_way', 'dclw']) {
      const got = evaluate(fn, { z1, z2 }, {}, { tau: 0.1 }, ['z1', 'z2']);
      expect(Number.isNaN(got.value), fn).toBe(true);
      expect(
        [...got.grads.z1!, ...got.grads.z2!].every((v) => v === 0),
        fn,
      ).toBe(true);
    }
  });

  it('is invariant to permuting the pairs and to a rotation', () => {
    const rng = makeRng(915);
    const z1 = randomUnitRows(rng, 9, 4);
    const z2 = randomUnitRows(rng, 9, 4);
    const perm = randomPermutation(rng, 9);
    const q = randomOrthogonal(rng, 4);
    for (const [fn, params] of [
      ['dcl', { tau: 0.1 }],
      ['dcl_one_way', { tau: 0.2 }],
      ['dclw', { tau: 0.1, sigma: 0.5 }],
    ] as const) {
      const a = valueOf(fn, { z1, z2 }, {}, params);
      expectClose(
        valueOf(fn, { z1: permute(z1, perm), z2: permute(z2, perm) }, {}, params),
        a,
        `${fn} permuted`,
      );
      expectClose(
        valueOf(fn, { z1: rotateRows(z1, q), z2: rotateRows(z2, q) }, {}, params),
        a,
        `${fn} rotated`,
      );
    }
  });
});
