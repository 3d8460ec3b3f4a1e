/**
 * Shared test utilities for the math core: a seeded RNG for random inputs, plain float64 maths
 * (independent of src/ml, so naive reference loops never call the code they check), evaluation of
 * registry functions with their gradients, central finite differences and the float32 pass rule of
 * test/vectors/README.md.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { getFunction, type ConstantInput } from '../../../src/ml/losses/registry';

// ---------------------------------------------------------------------------------------------
// Backend

/** The CPU backend of the full @tensorflow/tfjs package (which registers every gradient). */
export async function useCpuBackend(): Promise<void> {
  const ok = await tf.setBackend('cpu');
  await tf.ready();
  if (!ok || tf.getBackend() !== 'cpu') throw new Error('could not start the cpu backend');
}

// ---------------------------------------------------------------------------------------------
// Seeded random inputs

export type Rng = () => number;
export type Matrix = number[][];
export type Tensor3 = number[][][];

/** mulberry32: a small, fast, seeded uniform generator on [0, 1). */
export function makeRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw (Box–Muller). */
export function randn(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * A rows×cols Gaussian matrix (times `scale`), rounded to float32 so the project (float32) and the
 * naive float64 loops see exactly the same numbers.
 */
export function randomMatrix(rng: Rng, rows: number, cols: number, scale = 1): Matrix {
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => Math.fround(scale * randn(rng))),
  );
}

/** Rows on the unit sphere (up to float32 rounding). */
export function randomUnitRows(rng: Rng, rows: number, cols: number): Matrix {
  return roundF32(randomMatrix(rng, rows, cols).map((r) => normalizeRow(r)));
}

/** A [n][V][d] Gaussian array, float32-representable. */
export function randomTensor3(rng: Rng, n: number, v: number, d: number, scale = 1): Tensor3 {
  return Array.from({ length: n }, () => randomMatrix(rng, v, d, scale));
}

/** n integers in [0, k). */
export function randomInts(rng: Rng, n: number, k: number): number[] {
  return Array.from({ length: n }, () => Math.floor(rng() * k));
}

/** n uniform reals in [lo, hi), float32-representable. */
export function randomUniform(rng: Rng, n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * rng()));
}

/** A uniformly random permutation of 0..n−1 that is not the identity (n ≥ 2). */
export function randomPermutation(rng: Rng, n: number): number[] {
  for (;;) {
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    if (n < 2 || perm.some((p, i) => p !== i)) return perm;
  }
}

/** A random d×d orthogonal matrix: modified Gram–Schmidt of a Gaussian matrix, in float64. */
export function randomOrthogonal(rng: Rng, d: number): Matrix {
  const q: Matrix = [];
  while (q.length < d) {
    let v = Array.from({ length: d }, () => randn(rng));
    for (const u of q) {
      const p = dot(v, u);
      v = v.map((x, k) => x - p * u[k]!);
    }
    const len = norm(v);
    if (len > 1e-6) q.push(v.map((x) => x / len));
  }
  return q;
}

/** Rounds every entry to float32. */
export function roundF32(m: Matrix): Matrix {
  return m.map((r) => r.map((x) => Math.fround(x)));
}

// ---------------------------------------------------------------------------------------------
// Float64 maths

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

export function norm(a: readonly number[]): number {
  return Math.sqrt(dot(a, a));
}

/** ‖a − b‖². */
export function sqDist(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k]! - b[k]!) ** 2;
  return s;
}

/** a / max(‖a‖, 1e-12). */
export function normalizeRow(a: readonly number[]): number[] {
  const len = Math.max(norm(a), 1e-12);
  return a.map((x) => x / len);
}

/** log Σ exp(u); −∞ for an empty list. */
export function logSumExp(values: readonly number[]): number {
  if (values.length === 0) return Number.NEGATIVE_INFINITY;
  const m = Math.max(...values);
  if (m === Number.NEGATIVE_INFINITY) return m;
  let s = 0;
  for (const v of values) s += Math.exp(v - m);
  return m + Math.log(s);
}

