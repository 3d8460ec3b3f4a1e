/**
 * Every training run of the validation suite, once: claims refer to runs by id, and a run shared
 * by several claims (e.g. SupCon on MNIST for claims 1, 2 and 8) is trained once per seed.
 */
import type { BudgetId } from './budgets';
import { vaeAttributeNames } from '../engine/prior';

/** A probe fitted after training on the frozen representation (or SepCLR's salient codes). */
export interface ProbeSpec {
  kind: 'classify' | 'regress';
  /** A class label (classify) or continuous attribute (regress) of the data set. */
  label: string;
  space: 'representation' | 'salient';
  /** `all` samples, or only SepCLR `target`s. */
  samples?: 'all' | 'target';
}

/** Transfer with few labels, computed after training (see engine/transfer.ts). */
export interface TransferSpec {
  /** Key of the result in the run's record. */
  name: string;
  label: string;
  /** Fraction of the training labels; `steps`/`batchSize` default to the shared transfer budget. */
  fraction: number;
  steps?: number;
  batchSize?: number;
}

export interface RunSpec {
  id: string;
  budget: BudgetId;
  label: string;
  /** Merged over the budget: the loss and what the claim varies. */
  config: Record<string, unknown>;
  probes?: ProbeSpec[];
  transfers?: TransferSpec[];
}

/** Key of a probe's score in a run result: `bacc:representation:site`, `mae:…`, `r2:…`. */
export function probeKey(p: ProbeSpec, score: 'bacc' | 'mae' | 'r2'): string {
  return `${score}:${p.space}:${p.label}${p.samples === 'target' ? ':target' : ''}`;
}

const tau = 0.1;
const infonce = { loss: { name: 'nt_xent', temperature: tau }, positives: { name: 'views' } };
const supcon = { loss: { name: 'supcon', temperature: tau }, positives: { name: 'class' } };
const epsSupInfoNce = {
  loss: { name: 'eps_supinfonce', temperature: tau, epsilon: 0.1 },
  positives: { name: 'class' },
};
const fairkl = { regularizer: { name: 'fairkl', weight: 10 } };
const ageKernel = {
  kernel: { name: 'rbf', sigma: 5 },
  positives: { name: 'kernel', attribute: 'age' },
};
const brainProbes: ProbeSpec[] = [
  { kind: 'regress', label: 'age', space: 'representation' },
  { kind: 'classify', label: 'site', space: 'representation' },
];
const shapeAttributes = ['scale', 'rotation', 'x', 'y'];
const shapeProbes: ProbeSpec[] = shapeAttributes.map((label) => ({
  kind: 'regress',
  label,
  space: 'representation',
}));

