/**
 * Pieces several definitions share: parameter schemas, input descriptions and formula parts (the
 * conventions of spec A §0 / spec B §0: view-major rows, means over all M = VN anchors, τ/τ_b).
 */
import { z } from 'zod';
import type { InputSpec } from '../define';
import { texNumber } from '../tex';

export const positive = () => z.number().positive();
export const finite = () => z.number().finite();
export const temperature = (value: number) => positive().default(value);

export const viewMajor: InputSpec = {
  name: 'features',
  role: 'tensor',
  description: '[V·N, d] embeddings, view-major (row v·N + i is view v of sample i)',
};
export const classLabels: InputSpec = {
  name: 'labels',
  role: 'constant',
  description: 'one integer class per sample, or null for "the other views of the same sample"',
  optional: true,
};
export const pairX: InputSpec = {
  name: 'x',
  role: 'tensor',
  description: '[n, d] first view of each sample',
};
export const pairY: InputSpec = {
  name: 'y',
  role: 'tensor',
  description: '[n, d] second view of each sample',
};
export const z1: InputSpec = {
  name: 'z1',
  role: 'tensor',
  description: '[n, d] first view (unit rows)',
};
export const z2: InputSpec = {
  name: 'z2',
  role: 'tensor',
  description: '[n, d] second view (unit rows)',
};
export const sampleMajor: InputSpec = {
  name: 'z',
  role: 'tensor',
  description: '[n, V, d] raw projector outputs, sample-major',
};
export const prior: InputSpec = {
  name: 'prior',
  role: 'constant',
  description: 'prior features, one row per sample (weak attributes or a generative model)',
  optional: true,
};
export const kernelMetadata: InputSpec = {
  name: 'metadata',
  role: 'tensor',
  description: 'attribute (scalar or vector) per sample',
};

export const supconFamily = {
  temperature: temperature(0.07),
  base_temperature: temperature(0.07),
  n_views: z.number().int().min(1).default(2),
  normalize: z.boolean().default(true),
  contrast_mode: z.literal('all').default('all'),
};
export const epsilonFamily = {
  ...supconFamily,
  temperature: temperature(0.1),
  epsilon: finite().default(0.25),
  log_eps_after_shift: z.number().min(0).default(0),
};

export const duPrior = {
  kernel: z.enum(['rbf', 'cosine']).nullable().default(null),
  sigma: positive().nullable().default(null),
  // 0 or null (unset) means the official fallback 1/√n.
  lambda: z.number().min(0).nullable().default(0.01),
};

// ---------------------------------------------------------------------------------------------
// Formula parts

export const SIM_NORMALIZED =
  's_{ab} = \\frac{z_a^{\\top} z_b}{\\tau},\\qquad z_a = \\frac{x_a}{\\max(\\lVert x_a\\rVert_2,\\,10^{-12})}';
export const SIM_RAW = 's_{ab} = \\frac{x_a^{\\top} x_b}{\\tau}\\quad(\\text{rows used as given})';
export const ROWS =
  'a = vN + i\\ \\text{(view } v \\text{ of sample } i\\text{)},\\quad \\iota(a) = a \\bmod N,\\quad M = VN';
export const ROWS_TWO_VIEWS = ROWS.replace('M = VN', 'M = 2N');
export const SETS =
  'A(a) = \\{b \\neq a\\},\\quad P(a) = \\{b \\in A(a) : y_{\\iota(b)} = y_{\\iota(a)}\\},\\quad N(a) = A(a) \\setminus P(a)';
export const C_FACTOR = '\\frac{\\tau}{\\tau_b}';

export function sim(params: { normalize: boolean }): string {
  return params.normalize ? SIM_NORMALIZED : SIM_RAW;
}

export const SUPCON_SYMBOLS = {
  temperature: ['\\tau', 'temperature: divides the cosine similarities'],
  base_temperature: ['\\tau_b', 'base temperature: the loss is scaled by τ/τ_b'],
  n_views: ['V', 'views per sample'],
  normalize: ['\\text{normalise}', 'rows L2-normalised inside the loss'],
} as const;
export const SUPCON_ROWS = ['temperature', 'base_temperature', 'n_views', 'normalize'] as const;

export function temperatureFactor(p: { temperature: number; base_temperature: number }): string {
  return `${C_FACTOR} = \\frac{${texNumber(p.temperature)}}{${texNumber(p.base_temperature)}} = ${texNumber(p.temperature / p.base_temperature)}`;
}

/** τ/τ_b, ω = e^{−ε} and the margin in cosine units ε·τ. */
export function epsilonDerived(p: {
  temperature: number;
  base_temperature: number;
  epsilon: number;
}): string[] {
  return [
    temperatureFactor(p),
    `\\omega = e^{-\\epsilon} = ${texNumber(Math.exp(-p.epsilon))}`,
    `\\text{margin in cosine: } \\epsilon\\tau = ${texNumber(p.epsilon)} \\times ${texNumber(p.temperature)} = ${texNumber(p.epsilon * p.temperature)}`,
  ];
}

/** The official stabiliser η_a of the ε losses (shown when δ > 0; δ's value is in the list). */
export const ETA_LINE =
  '\\eta_a = \\delta\\, e^{m_a},\\quad m_a = \\max_b s_{ab}\\ \\text{(no gradient)}';

export const KERNEL_TEX = {
  gaussian:
    'K(\\Delta) = \\frac{1}{\\sqrt{2\\pi}\\,\\sigma}\\exp\\!\\left(-\\frac{\\Delta^2}{2\\sigma^2}\\right)',
  rbf: 'K(\\Delta) = \\exp\\!\\left(-\\frac{\\Delta^2}{2\\sigma^2}\\right)',
  cauchy: 'K(\\Delta) = \\frac{1}{\\sigma\\,\\Delta^2 + 1}',
} as const;

export const uniformityTex = (x: string, t: string) =>
  `\\log \\frac{2}{n(n-1)} \\sum_{i<j} e^{-${t}\\,\\lVert ${x}_i - ${x}_j \\rVert_2^2}`;
