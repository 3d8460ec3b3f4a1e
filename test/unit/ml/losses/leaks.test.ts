/**
 * No tensor leaks: after a warm-up call, 50 evaluations of each function (and of its gradient) leave
 * tf.memory().numTensors unchanged, through the registry and through the direct functions.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getFunction, type ConstantInput } from '../../../../src/ml/losses/registry';
import { ntXent, supCon, epsSupInfoNce, epsSupCon } from '../../../../src/ml/losses/supcon';
import { fairKl } from '../../../../src/ml/losses/fairkl';
import { yAwareInfoNce } from '../../../../src/ml/losses/yAware';
import {
  kernelizedSupCon,
  type KernelizedSupConParams,
} from '../../../../src/ml/losses/kernelizedSupCon';
import {
  alignLoss,
  uniformityLoss,
  alignUniformLoss,
} from '../../../../src/ml/losses/alignUniform';
import {
  decoupledUniformity,
  decoupledAlignment,
  type DecoupledUniformityParams,
} from '../../../../src/ml/losses/decoupledUniformity';
import { dcl, dclOneWay } from '../../../../src/ml/losses/dcl';
import {
  sepclr,
  sepclrAlign,
  sepclrUniform,
  sepclrSupAlign,
  kJem,
  sepclrTerms,
} from '../../../../src/ml/losses/sepclr';
import { kernelMatrixTensor } from '../../../../src/ml/kernels/kernels';
import {
  makeRng,
  randomMatrix,
  randomTensor3,
  randomUniform,
  useCpuBackend,
  type Nested,
} from '../helpers';

beforeAll(useCpuBackend);

const ITERATIONS = 50;

interface Case {
  name: string;
  tensors: Record<string, Nested>;
  constants?: Record<string, ConstantInput>;
  params?: Record<string, unknown>;
}

const rng = makeRng(1700);
const features = randomMatrix(rng, 12, 4);
const single = randomMatrix(rng, 6, 4);
const labels = [0, 1, 2, 0, 1, 2];
const ages = randomUniform(rng, 6, 20, 30);
const intAges = [20, 23, 21, 27, 25, 22];
const x = randomMatrix(rng, 6, 3);
const y = randomMatrix(rng, 6, 3);
const z = randomTensor3(rng, 6, 2, 3);
const prior = randomMatrix(rng, 6, 2);
const sepInputs = {
  c1: randomMatrix(rng, 6, 3),
  c2: randomMatrix(rng, 6, 3),
  s1: randomMatrix(rng, 6, 2),
  s2: randomMatrix(rng, 6, 2),
};
const isTarget = [0, 1, 1, 0, 1, 0];

const CASES: Case[] = [
  { name: 'nt_xent', tensors: { features } },
  { name: 'supcon', tensors: { features }, constants: { labels }, params: { variant: 'out' } },
  { name: 'supcon', tensors: { features }, constants: { labels }, params: { variant: 'in' } },
  {
    name: 'eps_supinfonce',
    tensors: { features },
    constants: { labels },
    params: { form: 'out', log_eps_after_shift: 1e-6 },
  },
  { name: 'eps_supinfonce', tensors: { features }, constants: { labels }, params: { form: 'in' } },
  // Form `in` without positives: the +∞ path.
  {
    name: 'eps_supinfonce',
    tensors: { features: single },
    constants: { labels: [0, 1, 2, 3, 4, 5] },
    params: { form: 'in', n_views: 1 },
  },
  {
    name: 'eps_supcon',
    tensors: { features },
    constants: { labels },
    params: { log_eps_after_shift: 1e-6 },
  },
  {
    name: 'fairkl',
    tensors: { features: single },
    constants: { labels: [0, 1, 0, 1, 0, 1], bias_labels: [0, 0, 1, 1, 0, 1] },
  },
  {
    name: 'y_aware_infonce',
    tensors: { features },
    constants: { metadata: ages },
    params: { sigma: 2 },
  },
  {
    name: 'kernelized_supcon',
    tensors: { features },
    constants: { labels },
    params: { method: 'supcon', kernel: null },
  },
  {
    name: 'kernelized_supcon',
    tensors: { features },
    constants: { labels: ages },
    params: { method: 'yaware' },
  },
  {
    name: 'kernelized_supcon',
    tensors: { features },
    constants: { labels: intAges },
    params: { method: 'threshold', kernel: 'rbf', sigma: 2 },
  },
  // Threshold with every count 0: the NaN path.
  {
    name: 'kernelized_supcon',
    tensors: { features },
    constants: { labels: [5, 5, 5, 5, 5, 5] },
    params: { method: 'threshold' },
  },
  {
    name: 'kernelized_supcon',
    tensors: { features },
    constants: { labels: ages },
    params: { method: 'expw', expw_shift: 'rowmax' },
  },
  {
    name: 'kernelized_supcon',
    tensors: { features },
    constants: { labels: ages },
    params: { method: 'expw', expw_shift: 'none' },
  },
  { name: 'align', tensors: { x, y }, params: { alpha: 2 } },
  { name: 'align', tensors: { x, y }, params: { alpha: 1 } },
  { name: 'uniform', tensors: { x } },
  { name: 'uniform', tensors: { x: [[1, 0]] } },
  { name: 'align_uniform', tensors: { x, y } },
  { name: 'decoupled_uniformity', tensors: { z } },
  {
    name: 'decoupled_uniformity',
    tensors: { z },
    constants: { prior },
    params: { kernel: 'rbf', sigma: 1 },
  },
  {
    name: 'decoupled_uniformity',
    tensors: { z },
    constants: { prior },
    params: { kernel: 'cosine' },
  },
  { name: 'du_align', tensors: { z }, constants: { prior }, params: { kernel: 'rbf', sigma: 1 } },
  { name: 'dcl', tensors: { z1: x, z2: y } },
  { name: 'dcl_one_way', tensors: { z1: x, z2: y } },
  { name: 'dclw', tensors: { z1: x, z2: y } },
  { name: 'dclw', tensors: { z1: x, z2: y }, params: { detach_weights: true } },
  { name: 'sepclr', tensors: sepInputs, constants: { is_target: isTarget } },
  { name: 'sepclr', tensors: sepInputs, constants: { is_target: [1, 1, 1, 1, 1, 1] } },
  { name: 'sepclr_align', tensors: { x, y } },
  { name: 'sepclr_uniform', tensors: { x } },
  {
    name: 'sepclr_sup_align',
    tensors: { x: [0.1, 0.5, -0.3, 0.9] },
    constants: { metadata: [0, 1, 0, 2] },
  },
  { name: 'kjem', tensors: { c: x, s: y } },
  { name: 'kernel_rbf', tensors: { metadata: ages } },
  { name: 'kernel_cosine', tensors: { metadata: prior } },
  { name: 'kernel_gaussian_pdf', tensors: { metadata: ages } },
  { name: 'kernel_cauchy', tensors: { metadata: ages } },
  { name: 'kernel_gaussian_tau', tensors: { metadata: prior } },
];

/** Runs `body` once to warm up, then 50 times, and returns the tensor counts before and after. */
function countAcross(body: () => void): { before: number; after: number } {
  body();
  const before = tf.memory().numTensors;
  for (let i = 0; i < ITERATIONS; i++) body();
  return { before, after: tf.memory().numTensors };
}

