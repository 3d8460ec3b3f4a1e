/** The `contrastive-vectors/1` file format (test/vectors/README.md), validated with zod. */
import { z } from 'zod';

const nonFinite = z.enum(['NaN', 'Infinity', '-Infinity']);
const scalarValue = z.union([z.number(), nonFinite]);
type Nested = number | null | Nested[];
const nested: z.ZodType<Nested> = z.lazy(() => z.union([z.number(), z.null(), z.array(nested)]));

const tolerance = z.object({
  value_rel: z.number().nonnegative(),
  value_abs: z.number().nonnegative(),
  grad_rel: z.number().nonnegative(),
  grad_abs: z.number().nonnegative(),
});

export const vectorCaseSchema = z.looseObject({
  name: z.string().min(1),
  fn: z.string().min(1),
  params: z.record(z.string(), z.unknown()),
  inputs: z.record(z.string(), nested),
  value: z.union([scalarValue, z.array(z.array(z.number()))]),
  grad: z.record(z.string(), nested).nullable(),
});

export const vectorFileSchema = z.looseObject({
  format: z.literal('contrastive-vectors/1'),
  tolerance: z.object({ float32: tolerance }),
  cases: z.array(z.unknown()),
});

export type VectorCase = z.infer<typeof vectorCaseSchema>;
export type Tolerance = z.infer<typeof tolerance>;

/** A finite number, or NaN / ±Infinity from their string spellings. */
export function decodeScalar(value: number | string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw new Error(`not a number: ${value}`);
}

/** Parameters that count as loss weights in the pass rule; no others do. */
const WEIGHT_PARAMS = [
  'w_align',
  'w_unif',
  'beta_salient',
  'beta_reg',
  'lambda_jem',
  'unif_weight',
];

export function weightScale(params: Record<string, unknown>): number {
  let s = 1;
  for (const key of WEIGHT_PARAMS) {
    const v = params[key];
    if (typeof v === 'number' && Number.isFinite(v)) s = Math.max(s, Math.abs(v));
  }
  return s;
}
