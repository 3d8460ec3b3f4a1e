/** The function registry and catalog: names, parameter validation, defaults, inputs. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeLoss, getFunction } from '../../../../src/ml/losses/registry';
import { CATALOG, defaultParams, listLosses, parseParams } from '../../../../src/ml/losses/catalog';
import { makeRng, randomMatrix, useCpuBackend, valueOf } from '../helpers';

beforeAll(useCpuBackend);

const SPEC_NAMES = [
  'nt_xent',
  'supcon',
  'eps_supinfonce',
  'eps_supcon',
  'fairkl',
  'y_aware_infonce',
  'kernelized_supcon',
  'align',
  'uniform',
  'align_uniform',
  'decoupled_uniformity',
  'du_align',
  'dcl',
  'dcl_one_way',
  'dclw',
  'sepclr',
  'sepclr_align',
  'sepclr_uniform',
  'sepclr_sup_align',
  'kjem',
  'kernel_rbf',
  'kernel_cosine',
  'kernel_gaussian_pdf',
  'kernel_cauchy',
  'kernel_gaussian_tau',
];

describe('names', () => {
  it('every fn id of the vectors README is registered, with an implementation', () => {
    for (const name of SPEC_NAMES) {
      const fn = getFunction(name);
      expect(fn.id).toBe(name);
      expect(typeof fn.call).toBe('function');
    }
    // More may follow (definitions.test.ts: the one list); none of the spec's may be missing.
    for (const name of SPEC_NAMES) expect(CATALOG.map((e) => e.id)).toContain(name);
  });

  it('an unknown name throws an error that lists the valid names', () => {
    let message = '';
    try {
      getFunction('simclr');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/simclr/);
    for (const name of SPEC_NAMES) expect(message).toContain(name);
    expect(() => parseParams('nope', {})).toThrow(/Valid names/);
  });

  it('listLosses returns only trainable losses', () => {
    const losses = listLosses().map((e) => e.id);
    expect(losses).toContain('supcon');
    expect(losses).toContain('sepclr');
    expect(losses.some((n) => n.startsWith('kernel_'))).toBe(false);
    expect(losses).not.toContain('kjem');
  });

  it('computeLoss refuses a kernel', () => {
    const x = tf.tensor1d([1, 2]);
    expect(() => computeLoss('kernel_rbf', { tensors: { metadata: x }, constants: {} })).toThrow(
      /kernel/,
    );
    x.dispose();
  });
});

describe('parameter validation', () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['supcon', { temperature: -1 }, /temperature/],
    ['supcon', { base_temperature: 0 }, /base_temperature/],
    ['supcon', { variant: 'middle' }, /variant/],
    ['supcon', { normalize: 'yes' }, /normalize/],
    ['supcon', { n_views: 0 }, /n_views/],
    ['supcon', { contrast_mode: 'one' }, /contrast_mode/],
    ['nt_xent', { reduction: 'sum' }, /reduction/],
    ['nt_xent', { n_views: 3 }, /n_views/],
    ['eps_supinfonce', { epsilon: Number.NaN }, /epsilon/],
    ['eps_supcon', { form: 'in' }, /form/],
    ['fairkl', { kld: -0.5 }, /kld/],
    ['y_aware_infonce', { sigma: 0 }, /sigma/],
    ['kernelized_supcon', { method: 'knn' }, /method/],
    ['kernelized_supcon', { kernel: 'laplace' }, /kernel/],
    ['decoupled_uniformity', { lambda: -1 }, /lambda/],
    ['dcl', { tau: -0.1 }, /tau/],
    ['sepclr', { beta_salient: -1 }, /beta_salient/],
    ['kernel_cauchy', { gamma: 0 }, /gamma/],
  ];
  for (const [name, params, field] of bad) {
    it(`${name}: ${JSON.stringify(params)} is rejected, naming the field`, () => {
      expect(() => parseParams(name, params)).toThrow(field);
      expect(() => parseParams(name, params)).toThrow(new RegExp(name));
    });
  }

  it('an unknown key is rejected, naming the key and the valid ones', () => {
    expect(() => parseParams('supcon', { temprature: 0.1 })).toThrow(/temprature.*temperature/);
    expect(() => parseParams('dcl', { sigma: 0.5 })).toThrow(/sigma/);
  });

  it('a call with bad parameters throws before computing anything, and leaks nothing', () => {
    const features = tf.tensor2d(randomMatrix(makeRng(1600), 4, 2));
    const before = tf.memory().numTensors;
    expect(() =>
      getFunction('supcon').call({ tensors: { features }, constants: {} }, { temperature: -1 }),
    ).toThrow(/temperature/);
    expect(tf.memory().numTensors).toBe(before);
    features.dispose();
  });
});

describe('defaults', () => {
  it('every catalog entry has parseable defaults', () => {
    for (const entry of CATALOG) expect(() => defaultParams(entry.id)).not.toThrow();
  });

  it('fills the defaults the specification documents', () => {
    expect(parseParams('nt_xent', {})).toMatchObject({
      reduction: 'mean',
      normalize: true,
      n_views: 2,
    });
    expect(parseParams('supcon', {})).toMatchObject({
      temperature: 0.07,
      base_temperature: 0.07,
      contrast_mode: 'all',
      variant: 'out',
    });
    expect(parseParams('eps_supinfonce', {})).toMatchObject({
      base_temperature: 0.07,
      form: 'out',
      log_eps_after_shift: 0,
    });
    expect(parseParams('fairkl', {})).toMatchObject({ temperature: 1, kld: 1 });
    expect(parseParams('y_aware_infonce', {})).toMatchObject({
      temperature: 0.1,
      kernel: 'rbf',
      weight_norm: 'official',
    });
    expect(parseParams('kernelized_supcon', {})).toMatchObject({
      base_temperature: 0.07,
      delta_reduction: 'sum',
      expw_shift: 'rowmax',
    });
    expect(parseParams('align_uniform', {})).toMatchObject({
      alpha: 2,
      t: 2,
      w_align: 1,
      w_unif: 1,
    });
    expect(parseParams('decoupled_uniformity', {})).toMatchObject({
      t: 2,
      lambda: 0.01,
      kernel: null,
    });
    expect(parseParams('dclw', {})).toMatchObject({ tau: 0.1, sigma: 0.5, detach_weights: false });
    expect(parseParams('sepclr', {})).toMatchObject({
      beta_salient: 1000,
      beta_reg: 1000,
      lambda_jem: 10,
      tau: 0.5,
      unif_weight: 2,
    });
    expect(parseParams('sepclr_sup_align', {})).toMatchObject({ tau: 0.025 });
  });

  it('keeps given values and fills only the missing ones', () => {
    const p = parseParams('supcon', { temperature: 0.5 });
    expect(p).toMatchObject({ temperature: 0.5, base_temperature: 0.07, variant: 'out' });
  });

  it('a call without parameters equals a call with the defaults spelled out', () => {
    const features = randomMatrix(makeRng(1601), 8, 3);
    const labels = [0, 1, 0, 1];
    for (const name of ['supcon', 'eps_supinfonce', 'kernelized_supcon']) {
      const implicit = valueOf(name, { features }, { labels }, undefined);
      const explicit = valueOf(name, { features }, { labels }, defaultParams(name));
      expect(implicit).toBe(explicit);
    }
  });
});

describe('inputs', () => {
  it('a missing input is named in the error', () => {
    const x = tf.tensor2d([[1, 0]]);
    expect(() => getFunction('align').call({ tensors: { x }, constants: {} })).toThrow(/'y'/);
    expect(() =>
      getFunction('fairkl').call({ tensors: { features: x }, constants: { labels: [0] } }),
    ).toThrow(/bias_labels/);
    x.dispose();
  });

  it('a tensor of the wrong rank is rejected', () => {
    const x = tf.tensor1d([1, 2, 3]);
    expect(() => getFunction('nt_xent').call({ tensors: { features: x }, constants: {} })).toThrow(
      /2-D/,
    );
    expect(() =>
      getFunction('decoupled_uniformity').call({ tensors: { z: x }, constants: {} }),
    ).toThrow(/\[n, V, d\]/);
    x.dispose();
  });

  it('labels must be one per sample, and rows must split into the views', () => {
    const features = randomMatrix(makeRng(1602), 6, 2);
    expect(() => valueOf('supcon', { features }, { labels: [0, 1] }, { n_views: 2 })).toThrow(
      /labels/,
    );
    expect(() => valueOf('supcon', { features }, { labels: null }, { n_views: 4 })).toThrow(
      /n_views/,
    );
  });
});