export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

export function mean(values: readonly number[]): number {
  return sum(values) / values.length;
}

export function matMul(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)));
}

/** s_ab = z_a·z_b/τ with z = x (or x normalised): the logits of every family-A loss. */
export function logitMatrix(x: Matrix, tau: number, normalize: boolean): Matrix {
  const z = normalize ? x.map((r) => normalizeRow(r)) : x;
  return z.map((za) => z.map((zb) => dot(za, zb) / tau));
}

/** View-major batch with its samples permuted: new row v·N + i is old row v·N + perm[i]. */
export function permuteViewMajor(rows: Matrix, nViews: number, perm: readonly number[]): Matrix {
  const n = rows.length / nViews;
  const out: Matrix = [];
  for (let v = 0; v < nViews; v++)
    for (let i = 0; i < n; i++) out.push([...rows[v * n + perm[i]!]!]);
  return out;
}

export function permute<T>(values: readonly T[], perm: readonly number[]): T[] {
  return perm.map((p) => values[p]!);
}

/** X·Q for every row, rounded to float32. */
export function rotateRows(x: Matrix, q: Matrix): Matrix {
  return roundF32(matMul(x, q));
}

// ---------------------------------------------------------------------------------------------
// Nested arrays, finite differences

export type Nested = number | Nested[];

export function flatten(data: Nested): number[] {
  return Array.isArray(data) ? data.flatMap((d) => flatten(d)) : [data];
}

/** Rebuilds an array of the template's shape from a flat list. */
export function unflattenLike<T extends Nested>(template: T, flat: readonly number[]): T {
  let i = 0;
  const build = (t: Nested): Nested => (Array.isArray(t) ? t.map((x) => build(x)) : flat[i++]!);
  return build(template) as T;
}

/**
 * Central finite differences of a float64 function of several named arrays, for every coordinate
 * (or the first `limit` coordinates chosen by `pick`) of the inputs named in `wrt`.
 */
