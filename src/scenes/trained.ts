/**
 * Trained results of the scenes: a state of each arm trained at ten times (or more) the live budget
 * by `npm run scenes:train`, shipped under public/trained/ so the page can jump to it in about a
 * second and keep training from it. This module is the registry (keyed by scene id and arm), the
 * float16 packing of the weights and the fingerprint that ties a result to the arm's config, so a
 * scene whose config changed no longer offers a stale result. Pure (no TF.js, no UI, no Node APIs).
 */
import { unzlibSync, zlibSync } from 'fflate';
import type { MetricsRecord } from '../contracts/metrics';
import registryJson from './trainedResults.json';
import type { Scene } from './types';

export interface TrainedResult {
  scene: string;
  arm: string;
  seed: number;
  /** The live budget (the scene's `steps`) and the trained one. */
  liveSteps: number;
  steps: number;
  /** Fingerprint of the arm's config as the scene defines it (the live config, seed included). */
  fingerprint: string;
  /** The config it was trained with: the arm's config with `steps` and `evalEvery` scaled. */
  config: Record<string, unknown>;
  /** Tensor shapes per encoder part (the common encoder, then SepCLR's salient one). */
  shapes: number[][][];
  /** Path under the page's base URL. */
  file: string;
  bytes: number;
  /** The metrics of the float16-rounded weights, as the page loads them. */
  metrics: MetricsRecord;
  /** The same run's metrics at the live budget (before rounding; what the live scene shows). */
  liveMetrics: MetricsRecord;
  command: string;
  commit: string;
  trainedAt: string;
  trainSeconds: number;
}

const REGISTRY = registryJson as unknown as Record<string, TrainedResult>;

export const trainedKey = (scene: string, arm: string) => `${scene}/${arm}`;

/** Every recorded trained result (stale ones included: tests must see them). */
export function allTrainedResults(): TrainedResult[] {
  return Object.values(REGISTRY);
}

/**
 * The scene's trained results, one per arm, when every arm has one whose fingerprint matches the
 * arm's current config at that seed; otherwise null (a partial or stale set is never offered).
 */
export function trainedResultsFor(scene: Scene): Record<string, TrainedResult> | null {
  const out: Record<string, TrainedResult> = {};
  for (const arm of scene.arms) {
    const r = REGISTRY[trainedKey(scene.id, arm.id)];
    if (!r || r.fingerprint !== configFingerprint(arm.config)) return null;
    out[arm.id] = r;
  }
  return out;
}

/** The config the trained result was trained with (live config, `factor` times the steps). */
export function trainedConfig(
  config: Record<string, unknown>,
  factor: number,
): Record<string, unknown> {
  const steps = Number(config.steps);
  const evalEvery = Number(config.evalEvery ?? steps);
  return { ...config, steps: steps * factor, evalEvery: evalEvery * factor };
}

/** JSON with sorted keys, so the fingerprint does not depend on the order fields were written. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** 64-bit FNV-1a of the config's stable JSON, as 16 hex digits (a change detector, not crypto). */
export function configFingerprint(config: Record<string, unknown>): string {
  const text = stableJson(config);
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * prime) & mask;
  }
  return h.toString(16).padStart(16, '0');
}

// ---- float16 ----

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half-precision bits of a float32, rounded to nearest, ties to even (overflow → ±∞). */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  // A carry out of the mantissa bumps the exponent, which is the right rounding (up to ∞).
  e = half >>> 10;
  return sign | (e >= 0x1f ? 0x7c00 : half);
}

export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** The weights as the page will load them: every value rounded to float16. */
export function roundToFloat16(weights: Float32Array[][]): Float32Array[][] {
  return weights.map((part) =>
    part.map((t) => Float32Array.from(t, (v) => fromFloat16Bits(toFloat16Bits(v)))),
  );
}

/**
 * Packs weights as float16, byte planes split (all low bytes, then all high bytes: the high
 * bytes, sign and exponent, compress well) and zlib-deflated. Lossless for float16 values.
 */
export function packFloat16(weights: Float32Array[][]): Uint8Array {
  const n = weights.reduce((s, p) => s + p.reduce((a, t) => a + t.length, 0), 0);
  const planes = new Uint8Array(2 * n);
  let i = 0;
  for (const part of weights)
    for (const t of part)
      for (const v of t) {
        const h = toFloat16Bits(v);
        planes[i] = h & 0xff;
        planes[n + i] = h >>> 8;
        i++;
      }
  return zlibSync(planes, { level: 9 });
}

/** Reads packFloat16's bytes back into tensors of `shapes`; a size mismatch is an error. */
export function unpackFloat16(bytes: Uint8Array, shapes: number[][][]): Float32Array[][] {
  const planes = unzlibSync(bytes);
  const n = shapes.reduce(
    (s, p) => s + p.reduce((a, sh) => a + sh.reduce((x, y) => x * y, 1), 0),
    0,
  );
  if (planes.length !== 2 * n)
    throw new Error(`trained weights: ${planes.length / 2} values, the shapes need ${n}`);
  let i = 0;
  return shapes.map((part) =>
    part.map((shape) => {
      const size = shape.reduce((x, y) => x * y, 1);
      const out = new Float32Array(size);
      for (let j = 0; j < size; j++, i++)
        out[j] = fromFloat16Bits(planes[i]! | (planes[n + i]! << 8));
      return out;
    }),
  );
}