describe('registry functions do not leak tensors', () => {
  for (const c of CASES) {
    it(`${c.name} ${JSON.stringify(c.params ?? {})}: value and gradient, ${ITERATIONS} times`, () => {
      const fn = getFunction(c.name);
      const inputs: Record<string, tf.Tensor> = {};
      for (const [key, data] of Object.entries(c.tensors))
        inputs[key] = tf.tensor(data as tf.TensorLike);
      const keys = Object.keys(inputs);
      const constants = c.constants ?? {};
      const run = (...xs: tf.Tensor[]) => {
        const all = Object.fromEntries(keys.map((k, i) => [k, xs[i]!]));
        return tf.sum(fn.call({ tensors: all, constants }, c.params)) as tf.Scalar;
      };
      const counts = countAcross(() => {
        fn.call({ tensors: inputs, constants }, c.params).dispose();
        tf.dispose(tf.grads(run)(keys.map((k) => inputs[k]!)));
      });
      expect(counts.after).toBe(counts.before);
      tf.dispose(Object.values(inputs));
    });
  }
});

describe('direct functions do not leak tensors', () => {
  const t2 = (m: number[][]) => tf.tensor2d(m);
  const direct: [string, (inputs: tf.Tensor2D[]) => tf.Tensor, number[][][]][] = [
    [
      'ntXent',
      ([f]) => ntXent(f!, { temperature: 0.1, normalize: true, reduction: 'mean' }),
      [features],
    ],
    [
      'supCon',
      ([f]) =>
        supCon(
          { features: f!, nViews: 2, labels },
          { temperature: 0.1, baseTemperature: 0.07, variant: 'in', normalize: true },
        ),
      [features],
    ],
    [
      'epsSupInfoNce',
      ([f]) =>
        epsSupInfoNce(
          { features: f!, nViews: 2, labels },
          {
            temperature: 0.1,
            baseTemperature: 0.07,
            epsilon: 0.2,
            normalize: true,
            logEpsAfterShift: 1e-6,
            form: 'out',
          },
        ),
      [features],
    ],
    [
      'epsSupCon',
      ([f]) =>
        epsSupCon(
          { features: f!, nViews: 2, labels },
          {
            temperature: 0.1,
            baseTemperature: 0.07,
            epsilon: 0.2,
            normalize: false,
            logEpsAfterShift: 0,
          },
        ),
      [features],
    ],
    [
      'fairKl',
      ([f]) =>
        fairKl(
          { features: f!, labels: [0, 1, 0, 1, 0, 1], biasLabels: [1, 1, 0, 0, 1, 0] },
          { temperature: 1, kld: 1, normalize: true },
        ),
      [single],
    ],
    [
      'yAwareInfoNce',
      ([f]) =>
        yAwareInfoNce(f!, ages, {
          temperature: 0.1,
          sigma: 2,
          normalize: true,
          weightNorm: 'row',
          kernel: 'rbf',
        }),
      [features],
    ],
    ...(['supcon', 'yaware', 'threshold', 'expw'] as const).map(
      (method): [string, (inputs: tf.Tensor2D[]) => tf.Tensor, number[][][]] => [
        `kernelizedSupCon ${method}`,
        ([f]) => {
          const params: KernelizedSupConParams = {
            method,
            kernel: method === 'supcon' ? null : 'gaussian',
            sigma: 2,
            temperature: 0.1,
            baseTemperature: 0.07,
            nViews: 2,
            deltaReduction: 'sum',
            expwShift: 'rowmax',
            normalize: true,
          };
          return kernelizedSupCon(f!, method === 'supcon' ? labels : intAges, params);
        },
        [features],
      ],
    ),
    ['alignLoss', ([a, b]) => alignLoss(a!, b!, 1), [x, y]],
    ['uniformityLoss', ([a]) => uniformityLoss(a!, 2), [x]],
    ['uniformityLoss n=1', ([a]) => uniformityLoss(a!, 2), [[[1, 0]]]],
    [
      'alignUniformLoss',
      ([a, b]) => alignUniformLoss(a!, b!, { alpha: 2, t: 2, wAlign: 1, wUnif: 1 }),
      [x, y],
    ],
    ['dcl', ([a, b]) => dcl(a!, b!, { tau: 0.1, sigma: 0.5 }, true), [x, y]],
    ['dclOneWay', ([a, b]) => dclOneWay(a!, b!, { tau: 0.1 }), [x, y]],
    ['sepclrAlign', ([a, b]) => sepclrAlign(a!, b!, 0.5, [1, 3]), [x, y]],
    ['sepclrAlign empty', ([a, b]) => sepclrAlign(a!, b!, 0.5, []), [x, y]],
    ['sepclrUniform', ([a]) => sepclrUniform(a!, 0.5), [x]],
    [
      'sepclrSupAlign',
      ([a]) => sepclrSupAlign(a!, [0, 1, 0, 2, 1, 1], 0.025),
      [[[0.1], [0.5], [-0.3], [0.9], [0.2], [0.4]]],
    ],
    ['sepclrSupAlign n=1', ([a]) => sepclrSupAlign(a!, [0], 0.025), [[[0.1]]]],
    ['kJem', ([a, b]) => kJem(a!, b!, 0.5), [x, y]],
    [
      'sepclr',
      ([c1, c2, s1, s2]) =>
        sepclr(
          { c1: c1!, c2: c2!, s1: s1!, s2: s2!, isTarget },
          { betaSalient: 1, betaReg: 1, lambdaJem: 1, tau: 0.5, unifWeight: 2 },
        ),
      [sepInputs.c1, sepInputs.c2, sepInputs.s1, sepInputs.s2],
    ],
    ['kernelMatrixTensor', ([m]) => kernelMatrixTensor('rbf', { sigma: 1 }, m!), [prior]],
  ];

  for (const [label, f, data] of direct) {
    it(`${label}: value and gradient, ${ITERATIONS} times`, () => {
      const inputs = data.map(t2);
      const counts = countAcross(() => {
        f(inputs).dispose();
        const g = tf.grads((...xs: tf.Tensor[]) => tf.sum(f(xs as tf.Tensor2D[])) as tf.Scalar)(
          inputs,
        );
        tf.dispose(g);
      });
      expect(counts.after).toBe(counts.before);
      tf.dispose(inputs);
    });
  }

  it('sepclrTerms: every term is returned, nothing else is kept', () => {
    const inputs = [sepInputs.c1, sepInputs.c2, sepInputs.s1, sepInputs.s2].map(t2);
    const [c1, c2, s1, s2] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const params = { betaSalient: 1, betaReg: 1, lambdaJem: 1, tau: 0.5, unifWeight: 2 };
    const counts = countAcross(() =>
      tf.dispose(Object.values(sepclrTerms({ c1, c2, s1, s2, isTarget }, params))),
    );
    expect(counts.after).toBe(counts.before);
    tf.dispose(inputs);
  });

  it('decoupledUniformity and decoupledAlignment, with and without a prior', () => {
    const zt = tf.tensor3d(z);
    const counts = countAcross(() => {
      const cases: [DecoupledUniformityParams, number[][] | null][] = [
        [{ t: 2, kernel: null }, null],
        [{ t: 2, kernel: 'rbf', sigma: 1, lambda: 0.01 }, prior],
        [{ t: 2, kernel: 'cosine', lambda: 0 }, prior],
      ];
      for (const [params, p] of cases) {
        decoupledUniformity(zt, params, p).dispose();
        decoupledAlignment(zt, params, p).dispose();
        tf.grad((t: tf.Tensor) => decoupledUniformity(t as tf.Tensor3D, params, p))(zt).dispose();
      }
    });
    expect(counts.after).toBe(counts.before);
    zt.dispose();
  });
});
