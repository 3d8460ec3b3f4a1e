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
  readonly positives: Uint8Array;
  /** others − positives. */
  readonly negatives: Uint8Array;
  /** 1 off the diagonal. */
  readonly others: Uint8Array;
  /** |P(a)| per anchor. */
  positiveCounts: Float64Array;
  /** P_ab / max(|P(a)|, 1) / M: the weights of the mean over positives, then over anchors. */
  meanWeights(): Float32Array;
}

const MASK_CACHE_SIZE = 4;
const maskCache = new Map<
  string,
  { masks: ContrastiveMasks; built: MaskArray[]; retire: () => void }
>();
/** `others` depends on M alone: one per batch size, kept across batches whose labels differ. */
const othersCache = new Map<number, Uint8Array>();

type MaskArray = Uint8Array | Float32Array;
/**
 * The arrays of masks evicted from the cache, for the next masks of the same size to overwrite.
 * Fresh memory costs more than filling it: at batch 256×2, a new 1 MB array took 0.5–0.7 ms in
 * Chromium against 0.1 ms for one reused (the first write of each page faults), every step.
 */
const spare: MaskArray[] = [];
const SPARE_ARRAYS = 6;

function reuseOrMake<T extends MaskArray>(make: new (length: number) => T, length: number): T {
  const i = spare.findIndex((a) => a instanceof make && a.length === length);
  return i < 0 ? new make(length) : (spare.splice(i, 1)[0] as T);
}

/**
 * positiveMask, offDiagonalMask, their difference and the row counts, cached per batch shape and
 * labels (a few batches): without labels they are the same every step. With labels they change
 * every step, so each mask is built on its first read only (a loss reads one or two of them) and
 * each row is a copy of its class's row (rows of one class differ only on their own diagonal):
 * M² = 262,144 entries at batch 256×2. The arrays are shared and read-only, and valid while their
 * masks are among the last MASK_CACHE_SIZE asked for: a loss reads them in its own step (a tensor
 * made from them on the CPU backend keeps the array itself), and those of older masks are refilled.
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
    return hit.masks;
  }
  const built: MaskArray[] = [];
  let retired = false;
  const live = <T>(read: () => T): T => {
    if (retired)
      throw new Error(
        'contrastive masks read after their arrays were reused: read them in the step that asked for them',
      );
    return read();
  };
  const m = nSamples * nViews;
  // Each row's class as an index 0..classes−1: its label, or its sample without labels.
  const classOfRow = new Int32Array(m);
  const classIndex = new Map<number, number>();
  let classes = 0;
  for (let a = 0; a < m; a++) {
    const c = labels ? Math.round(labels[a % nSamples]!) : a % nSamples;
    // A NaN label matches nothing (sameClass), not even the row's other views: a class of its own.
    if (Number.isNaN(c)) {
      classOfRow[a] = classes++;
      continue;
    }
    let index = classIndex.get(c);
    if (index === undefined) classIndex.set(c, (index = classes++));
    classOfRow[a] = index;
  }
  const classSize = new Float64Array(classes);
  for (let a = 0; a < m; a++) classSize[classOfRow[a]!]!++;
  const positiveCounts = Float64Array.from(classOfRow, (c) => classSize[c]! - 1);
  /** A row per class: `inClass` where b is in the class, else `outOfClass`; the diagonal `diagonal`. */
  const fromClassRows = <T extends Uint8Array | Float32Array>(
    out: T,
    classRow: (c: number, row: T) => void,
    diagonal: number,
  ): T => {
    const row = out.slice(0, m) as T; // a scratch row (rows of `out` get their diagonal cleared)
    for (let c = 0; c < classSize.length; c++) {
      classRow(c, row);
      for (let a = 0; a < m; a++) {
        if (classOfRow[a] !== c) continue;
        out.set(row, a * m);
        out[a * m + a] = diagonal;
      }
    }
    return out;
  };
  const reused = <T extends MaskArray>(make: new (length: number) => T): T => {
    const array = reuseOrMake(make, m * m);
    built.push(array);
    return array;
  };
  const membership = (inClass: number, outOfClass: number) =>
    fromClassRows(
      reused(Uint8Array),
      (c, row) => {
        for (let b = 0; b < m; b++) row[b] = classOfRow[b] === c ? inClass : outOfClass;
      },
      0,
    );
  let positives: Uint8Array | undefined;
  let negatives: Uint8Array | undefined;
  let weights: Float32Array | undefined;
  const masks: ContrastiveMasks = {
    get positives() {
      return live(() => (positives ??= membership(1, 0)));
    },
    get negatives() {
      return live(() => (negatives ??= membership(0, 1)));
    },
    get others() {
      return live(() => {
        let others = othersCache.get(m);
        if (!others) {
          others = new Uint8Array(m * m).fill(1);
          for (let a = 0; a < m; a++) others[a * m + a] = 0;
          othersCache.clear();
          othersCache.set(m, others);
        }
        return others;
      });
    },
    positiveCounts,
    meanWeights: () =>
      live(
        () =>
          (weights ??= fromClassRows(
            reused(Float32Array),
            (c, row) => {
              const w = 1 / Math.max(classSize[c]! - 1, 1) / m;
              for (let b = 0; b < m; b++) row[b] = classOfRow[b] === c ? w : 0;
            },
            0,
          )),
      ),
  };
  maskCache.set(key, { masks, built, retire: () => (retired = true) });
  if (maskCache.size > MASK_CACHE_SIZE) {
    const [oldest, evicted] = maskCache.entries().next().value!;
    maskCache.delete(oldest);
    evicted.retire();
    spare.push(...evicted.built);
    spare.splice(0, Math.max(0, spare.length - SPARE_ARRAYS));
  }
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
