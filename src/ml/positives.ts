/**
 * Definitions of positives as weight matrices over a view-major batch of M = V·N rows
 * (row a is view ⌊a/N⌋ of sample a mod N). Every matrix is a constant built on the CPU from labels
 * or attributes; the diagonal (the anchor itself) is always 0.
 */
import { kernelMatrix, type KernelParams } from './kernels/scalar';

export type PositivesDefinition =
  | { name: 'views' }
  | { name: 'class' }
  | { name: 'kernel'; kernel: string; params: KernelParams }
  | { name: 'threshold'; delta: number };

export const POSITIVES_NAMES = ['views', 'class', 'kernel', 'threshold'] as const;

export interface BatchDescription {
  nSamples: number;
  nViews: number;
  /** Class labels, one per sample (compared as integers). */
  labels?: readonly number[] | null;
  /** Continuous attributes, one scalar or vector per sample. */
  attributes?: readonly number[] | readonly (readonly number[])[];
}

/** A square matrix stored row-major. */
export interface SquareMatrix {
  size: number;
  values: Float64Array;
}

/** Weight of every (anchor, candidate) pair under a definition of positives. */
export function positiveWeights(
  definition: PositivesDefinition,
  batch: BatchDescription,
): SquareMatrix {
  const { nSamples: n, nViews } = batch;
  const m = n * nViews;
  const values = new Float64Array(m * m);
  const perSample = perSampleWeights(definition, batch);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      if (a === b) continue;
      values[a * m + b] = perSample[(a % n) * n + (b % n)]!;
    }
  }
  return { size: m, values };
}

/** N×N weights between samples before repetition over views (sample i with itself counts 1). */
function perSampleWeights(definition: PositivesDefinition, batch: BatchDescription): Float64Array {
  const n = batch.nSamples;
  const out = new Float64Array(n * n);
  switch (definition.name) {
    case 'views':
      for (let i = 0; i < n; i++) out[i * n + i] = 1;
      return out;
    case 'class': {
      const labels = requireLength(
        batch.labels,
        n,
        'class positives need one class label per sample',
      );
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) out[i * n + j] = sameClass(labels[i]!, labels[j]!) ? 1 : 0;
      return out;
    }
    case 'kernel': {
      const attributes = requireLength(
        batch.attributes,
        n,
        'kernel positives need one attribute per sample',
      );
      return kernelMatrix(definition.kernel, definition.params, attributes);
    }
    case 'threshold': {
      const attributes = requireLength(
        batch.attributes,
        n,
        'threshold positives need one attribute per sample',
      );
      const rows = attributes.map((a) => (Array.isArray(a) ? (a as number[]) : [a as number]));
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const d = Math.sqrt(rows[i]!.reduce((s, v, k) => s + (v - rows[j]![k]!) ** 2, 0));
          out[i * n + j] = d <= definition.delta ? 1 : 0;
        }
      return out;
    }
  }
}

/** Class labels are compared as integers: negative and non-contiguous ids are valid. */
export function sameClass(a: number, b: number): boolean {
  return Math.round(a) === Math.round(b);
}

/**
 * The 0/1 positive mask of family A: other rows of the same class, or, without labels, the other
 * views of the same sample. Row-major M×M, diagonal 0.
 */
export function positiveMask(
  nSamples: number,
  nViews: number,
  labels: readonly number[] | null,
): Float32Array {
  const definition: PositivesDefinition = labels ? { name: 'class' } : { name: 'views' };
  return Float32Array.from(positiveWeights(definition, { nSamples, nViews, labels }).values);
}

/**
 * The constant masks of family A over a view-major batch (row-major M×M, 0/1 bytes: the losses
 * select with them as bool tensors).
 */
export interface ContrastiveMasks {
  positives: Uint8Array;
  /** others − positives. */
  negatives: Uint8Array;
  /** 1 off the diagonal. */
  others: Uint8Array;
  /** |P(a)| per anchor. */
  positiveCounts: Float64Array;
  /** P_ab / max(|P(a)|, 1) / M: the weights of the mean over positives, then over anchors. */
  meanWeights(): Float32Array;
}

const MASK_CACHE_SIZE = 4;
const maskCache = new Map<string, ContrastiveMasks>();

/**
 * positiveMask, offDiagonalMask, their difference and the row counts in one pass, cached per
 * batch shape and labels (a few batches): without labels they are the same every step. The arrays
 * are shared: read-only.
 */
export function contrastiveMasks(
  nSamples: number,
  nViews: number,
  labels: readonly number[] | null,
): ContrastiveMasks {
  if (labels && labels.length !== nSamples)
    throw new Error(
      `class positives need one class label per sample (expected ${nSamples}, got ${labels.length}).`,
    );
  const key = `${nSamples}:${nViews}:${labels ? labels.map(Math.round).join(',') : 'views'}`;
  const hit = maskCache.get(key);
  if (hit) {
    maskCache.delete(key); // most recently used last
    maskCache.set(key, hit);
    return hit;
  }
  const m = nSamples * nViews;
  // The class of each row: its label, or its sample without labels.
  const rowClass = new Float64Array(m);
  for (let a = 0; a < m; a++)
    rowClass[a] = labels ? Math.round(labels[a % nSamples]!) : a % nSamples;
  const positives = new Uint8Array(m * m);
  const negatives = new Uint8Array(m * m);
  const others = new Uint8Array(m * m);
  const positiveCounts = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    const ca = rowClass[a]!;
    const row = a * m;
    let count = 0;
    for (let b = 0; b < m; b++) {
      if (b === a) continue;
      others[row + b] = 1;
      if (rowClass[b] === ca) {
        positives[row + b] = 1;
        count++;
      } else negatives[row + b] = 1;
    }
    positiveCounts[a] = count;
  }
  let weights: Float32Array | undefined;
  const meanWeights = () => {
    if (!weights) {
      weights = new Float32Array(m * m);
      for (let a = 0; a < m; a++) {
        const w = 1 / Math.max(positiveCounts[a]!, 1) / m;
        for (let b = 0; b < m; b++) if (positives[a * m + b]) weights[a * m + b] = w;
      }
    }
    return weights;
  };
  const masks = { positives, negatives, others, positiveCounts, meanWeights };
  maskCache.set(key, masks);
  if (maskCache.size > MASK_CACHE_SIZE) maskCache.delete(maskCache.keys().next().value!);
  return masks;
}

/** 1 off the diagonal, 0 on it: every row except the anchor itself. */
export function offDiagonalMask(size: number): Float32Array {
  const out = new Float32Array(size * size).fill(1);
  for (let i = 0; i < size; i++) out[i * size + i] = 0;
  return out;
}

function requireLength<A extends readonly unknown[]>(
  values: A | null | undefined,
  n: number,
  message: string,
): A {
  if (!values || values.length !== n) {
    throw new Error(`${message} (expected ${n}, got ${values ? values.length : 'none'}).`);
  }
  return values;
}
