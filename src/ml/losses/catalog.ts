/**
 * What every function of the math core is, without its implementation: name (the `fn` id of the
 * reference vectors), kind, one-line description, citation, inputs and a parameter schema with
 * defaults. Free of TF.js so the UI can build its forms from it; registry.ts binds the code.
 */
import { z } from 'zod';

export type FunctionKind = 'loss' | 'term' | 'metric' | 'kernel';

export interface InputSpec {
  name: string;
  /** `tensor`: a differentiable array; `constant`: labels, attributes, flags (no gradient). */
  role: 'tensor' | 'constant';
  description: string;
  optional?: boolean;
}

export interface CatalogEntry {
  name: string;
  kind: FunctionKind;
  description: string;
  /** Paper and official code it follows (spec file and section in docs/spec, a copy of ../shared/spec). */
  citation: string;
  inputs: readonly InputSpec[];
  params: z.ZodType<Record<string, unknown>>;
}

const positive = () => z.number().positive();
const finite = () => z.number().finite();
const temperature = (value: number) => positive().default(value);
const viewMajor: InputSpec = {
  name: 'features',
  role: 'tensor',
  description: '[V·N, d] embeddings, view-major (row v·N + i is view v of sample i)',
};
const classLabels: InputSpec = {
  name: 'labels',
  role: 'constant',
  description: 'one integer class per sample, or null for "the other views of the same sample"',
  optional: true,
};
const pairX: InputSpec = {
  name: 'x',
  role: 'tensor',
  description: '[n, d] first view of each sample',
};
const pairY: InputSpec = {
  name: 'y',
  role: 'tensor',
  description: '[n, d] second view of each sample',
};
const z1: InputSpec = { name: 'z1', role: 'tensor', description: '[n, d] first view (unit rows)' };
const z2: InputSpec = { name: 'z2', role: 'tensor', description: '[n, d] second view (unit rows)' };
const sampleMajor: InputSpec = {
  name: 'z',
  role: 'tensor',
  description: '[n, V, d] raw projector outputs, sample-major',
};
const prior: InputSpec = {
  name: 'prior',
  role: 'constant',
  description: 'prior features, one row per sample (weak attributes or a generative model)',
  optional: true,
};

const supconFamily = {
  temperature: temperature(0.07),
  base_temperature: temperature(0.07),
  n_views: z.number().int().min(1).default(2),
  normalize: z.boolean().default(true),
  contrast_mode: z.literal('all').default('all'),
};
const epsilonFamily = {
  ...supconFamily,
  temperature: temperature(0.1),
  epsilon: finite().default(0.25),
  log_eps_after_shift: z.number().min(0).default(0),
};
const kernelName = z.enum(['gaussian', 'rbf', 'cauchy']);

