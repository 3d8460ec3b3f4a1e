/**
 * name → implementation, over the catalog's schemas. Every function takes its differentiable inputs
 * as tensors and its labels/attributes/flags as plain arrays, validates its parameters (an unknown
 * name or a bad value gets an error naming the choices) and returns a tensor inside tf.tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { catalogEntry, parseParams, CATALOG, type CatalogEntry } from './catalog';
import { ntXent, supCon, epsSupInfoNce, epsSupCon, type EpsilonParams } from './supcon';
import { fairKl } from './fairkl';
import { yAwareInfoNce } from './yAware';
import { kernelizedSupCon, type KernelizedSupConParams } from './kernelizedSupCon';
import { alignLoss, uniformityLoss, alignUniformLoss } from './alignUniform';
import {
  decoupledUniformity,
  decoupledAlignment,
  type DecoupledUniformityParams,
} from './decoupledUniformity';
import { dcl, dclOneWay } from './dcl';
import { sepclr, sepclrAlign, sepclrUniform, sepclrSupAlign, kJem } from './sepclr';
import { kernelMatrixTensor } from '../kernels/kernels';

export type ConstantInput = readonly number[] | readonly (readonly number[])[] | null;

export interface FunctionInputs {
  tensors: Record<string, tf.Tensor>;
  constants: Record<string, ConstantInput | undefined>;
}

type Params = Record<string, unknown>;
type Implementation = (inputs: InputReader, p: Params) => tf.Tensor;

/** Typed access to named inputs, with messages that say which function needed what. */
class InputReader {
  constructor(
    private readonly fn: string,
    private readonly inputs: FunctionInputs,
  ) {}

  tensor2d(name: string): tf.Tensor2D {
    const t = this.tensor(name);
    if (t.rank !== 2)
      throw new Error(`${this.fn}: '${name}' must be 2-D, got shape ${JSON.stringify(t.shape)}.`);
    return t as tf.Tensor2D;
  }

  tensor3d(name: string): tf.Tensor3D {
    const t = this.tensor(name);
    if (t.rank !== 3)
      throw new Error(`${this.fn}: '${name}' must be [n, V, d], got ${JSON.stringify(t.shape)}.`);
    return t as tf.Tensor3D;
  }

  tensor(name: string): tf.Tensor {
    const t = this.inputs.tensors[name];
    if (!t) throw new Error(`${this.fn}: missing input '${name}'.`);
    return t;
  }

  /** Labels or attributes; `null` is a valid value (e.g. "no labels"), absence is not unless optional. */
  constant(name: string, optional = false): ConstantInput {
    const value = this.inputs.constants[name];
    if (value === undefined) {
      if (optional) return null;
      throw new Error(`${this.fn}: missing input '${name}'.`);
    }
    return value;
  }

  numbers(name: string): number[] {
    const value = this.constant(name);
    if (!value) throw new Error(`${this.fn}: '${name}' must be an array of numbers.`);
    return value.map((v) =>
      Array.isArray(v) ? scalarOf(this.fn, name, v as number[]) : (v as number),
    );
  }
}

function scalarOf(fn: string, name: string, row: readonly number[]): number {
  if (row.length !== 1) throw new Error(`${fn}: '${name}' must hold one number per sample.`);
  return row[0]!;
}

const num = (p: Params, key: string) => p[key] as number;
const bool = (p: Params, key: string) => p[key] as boolean;

function epsilonParams(p: Params): EpsilonParams {
  return {
    temperature: num(p, 'temperature'),
    baseTemperature: num(p, 'base_temperature'),
    epsilon: num(p, 'epsilon'),
    normalize: bool(p, 'normalize'),
    logEpsAfterShift: num(p, 'log_eps_after_shift'),
  };
}

function duParams(p: Params): DecoupledUniformityParams {
  return {
    t: (p.t as number | undefined) ?? 2,
    kernel: p.kernel as DecoupledUniformityParams['kernel'],
    sigma: p.sigma as number | null,
    lambda: p.lambda as number | null,
  };
}

function multiView(r: InputReader, p: Params) {
  const labels = r.constant('labels', true);
  return {
    features: r.tensor2d('features'),
    nViews: num(p, 'n_views'),
    labels: labels ? r.numbers('labels') : null,
  };
}

