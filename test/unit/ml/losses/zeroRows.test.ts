/**
 * The safe L2 normalisation (x · rsqrt(max(Σx², ε²))): an all-zero embedding row, which a dead
 * encoder or a ReLU can produce, gives finite values and finite gradients in every loss that
 * normalises, instead of the NaN of x / ‖x‖.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  evaluate,
  expectAllFinite,
  makeRng,
  randomMatrix,
  useCpuBackend,
  type Constants,
} from '../helpers';

beforeAll(useCpuBackend);

describe('an all-zero row in a normalising loss', () => {
  const rng = makeRng(4242);
  const features = randomMatrix(rng, 8, 5);
  features[3] = [0, 0, 0, 0, 0];
  const labels = { labels: [0, 1, 0, 1] };
  const cases: [string, Constants, Record<string, unknown>][] = [
    ['nt_xent', {}, { normalize: true }],
    ['supcon', labels, { normalize: true }],
    ['eps_supinfonce', labels, { normalize: true, epsilon: 0.2 }],
    ['kernelized_supcon', { labels: [20, 30, 40, 50] }, { normalize: true, method: 'expw' }],
    ['y_aware_infonce', { metadata: [20, 30, 40, 50] }, { normalize: true, sigma: 10 }],
  ];
  for (const [name, constants, params] of cases) {
    it(`${name}: finite value and gradient`, () => {
      const got = evaluate(name, { features }, constants, params, ['features']);
      expect(Number.isFinite(got.value), name).toBe(true);
      expectAllFinite(got.grads.features!, name);
    });
  }

  it('fairkl and decoupled uniformity too', () => {
    const fair = evaluate(
      'fairkl',
      { features },
      { labels: [0, 1, 0, 1, 0, 1, 0, 1], bias_labels: [0, 0, 1, 1, 0, 0, 1, 1] },
      { normalize: true },
      ['features'],
    );
    expect(Number.isFinite(fair.value)).toBe(true);
    expectAllFinite(fair.grads.features!, 'fairkl');
    const z = [0, 1, 2, 3].map((i) => [features[i]!, features[i + 4]!]);
    const du = evaluate('decoupled_uniformity', { z }, {}, { t: 2 }, ['z']);
    expect(Number.isFinite(du.value)).toBe(true);
    expectAllFinite(du.grads.z!, 'decoupled_uniformity');
  });
});
