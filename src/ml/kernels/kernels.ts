/**
 * Kernels on attributes (spec B §5, spec A §6). Each kernel appears once, in two forms next to each
 * other: a float64 one over plain arrays (prior weights and positive weights are constants, built
 * on the CPU so that thresholds and ties match the float64 reference), and a differentiable tensor
 * one (for the kernel vectors, whose gradient is taken with respect to the attributes).
 */
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from '../similarity';

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

interface DistanceProfile {
  kind: 'distance';
  /** Name of the bandwidth parameter this kernel reads. */
  bandwidth: keyof KernelParams;
  scalar: (sqDist: number, h: number) => number;
  tensor: (sqDist: tf.Tensor, h: number) => tf.Tensor;
}

const SQRT_2PI = Math.sqrt(2 * Math.PI);

const PROFILES: Record<Exclude<KernelName, 'cosine'>, DistanceProfile> = {
  rbf: {
    kind: 'distance',
    bandwidth: 'sigma',
    scalar: (d2, s) => Math.exp(-d2 / (2 * s * s)),
    tensor: (d2, s) => tf.exp(tf.div(d2, -2 * s * s)),
  },
  gaussian_pdf: {
    kind: 'distance',
    bandwidth: 'sigma',
    scalar: (d2, s) => Math.exp(-d2 / (2 * s * s)) / (SQRT_2PI * s),
    tensor: (d2, s) => tf.div(tf.exp(tf.div(d2, -2 * s * s)), SQRT_2PI * s),
  },
  cauchy: {
    kind: 'distance',
    bandwidth: 'gamma',
    scalar: (d2, g) => 1 / (1 + g * d2),
    tensor: (d2, g) => tf.reciprocal(tf.add(1, tf.mul(g, d2))),
  },
  gaussian_tau: {
    kind: 'distance',
    bandwidth: 'tau',
    scalar: (d2, t) => Math.exp(-d2 / (2 * t)),
    tensor: (d2, t) => tf.exp(tf.div(d2, -2 * t)),
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

function bandwidthOf(name: KernelName, params: KernelParams): number {
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

/** The kernel matrix as a differentiable function of the attributes ([n] or [n, k]). */
export function kernelMatrixTensor(
  name: string,
  params: KernelParams,
  attributes: tf.Tensor,
): tf.Tensor2D {
  const kernel = resolveKernelName(name);
  const h = bandwidthOf(kernel, params);
  const rows = (attributes.rank === 1 ? tf.expandDims(attributes, 1) : attributes) as tf.Tensor2D;
  if (kernel === 'cosine') {
    const unit = l2Normalize(rows) as tf.Tensor2D;
    return tf.matMul(unit, unit, false, true);
  }
  // Explicit differences (not the Gram form): attributes are few, and Δ = 0 must be exact.
  const diff = tf.sub(tf.expandDims(rows, 1), tf.expandDims(rows, 0));
  const sqDist = tf.sum(tf.square(diff), -1);
  return PROFILES[kernel].tensor(sqDist, h) as tf.Tensor2D;
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