export function numericGrads<I extends Record<string, Nested>>(
  f: (inputs: I) => number,
  inputs: I,
  wrt: readonly (keyof I & string)[],
  h = 1e-6,
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const name of wrt) {
    const base = flatten(inputs[name]!);
    const grad = new Array<number>(base.length);
    for (let k = 0; k < base.length; k++) {
      const eval_ = (delta: number) => {
        const moved = [...base];
        moved[k] = base[k]! + delta;
        return f({ ...inputs, [name]: unflattenLike(inputs[name]!, moved) });
      };
      grad[k] = (eval_(h) - eval_(-h)) / (2 * h);
    }
    out[name] = grad;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Running the project's functions

export type Constants = Record<string, ConstantInput | undefined>;

export interface Evaluation {
  value: number;
  /** Gradient of the value with respect to each requested input, flattened. */
  grads: Record<string, number[]>;
}

/**
 * Evaluates registry function `name` on the given arrays (float32 tensors) and, for the inputs
 * named in `wrt`, its gradient. Every tensor created here is disposed.
 */
export function evaluate(
  name: string,
  tensors: Record<string, Nested>,
  constants: Constants = {},
  params: Record<string, unknown> = {},
  wrt: readonly string[] = [],
): Evaluation {
  const fn = getFunction(name);
  const inputs: Record<string, tf.Tensor> = {};
  for (const [key, data] of Object.entries(tensors))
    inputs[key] = tf.tensor(data as tf.TensorLike, undefined, 'float32');
  try {
    if (wrt.length === 0) {
      const out = fn.call({ tensors: inputs, constants }, params);
      const value = out.dataSync()[0]!;
      out.dispose();
      return { value, grads: {} };
    }
    const run = (...xs: tf.Tensor[]) => {
      const all = { ...inputs };
      wrt.forEach((key, i) => (all[key] = xs[i]!));
      return fn.call({ tensors: all, constants }, params) as tf.Scalar;
    };
    const result = tf.valueAndGrads(run)(wrt.map((key) => inputs[key]!));
    const evaluation: Evaluation = { value: result.value.dataSync()[0]!, grads: {} };
    wrt.forEach((key, i) => (evaluation.grads[key] = Array.from(result.grads[i]!.dataSync())));
    tf.dispose([result.value, ...result.grads]);
    return evaluation;
  } finally {
    tf.dispose(Object.values(inputs));
  }
}

/** The value only. */
export function valueOf(
  name: string,
  tensors: Record<string, Nested>,
  constants: Constants = {},
  params: Record<string, unknown> = {},
): number {
  return evaluate(name, tensors, constants, params).value;
}

/** Reads a scalar tensor and disposes it. */
export function take(t: tf.Tensor): number {
  const value = t.dataSync()[0]!;
  t.dispose();
  return value;
}

// ---------------------------------------------------------------------------------------------
// Comparisons: the float32 pass rule of test/vectors/README.md

export const VALUE_REL = 1e-4;
export const VALUE_ABS = 1e-4;
export const GRAD_REL = 1e-3;
export const GRAD_ABS = 1e-4;

/**
 * |got − want| ≤ 1e-4·|want| or ≤ 1e-4·scale (scale: the loss-weight scale of the pass rule, 1 unless
 * a term is multiplied by large weights). Non-finite `want` must be matched in kind.
 */
export function expectClose(got: number, want: number, label = '', scale = 1): void {
  if (!Number.isFinite(want)) {
    expect(
      Object.is(got, want) || (Number.isNaN(want) && Number.isNaN(got)),
      `${label}: got ${got}, want ${want}`,
    ).toBe(true);
    return;
  }
  const err = Math.abs(got - want);
  const ok = err <= VALUE_ABS * scale || err <= VALUE_REL * Math.abs(want);
  expect(ok, `${label}: got ${got}, want ${want} (|Δ| = ${err.toExponential(2)})`).toBe(true);
}

/** Entry-wise: |got − want| ≤ 1e-4·max(1, max|want|) or ≤ 1e-3·|want entry|. */
export function expectGradClose(got: readonly number[], want: readonly number[], label = ''): void {
  expect(got.length, `${label}: gradient length`).toBe(want.length);
  const scale = Math.max(1, ...want.map((w) => Math.abs(w)));
  const bad: string[] = [];
  want.forEach((w, i) => {
    const g = got[i]!;
    const err = Math.abs(g - w);
    if (!(err <= GRAD_ABS * scale || err <= GRAD_REL * Math.abs(w)))
      bad.push(`[${i}] got ${g}, want ${w}`);
  });
  expect(bad, `${label}: gradient entries off`).toEqual([]);
}

/** Every entry finite. */
export function expectAllFinite(values: readonly number[], label = ''): void {
  expect(
    values.every((v) => Number.isFinite(v)),
    `${label}: non-finite entries`,
  ).toBe(true);
}

/**
 * Checks project value and gradient against a naive float64 function: value within the float32
 * pass rule, gradient against central finite differences of the naive function.
 */
export function checkAgainstNaive<I extends Record<string, Nested>>(options: {
  name: string;
  inputs: I;
  constants?: Constants;
  params?: Record<string, unknown>;
  naive: (inputs: I) => number;
  /** Inputs to differentiate; empty: value only. */
  wrt?: readonly (keyof I & string)[];
  /** Naive function used for finite differences (e.g. with a detached quantity frozen). */
  naiveForGrad?: (inputs: I) => number;
  label?: string;
  scale?: number;
}): Evaluation {
  const wrt = options.wrt ?? [];
  const got = evaluate(options.name, options.inputs, options.constants, options.params, wrt);
  const want = options.naive(options.inputs);
  const label = options.label ?? options.name;
  expectClose(got.value, want, `${label} value`, options.scale);
  if (wrt.length) {
    const numeric = numericGrads(options.naiveForGrad ?? options.naive, options.inputs, wrt);
    for (const key of wrt) expectGradClose(got.grads[key]!, numeric[key]!, `${label} d/d${key}`);
  }
  return got;
}