export const RUNS: RunSpec[] = [
  // MNIST: claims 1, 2 and 8.
  { id: 'mnist/infonce', budget: 'mnist', label: 'InfoNCE (NT-Xent)', config: infonce },
  { id: 'mnist/supcon', budget: 'mnist', label: 'SupCon (L_out)', config: supcon },
  {
    id: 'mnist/eps-supinfonce',
    budget: 'mnist',
    label: 'ε-SupInfoNCE (ε = 0.1)',
    config: epsSupInfoNce,
  },
  {
    id: 'mnist/align-uniform',
    budget: 'mnist',
    label: 'L_align(α=2) + L_uniform(t=2)',
    config: { loss: { name: 'align_uniform', alpha: 2, t: 2, w_align: 1, w_unif: 1 } },
  },
  {
    id: 'mnist/align-only',
    budget: 'mnist',
    label: 'L_align only',
    config: { loss: { name: 'align_uniform', alpha: 2, t: 2, w_align: 1, w_unif: 0 } },
  },
  // Fashion-MNIST: claim 1.
  { id: 'fashion/infonce', budget: 'fashion-mnist', label: 'InfoNCE (NT-Xent)', config: infonce },
  { id: 'fashion/supcon', budget: 'fashion-mnist', label: 'SupCon (L_out)', config: supcon },
  // Colored MNIST: claim 3.
  ...[0.99, 0.997].flatMap((rho) => [
    {
      id: `colored/${rho}/eps-supinfonce`,
      budget: 'colored-mnist' as const,
      label: `ε-SupInfoNCE, ρ = ${rho}`,
      config: { ...epsSupInfoNce, dataset: { rho } },
    },
    {
      id: `colored/${rho}/eps-supinfonce+fairkl`,
      budget: 'colored-mnist' as const,
      label: `ε-SupInfoNCE + FairKL, ρ = ${rho}`,
      config: { ...epsSupInfoNce, ...fairkl, dataset: { rho } },
    },
  ]),
  // Brain MRI: claims 4, 5 and 9.
  {
    id: 'brain/infonce',
    budget: 'brain-mri',
    label: 'InfoNCE (NT-Xent)',
    config: infonce,
    probes: brainProbes,
    transfers: [{ name: 'diagnosis', label: 'diagnosis', fraction: 0.1 }],
  },
  {
    id: 'brain/yaware',
    budget: 'brain-mri',
    label: 'y-Aware InfoNCE (RBF σ = 5 on age)',
    config: { loss: { name: 'y_aware_infonce', temperature: tau }, ...ageKernel },
    probes: brainProbes,
    transfers: [
      { name: 'diagnosis', label: 'diagnosis', fraction: 0.1 },
      // `scratch` of this one is the plain regression baseline: the same encoder trained on age
      // with every label and the data set's own budget.
      { name: 'age', label: 'age', fraction: 1, steps: 150, batchSize: 64 },
    ],
  },
  {
    id: 'brain/threshold',
    budget: 'brain-mri',
    label: 'kernelised SupCon, threshold',
    config: {
      loss: { name: 'kernelized_supcon', method: 'threshold', temperature: tau },
      ...ageKernel,
    },
    probes: brainProbes,
  },
  {
    id: 'brain/expw',
    budget: 'brain-mri',
    label: 'kernelised SupCon, expw',
    config: { loss: { name: 'kernelized_supcon', method: 'expw', temperature: tau }, ...ageKernel },
    probes: brainProbes,
  },
  // Shapes: claim 6 (the batch size is what this claim varies).
  ...[128, 32].flatMap((batchSize) => [
    {
      id: `shapes/b${batchSize}/infonce`,
      budget: 'shapes' as const,
      label: `InfoNCE, batch ${batchSize}`,
      config: { ...infonce, batchSize },
      probes: shapeProbes,
    },
    {
      id: `shapes/b${batchSize}/du`,
      budget: 'shapes' as const,
      label: `decoupled uniformity, batch ${batchSize}`,
      config: { loss: { name: 'decoupled_uniformity', lambda: 0.01 }, batchSize },
      probes: shapeProbes,
    },
  ]),
  {
    id: 'shapes/b128/du-attributes',
    budget: 'shapes',
    label: 'DU + prior on weak attributes, batch 128',
    config: {
      loss: { name: 'decoupled_uniformity', lambda: 0.01 },
      kernel: { name: 'rbf', sigma: 1 },
      positives: { name: 'kernel', attribute: shapeAttributes },
      batchSize: 128,
    },
    probes: shapeProbes,
  },
  {
    id: 'shapes/b128/du-vae',
    budget: 'shapes',
    label: 'DU + prior from a VAE, batch 128',
    config: {
      loss: { name: 'decoupled_uniformity', lambda: 0.01 },
      // The playground preset's VAE (decoupled-uniformity-vae-shapes), not tuned here.
      prior: { name: 'vae', latentDim: 8, steps: 150, batchSize: 64, lr: 0.003, beta: 1 },
      kernel: { name: 'rbf', sigma: 3 },
      positives: { name: 'kernel', attribute: vaeAttributeNames(8) },
      batchSize: 128,
    },
    probes: shapeProbes,
  },
  // SepCLR: claim 7.
  {
    id: 'dof/sepclr',
    budget: 'digits-on-fashion',
    label: 'SepCLR',
    config: {
      loss: { name: 'sepclr', beta_salient: 1, beta_reg: 10, lambda_jem: 10 },
      positives: { name: 'views' },
    },
  },
  {
    id: 'brain-sepclr/sepclr',
    budget: 'brain-mri-sepclr',
    label: 'SepCLR',
    config: {
      loss: { name: 'sepclr', beta_salient: 1, beta_reg: 10, lambda_jem: 10 },
      positives: { name: 'views' },
    },
    probes: (['representation', 'salient'] as const).flatMap((space) => [
      { kind: 'classify' as const, label: 'diagnosis', space },
      { kind: 'classify' as const, label: 'site', space },
    ]),
  },
];

export function runById(id: string): RunSpec {
  const run = RUNS.find((r) => r.id === id);
  if (!run) throw new Error(`unknown validation run '${id}'`);
  return run;
}
