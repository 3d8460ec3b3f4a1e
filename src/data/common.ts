/** Helpers shared by the data-set builders: split allocation, subsetting, parameter checks. */
import type { z } from 'zod';
import type { DataSplit, ImageShape } from './types';

export function allocSplit(
  n: number,
  shape: ImageShape,
  labels: string[],
  attributes: string[] = [],
  flags: string[] = [],
): DataSplit {
  const split: DataSplit = {
    n,
    images: new Float32Array(n * shape.height * shape.width * shape.channels),
    labels: {},
    attributes: {},
    flags: {},
  };
  for (const l of labels) split.labels[l] = new Int32Array(n);
  for (const a of attributes) split.attributes[a] = new Float32Array(n);
  for (const f of flags) split.flags[f] = new Uint8Array(n);
  return split;
}

/** A new split with the rows `indices` of `src` (in that order). */
export function subsetSplit(src: DataSplit, indices: ArrayLike<number>): DataSplit {
  const n = indices.length;
  const per = src.n > 0 ? src.images.length / src.n : 0;
  const out: DataSplit = {
    n,
    images: new Float32Array(n * per),
    labels: {},
    attributes: {},
    flags: {},
  };
  for (let i = 0; i < n; i++) {
    const j = indices[i] as number;
    out.images.set(src.images.subarray(j * per, (j + 1) * per), i * per);
  }
  for (const [k, v] of Object.entries(src.labels))
    out.labels[k] = Int32Array.from(indices, (j) => v[j] as number);
  for (const [k, v] of Object.entries(src.attributes)) {
    out.attributes[k] = Float32Array.from(indices, (j) => v[j] as number);
  }
  for (const [k, v] of Object.entries(src.flags))
    out.flags[k] = Uint8Array.from(indices, (j) => v[j] as number);
  return out;
}

/** Parses a data set's parameters with its schema; errors name the data set and the field. */
export function parseParams<T>(
  id: string,
  schema: z.ZodType<T>,
  params: Record<string, unknown>,
): T {
  const r = schema.safeParse(params);
  if (r.success) return r.data;
  const msgs = r.error.issues.map((i) => {
    const field = i.path.length ? `'${i.path.join('.')}'` : 'config';
    return `${field}: ${i.message}`;
  });
  throw new Error(`data set '${id}': invalid parameter ${msgs.join('; ')}`);
}

export function imageSize(shape: ImageShape): number {
  return shape.height * shape.width * shape.channels;
}
