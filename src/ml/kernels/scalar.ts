/**
 * Kernels on attributes (spec B §5, spec A §6) in float64 over plain arrays, free of TF.js: prior
 * weights and positive weights are constants built on the CPU (so thresholds and ties match the
 * float64 reference), and the UI draws the positives' heatmap with the same code.
 */
export const KERNEL_NAMES = ['rbf', 'gaussian_pdf', 'cauchy', 'cosine', 'gaussian_tau'] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];

/** Aliases used by the official code bases: Barbano et al.'s `gaussian` carries the density prefactor. */
const ALIASES: Record<string, KernelName> = { gaussian: 'gaussian_pdf' };

export interface KernelParams {
  /** Standard deviation for rbf and gaussian_pdf. */
  sigma?: number;
  /** Multiplier of Δ² for cauchy (passed as `--sigma` in Barbano et al.'s code). */
  gamma?: number;
  /** Variance for gaussian_tau (SepCLR). */
  tau?: number;
}

export interface DistanceProfile {
  kind: 'distance';
  /** Name of the bandwidth parameter this kernel reads. */
  bandwidth: keyof KernelParams;
  scalar: (sqDist: number, h: number) => number;
}

const SQRT_2PI = Math.sqrt(2 * Math.PI);

export const PROFILES: Record<Exclude<KernelName, 'cosine'>, DistanceProfile> = {
  rbf: {
    kind: 'distance',
    bandwidth: 'sigma',
    scalar: (d2, s) => Math.exp(-d2 / (2 * s * s)),
  },
  gaussian_pdf: {
    kind: 'distance',
    bandwidth: 'sigma',
    scalar: (d2, s) => Math.exp(-d2 / (2 * s * s)) / (SQRT_2PI * s),
  },
  cauchy: {
    kind: 'distance',
    bandwidth: 'gamma',
    scalar: (d2, g) => 1 / (1 + g * d2),
  },
  gaussian_tau: {
    kind: 'distance',
    bandwidth: 'tau',
    scalar: (d2, t) => Math.exp(-d2 / (2 * t)),
  },
};

export function resolveKernelName(name: string): KernelName {
  const resolved = ALIASES[name] ?? name;
  if (!(KERNEL_NAMES as readonly string[]).includes(resolved)) {
    throw new Error(
      `Unknown kernel '${name}'. Valid kernels: ${[...KERNEL_NAMES, ...Object.keys(ALIASES)].join(', ')}.`,
    );
  }
  return resolved as KernelName;
}

export function bandwidthOf(name: KernelName, params: KernelParams): number {
  if (name === 'cosine') return 1;
  const key = PROFILES[name].bandwidth;
  const h = params[key];
  if (typeof h !== 'number' || !Number.isFinite(h) || h <= 0) {
    throw new Error(`Kernel '${name}' needs a positive finite '${key}' (got ${String(h)}).`);
  }
  return h;
}

/** Attributes as rows: a 1-D attribute becomes [n, 1]. */
export function attributeRows(
  attributes: readonly number[] | readonly (readonly number[])[],
): number[][] {
  return attributes.map((a) => (Array.isArray(a) ? [...(a as number[])] : [a as number]));
}

/** The n×n kernel matrix in float64, row-major. */
export function kernelMatrix(
  name: string,
  params: KernelParams,
  attributes: readonly number[] | readonly (readonly number[])[],
): Float64Array {
  const kernel = resolveKernelName(name);
  const h = bandwidthOf(kernel, params);
  const rows = attributeRows(attributes);
  const n = rows.length;
  const out = new Float64Array(n * n);
  if (kernel === 'cosine') {
    const norms = rows.map((r) => Math.max(Math.hypot(...r), 1e-12));
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        out[i * n + j] = dot(rows[i]!, rows[j]!) / (norms[i]! * norms[j]!);
      }
    return out;
  }
  const profile = PROFILES[kernel];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      out[i * n + j] = profile.scalar(squaredDistance(rows[i]!, rows[j]!), h);
    }
  return out;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const d = a[k]! - b[k]!;
    s += d * d;
  }
  return s;
}