export const CATALOG: readonly CatalogEntry[] = [
  {
    name: 'nt_xent',
    kind: 'loss',
    description:
      'InfoNCE / NT-Xent (SimCLR): one positive per anchor, the other view of the same image.',
    citation:
      'Chen et al., ICML 2020; google-research/simclr tf2/objective.py add_contrastive_loss @383d414 (spec A §1)',
    inputs: [viewMajor],
    params: z.strictObject({
      temperature: temperature(0.1),
      normalize: z.boolean().default(true),
      reduction: z.enum(['mean', 'sum_of_view_means']).default('mean'),
      n_views: z.literal(2).default(2),
    }),
  },
  {
    name: 'supcon',
    kind: 'loss',
    description: 'Supervised contrastive loss: every same-class row is a positive (L_out or L_in).',
    citation:
      'Khosla et al., NeurIPS 2020; HobbitLong/SupContrast losses.py SupConLoss @66a8fe5 (spec A §2)',
    inputs: [viewMajor, classLabels],
    params: z.strictObject({ ...supconFamily, variant: z.enum(['out', 'in']).default('out') }),
  },
  {
    name: 'eps_supinfonce',
    kind: 'loss',
    description:
      'ε-SupInfoNCE: each positive must beat every negative by a margin ε (in logit units).',
    citation:
      'Barbano et al., ICLR 2023; EIDOSLAB/unbiased-contrastive-learning debiasing/losses.py EpsilonSupInfoNCE @25b3981 (spec A §3)',
    inputs: [viewMajor, classLabels],
    params: z.strictObject({ ...epsilonFamily, form: z.enum(['out', 'in']).default('out') }),
  },
  {
    name: 'eps_supcon',
    kind: 'loss',
    description: 'ε-SupCon: SupCon with every positive shifted by ε in the denominator.',
    citation:
      'Barbano et al., ICLR 2023; EIDOSLAB/unbiased-contrastive-learning debiasing/losses.py EpsilonSupCon @25b3981 (spec A §3)',
    inputs: [viewMajor, classLabels],
    params: z.strictObject({ ...epsilonFamily, form: z.literal('out').default('out') }),
  },
  {
    name: 'fairkl',
    kind: 'loss',
    description:
      'FairKL regulariser: matches the similarity distributions of bias-aligned and bias-conflicting pairs.',
    citation:
      'Barbano et al., ICLR 2023; EIDOSLAB/unbiased-contrastive-learning debiasing/losses.py fairkl @25b3981 (spec A §4)',
    inputs: [
      { name: 'features', role: 'tensor', description: '[B, d] one view, one row per sample' },
      { name: 'labels', role: 'constant', description: 'class label per row' },
      { name: 'bias_labels', role: 'constant', description: 'bias label per row' },
    ],
    params: z.strictObject({
      temperature: temperature(1),
      kld: z.number().min(0).default(1),
      normalize: z.boolean().default(true),
    }),
  },
  {
    name: 'y_aware_infonce',
    kind: 'loss',
    description: 'y-Aware InfoNCE: positives weighted by an RBF kernel on a continuous attribute.',
    citation:
      'Dufumier et al., MICCAI 2021; Duplums/yAwareContrastiveLearning losses.py GeneralizedSupervisedNTXenLoss @7f6b3c6 (spec A §5)',
    inputs: [
      viewMajor,
      {
        name: 'metadata',
        role: 'constant',
        description: 'attribute (scalar or vector) per sample',
      },
    ],
    params: z.strictObject({
      temperature: temperature(0.1),
      sigma: positive().default(5),
      normalize: z.boolean().default(true),
      weight_norm: z.enum(['official', 'row']).default('official'),
      kernel: z.literal('rbf').default('rbf'),
      n_views: z.literal(2).default(2),
    }),
  },
  {
    name: 'kernelized_supcon',
    kind: 'loss',
    description:
      'Contrastive regression: kernel-weighted positives with a plain, thresholded or exp-weighted denominator.',
    citation:
      'Barbano et al., ISBI 2023; EIDOSLAB/contrastive-brain-age-prediction src/losses.py KernelizedSupCon @2fe9e7b (spec A §6)',
    inputs: [
      viewMajor,
      { name: 'labels', role: 'constant', description: 'continuous label (age) per sample' },
    ],
    params: z
      .strictObject({
        ...supconFamily,
        temperature: temperature(0.1),
        method: z.enum(['supcon', 'yaware', 'threshold', 'expw']).default('yaware'),
        kernel: kernelName.nullable().default('gaussian'),
        // Unused by method 'supcon', where a case may leave it null (spec A §0).
        sigma: positive().nullable().default(1),
        delta_reduction: z.enum(['sum', 'mean']).default('sum'),
        expw_shift: z.enum(['rowmax', 'none']).default('rowmax'),
      })
      .refine((p) => p.method === 'supcon' || (p.kernel !== null && p.sigma !== null), {
        message: "methods other than 'supcon' need a kernel and a sigma",
        path: ['sigma'],
      }),
  },
  {
    name: 'align',
    kind: 'metric',
    description: 'Alignment: mean ‖x_i − y_i‖^α over positive pairs.',
    citation: 'Wang & Isola, ICML 2020; SsnL/align_uniform align_uniform/__init__.py (spec B §1)',
    inputs: [pairX, pairY],
    params: z.strictObject({ alpha: positive().default(2) }),
  },
  {
    name: 'uniform',
    kind: 'metric',
    description:
      'Uniformity: log of the mean Gaussian potential exp(−t‖x_i − x_j‖²) over distinct pairs.',
    citation: 'Wang & Isola, ICML 2020; SsnL/align_uniform align_uniform/__init__.py (spec B §1)',
    inputs: [{ name: 'x', role: 'tensor', description: '[n, d] embeddings' }],
    params: z.strictObject({ t: positive().default(2) }),
  },
  {
    name: 'align_uniform',
    kind: 'loss',
    description:
      'Alignment + uniformity objective: w_align·L_align + w_unif·½[L_unif(x) + L_unif(y)].',
    citation: 'Wang & Isola, ICML 2020; SsnL/align_uniform align_uniform/__init__.py (spec B §1)',
    inputs: [pairX, pairY],
    params: z.strictObject({
      alpha: positive().default(2),
      t: positive().default(2),
      w_align: z.number().min(0).default(1),
      w_unif: z.number().min(0).default(1),
    }),
  },
  {
    name: 'decoupled_uniformity',
    kind: 'loss',
    description:
      'Decoupled uniformity: spread the centroids of the views; a kernel prior turns them into conditional means.',
    citation:
      'Dufumier et al., ICML 2023; Duplums/contrastive-decoupled-uniformity src/decoupled_uniformity.py (spec B §2)',
    inputs: [sampleMajor, prior],
    params: z.strictObject({
      t: positive().default(2),
      kernel: z.enum(['rbf', 'cosine']).nullable().default(null),
      sigma: positive().nullable().default(null),
      // 0 or null (unset) means the official fallback 1/√n.
      lambda: z.number().min(0).nullable().default(0.01),
      lambda_effective: z.number().optional(),
    }),
  },
  {
    name: 'du_align',
    kind: 'metric',
    description: 'The alignment metric logged with decoupled uniformity: −mean ‖μ_i‖².',
    citation:
      'Dufumier et al., ICML 2023; Duplums/contrastive-decoupled-uniformity src/decoupled_uniformity.py, logged align metric (spec B §2.2)',
    inputs: [sampleMajor, prior],
    params: z.strictObject({
      kernel: z.enum(['rbf', 'cosine']).nullable().default(null),
      sigma: positive().nullable().default(null),
      lambda: z.number().min(0).nullable().default(0.01),
    }),
  },
  {
    name: 'dcl',
    kind: 'loss',
    description:
      'Decoupled contrastive learning: InfoNCE without the positive in the denominator, both directions.',
    citation:
      'Yeh et al., ECCV 2022; no author code: raminnakhli/Decoupled-Contrastive-Learning loss/dcl.py, the one lightly cites (spec B §3)',
    inputs: [z1, z2],
    params: z.strictObject({ tau: temperature(0.1) }),
  },
  {
    name: 'dcl_one_way',
    kind: 'term',
    description: 'DCL with anchors from the first view only.',
    citation:
      'Yeh et al., ECCV 2022; raminnakhli/Decoupled-Contrastive-Learning loss/dcl.py (spec B §3)',
    inputs: [z1, z2],
    params: z.strictObject({ tau: temperature(0.1) }),
  },
  {
    name: 'dclw',
    kind: 'loss',
    description: 'Weighted DCL: positives weighted by 2 − n·softmax(⟨z¹_i, z²_i⟩/σ).',
    citation:
      'Yeh et al., ECCV 2022; raminnakhli/Decoupled-Contrastive-Learning loss/dcl.py (spec B §3)',
    inputs: [z1, z2],
    params: z.strictObject({
      tau: temperature(0.1),
      sigma: positive().default(0.5),
      detach_weights: z.boolean().default(false),
    }),
  },
  {
    name: 'sepclr',
    kind: 'loss',
    description:
      'SepCLR: separate common from salient factors between a background and a target data set.',
    citation:
      'Louiset et al., ICLR 2024; neurospin-projects/2024_rlouiset_sep_clr losses.py + cifar_mnist/sep_clr_k-jem.py (spec B §4)',
    inputs: [
      {
        name: 'c1',
        role: 'tensor',
        description: '[n, dc] common head, view 1 (normalised inside)',
      },
      { name: 'c2', role: 'tensor', description: '[n, dc] common head, view 2' },
      { name: 's1', role: 'tensor', description: '[n, ds] salient head, view 1 (Euclidean)' },
      { name: 's2', role: 'tensor', description: '[n, ds] salient head, view 2' },
      { name: 'is_target', role: 'constant', description: '1 for target, 0 for background' },
    ],
    params: z.strictObject({
      beta_salient: z.number().min(0).default(1000),
      beta_reg: z.number().min(0).default(1000),
      lambda_jem: z.number().min(0).default(10),
      tau: positive().default(0.5),
      unif_weight: z.number().min(0).default(2),
    }),
  },
  {
    name: 'sepclr_align',
    kind: 'term',
    description: 'SepCLR alignment A_τ: mean ‖x_i − y_i‖²/(2τ).',
    citation:
      'Louiset et al., ICLR 2024; neurospin-projects/2024_rlouiset_sep_clr losses.py (spec B §4.3)',
    inputs: [pairX, pairY],
    params: z.strictObject({ tau: positive().default(0.5) }),
  },
  {
    name: 'sepclr_uniform',
    kind: 'term',
    description: 'SepCLR uniformity U_τ (t = 1/(2τ)), rows as given.',
    citation:
      'Louiset et al., ICLR 2024; neurospin-projects/2024_rlouiset_sep_clr losses.py (spec B §4.3)',
    inputs: [{ name: 'x', role: 'tensor', description: '[n, d] codes' }],
    params: z.strictObject({ tau: positive().default(0.5) }),
  },
  {
    name: 'sepclr_sup_align',
    kind: 'term',
    description: 'Supervised salient alignment: kernel-weighted squared gaps of one coordinate.',
    citation:
      'Louiset et al., ICLR 2024; 2024_rlouiset_sep_clr dsprite_digit_grid/supervised_disentangled_sep_clr_k-jem.py (spec B §4.7)',
    inputs: [
      { name: 'x', role: 'tensor', description: '[n] or [n, 1] one salient coordinate' },
      { name: 'metadata', role: 'constant', description: 'attribute per sample' },
    ],
    params: z.strictObject({ tau: positive().default(0.025) }),
  },
  {
    name: 'kjem',
    kind: 'term',
    description:
      'k-JEM: kernel joint-entropy estimate of (c, s); minimising it pushes I(c; s) to 0.',
    citation:
      'Louiset et al., ICLR 2024; neurospin-projects/2024_rlouiset_sep_clr losses.py (spec B §4.3)',
    inputs: [
      { name: 'c', role: 'tensor', description: '[n, dc] unit common codes' },
      { name: 's', role: 'tensor', description: '[n, ds] salient codes, background rows at 0' },
    ],
    params: z.strictObject({ tau: positive().default(0.5) }),
  },
  ...(
    [
      [
        'kernel_rbf',
        'RBF kernel exp(−‖p − p′‖²/(2σ²))',
        { sigma: positive().default(1) },
        'Duplums/contrastive-decoupled-uniformity src/util.py; y-Aware via sklearn rbf_kernel (spec B §5)',
      ],
      [
        'kernel_cosine',
        'Cosine kernel ⟨p, p′⟩/(‖p‖‖p′‖)',
        {},
        'Duplums/contrastive-decoupled-uniformity src/util.py, its broken import fixed (spec B §5, §2.4)',
      ],
      [
        'kernel_gaussian_pdf',
        'Gaussian density exp(−Δ²/(2σ²))/(√(2π)σ)',
        { sigma: positive().default(1) },
        'EIDOSLAB/contrastive-brain-age-prediction src/main_infonce.py --kernel gaussian @2fe9e7b (spec B §5)',
      ],
      [
        'kernel_cauchy',
        'Cauchy kernel 1/(1 + γΔ²)',
        { gamma: positive().default(1) },
        'EIDOSLAB/contrastive-brain-age-prediction src/main_infonce.py --kernel cauchy, γ passed as --sigma @2fe9e7b (spec B §5)',
      ],
      [
        'kernel_gaussian_tau',
        'SepCLR Gaussian exp(−‖a − b‖²/(2τ)), τ a variance',
        { tau: positive().default(0.5) },
        'neurospin-projects/2024_rlouiset_sep_clr losses.py (spec B §5)',
      ],
    ] as const
  ).map(([name, description, params, citation]): CatalogEntry => ({
    name,
    kind: 'kernel',
    description,
    citation,
    inputs: [
      { name: 'metadata', role: 'tensor', description: 'attribute (scalar or vector) per sample' },
    ],
    params: z.strictObject(params),
  })),
];