const IMPLEMENTATIONS: Record<string, Implementation> = {
  nt_xent: (r, p) =>
    ntXent(r.tensor2d('features'), {
      temperature: num(p, 'temperature'),
      normalize: bool(p, 'normalize'),
      reduction: p.reduction as 'mean' | 'sum_of_view_means',
    }),
  supcon: (r, p) =>
    supCon(multiView(r, p), {
      temperature: num(p, 'temperature'),
      baseTemperature: num(p, 'base_temperature'),
      variant: p.variant as 'out' | 'in',
      normalize: bool(p, 'normalize'),
    }),
  eps_supinfonce: (r, p) =>
    epsSupInfoNce(multiView(r, p), { ...epsilonParams(p), form: p.form as 'out' | 'in' }),
  eps_supcon: (r, p) => epsSupCon(multiView(r, p), epsilonParams(p)),
  fairkl: (r, p) =>
    fairKl(
      {
        features: r.tensor2d('features'),
        labels: r.numbers('labels'),
        biasLabels: r.numbers('bias_labels'),
      },
      { temperature: num(p, 'temperature'), kld: num(p, 'kld'), normalize: bool(p, 'normalize') },
    ),
  y_aware_infonce: (r, p) =>
    yAwareInfoNce(r.tensor2d('features'), requireConstant(r, 'metadata'), {
      temperature: num(p, 'temperature'),
      sigma: num(p, 'sigma'),
      normalize: bool(p, 'normalize'),
      weightNorm: p.weight_norm as 'official' | 'row',
      kernel: 'rbf',
    }),
  kernelized_supcon: (r, p) =>
    kernelizedSupCon(r.tensor2d('features'), r.numbers('labels'), {
      method: p.method as KernelizedSupConParams['method'],
      kernel: p.kernel as KernelizedSupConParams['kernel'],
      sigma: p.sigma as number | null,
      temperature: num(p, 'temperature'),
      baseTemperature: num(p, 'base_temperature'),
      nViews: num(p, 'n_views'),
      deltaReduction: p.delta_reduction as 'sum' | 'mean',
      expwShift: p.expw_shift as 'rowmax' | 'none',
      normalize: bool(p, 'normalize'),
    }),
  align: (r, p) => alignLoss(r.tensor2d('x'), r.tensor2d('y'), num(p, 'alpha')),
  uniform: (r, p) => uniformityLoss(r.tensor2d('x'), num(p, 't')),
  align_uniform: (r, p) =>
    alignUniformLoss(r.tensor2d('x'), r.tensor2d('y'), {
      alpha: num(p, 'alpha'),
      t: num(p, 't'),
      wAlign: num(p, 'w_align'),
      wUnif: num(p, 'w_unif'),
    }),
  decoupled_uniformity: (r, p) =>
    decoupledUniformity(r.tensor3d('z'), duParams(p), r.constant('prior', true)),
  du_align: (r, p) => decoupledAlignment(r.tensor3d('z'), duParams(p), r.constant('prior', true)),
  dcl: (r, p) => dcl(r.tensor2d('z1'), r.tensor2d('z2'), { tau: num(p, 'tau') }),
  dcl_one_way: (r, p) => dclOneWay(r.tensor2d('z1'), r.tensor2d('z2'), { tau: num(p, 'tau') }),
  dclw: (r, p) =>
    dcl(
      r.tensor2d('z1'),
      r.tensor2d('z2'),
      { tau: num(p, 'tau'), sigma: num(p, 'sigma'), detachWeights: bool(p, 'detach_weights') },
      true,
    ),
  sepclr: (r, p) =>
    sepclr(
      {
        c1: r.tensor2d('c1'),
        c2: r.tensor2d('c2'),
        s1: r.tensor2d('s1'),
        s2: r.tensor2d('s2'),
        isTarget: r.numbers('is_target'),
      },
      {
        betaSalient: num(p, 'beta_salient'),
        betaReg: num(p, 'beta_reg'),
        lambdaJem: num(p, 'lambda_jem'),
        tau: num(p, 'tau'),
        unifWeight: num(p, 'unif_weight'),
      },
    ),
  sepclr_align: (r, p) => sepclrAlign(r.tensor2d('x'), r.tensor2d('y'), num(p, 'tau')),
  sepclr_uniform: (r, p) => sepclrUniform(r.tensor2d('x'), num(p, 'tau')),
  sepclr_sup_align: (r, p) => sepclrSupAlign(r.tensor('x'), r.numbers('metadata'), num(p, 'tau')),
  kjem: (r, p) => kJem(r.tensor2d('c'), r.tensor2d('s'), num(p, 'tau')),
  kernel_rbf: (r, p) => kernelMatrixTensor('rbf', { sigma: num(p, 'sigma') }, r.tensor('metadata')),
  kernel_cosine: (r) => kernelMatrixTensor('cosine', {}, r.tensor('metadata')),
  kernel_gaussian_pdf: (r, p) =>
    kernelMatrixTensor('gaussian_pdf', { sigma: num(p, 'sigma') }, r.tensor('metadata')),
  kernel_cauchy: (r, p) =>
    kernelMatrixTensor('cauchy', { gamma: num(p, 'gamma') }, r.tensor('metadata')),
  kernel_gaussian_tau: (r, p) =>
    kernelMatrixTensor('gaussian_tau', { tau: num(p, 'tau') }, r.tensor('metadata')),
};

function requireConstant(
  r: InputReader,
  name: string,
): readonly number[] | readonly (readonly number[])[] {
  const value = r.constant(name);
  if (!value) throw new Error(`'${name}' must be an array.`);
  return value;
}

for (const entry of CATALOG) {
  if (!IMPLEMENTATIONS[entry.name])
    throw new Error(`catalog entry '${entry.name}' has no implementation`);
}

export interface RegisteredFunction extends CatalogEntry {
  /** Validates `params` (filling defaults) and evaluates; the result lives outside any tidy scope. */
  call(inputs: FunctionInputs, params?: unknown): tf.Tensor;
}

export function getFunction(name: string): RegisteredFunction {
  const entry = catalogEntry(name);
  const implementation = IMPLEMENTATIONS[name]!;
  return {
    ...entry,
    call(inputs, params) {
      const parsed = parseParams(name, params);
      return tf.tidy(() => implementation(new InputReader(name, inputs), parsed));
    },
  };
}

/** Shorthand for a loss: returns a scalar. */
export function computeLoss(name: string, inputs: FunctionInputs, params?: unknown): tf.Scalar {
  const fn = getFunction(name);
  if (fn.kind === 'kernel') throw new Error(`'${name}' is a kernel, not a loss.`);
  return fn.call(inputs, params) as tf.Scalar;
}