const BY_NAME = new Map(CATALOG.map((entry) => [entry.name, entry]));

export function catalogEntry(name: string): CatalogEntry {
  const entry = BY_NAME.get(name);
  if (!entry) {
    throw new Error(
      `Unknown function '${name}'. Valid names: ${CATALOG.map((e) => e.name).join(', ')}.`,
    );
  }
  return entry;
}

/** The trainable losses, for pickers. */
export function listLosses(): CatalogEntry[] {
  return CATALOG.filter((e) => e.kind === 'loss');
}

/** Validated parameters with defaults filled in; the error names the function, the field and the choices. */
export function parseParams(name: string, params: unknown): Record<string, unknown> {
  const entry = catalogEntry(name);
  const result = entry.params.safeParse(params ?? {});
  if (result.success) return result.data;
  const valid = Object.keys(defaultParams(name));
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `unknown parameter ${issue.keys.map((k) => `'${k}'`).join(', ')} (valid: ${valid.join(', ') || 'none'})`;
    }
    return `'${issue.path.join('.')}': ${issue.message}`;
  });
  throw new Error(`Invalid parameters for '${name}': ${problems.join('; ')}.`);
}

/** Every parameter a function's schema knows, optional ones included. */
export function paramKeys(name: string): string[] {
  const schema = catalogEntry(name).params as unknown as { shape?: Record<string, unknown> };
  return Object.keys(schema.shape ?? {});
}

export function defaultParams(name: string): Record<string, unknown> {
  return catalogEntry(name).params.parse({});
}

/** How the UI renders one parameter of a function. */
export type ParamField =
  | {
      key: string;
      kind: 'number';
      default: number | null;
      nullable: boolean;
      integer: boolean;
      min?: number;
    }
  | { key: string; kind: 'boolean'; default: boolean }
  | {
      key: string;
      kind: 'choice';
      default: string | number | null;
      options: (string | number)[];
      nullable: boolean;
    };

interface ZodDefLike {
  type: string;
  innerType?: { def: ZodDefLike };
  values?: (string | number)[];
  entries?: Record<string, string>;
  checks?: { _zod?: { def?: { check?: string; value?: number; format?: string } } }[];
}

/** The parameters of a function as form fields, read from its schema (fixed literals are left out). */
export function paramFields(name: string): ParamField[] {
  const schema = catalogEntry(name).params as unknown as {
    shape?: Record<string, { def: ZodDefLike }>;
  };
  const defaults = defaultParams(name);
  const fields: ParamField[] = [];
  for (const [key, node] of Object.entries(schema.shape ?? {})) {
    if (key === 'lambda_effective') continue; // reported by the vectors, never set
    let def = node.def;
    let nullable = false;
    while (['default', 'nullable', 'optional'].includes(def.type) && def.innerType) {
      if (def.type === 'nullable') nullable = true;
      def = def.innerType.def;
    }
    const value = defaults[key];
    if (def.type === 'number') {
      const checks = (def.checks ?? []).map((c) => c._zod?.def ?? {});
      const min = checks.find((c) => c.check === 'greater_than')?.value;
      const integer = checks.some((c) => c.format === 'safeint' || c.check === 'number_format');
      fields.push({
        key,
        kind: 'number',
        default: (value as number | null) ?? null,
        nullable,
        integer,
        ...(min !== undefined ? { min } : {}),
      });
    } else if (def.type === 'boolean') {
      fields.push({ key, kind: 'boolean', default: value as boolean });
    } else if (def.type === 'enum') {
      const options = Object.values(def.entries ?? {});
      fields.push({
        key,
        kind: 'choice',
        default: (value as string | null) ?? null,
        options,
        nullable,
      });
    }
  }
  return fields;
}
