/**
 * The one seeded generator of the project: mulberry32 (32-bit state, period 2^32, the same sequence
 * in every browser and in Node) behind one class, used by data generation, augmentation, weight
 * initialisation, the samplers and the projections. Independent streams come from hashing a
 * (seed, stream name) pair, so adding a random draw in one place never shifts another.
 *
 * Normal draws come in three variants of Box–Muller, and a ziggurat for bulk noise (`fillNormal`). They are kept apart, not merged, because each
 * is pinned by results that must not move: `normalUnpaired` is mirrored bit for bit by the PyTorch
 * side (pytorch/cplay/random.py: weight init of an exported run), `normal` makes the generated data
 * sets (their assets and the reference numbers of the presets), `normalComplement` the t-SNE
 * layouts of a given seed.
 */

/** Uniform 32-bit unsigned integers from `seed`. */
export function mulberry32U32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform floats in [0, 1) from `seed`. */
export function mulberry32(seed: number): () => number {
  const next = mulberry32U32(seed);
  return () => next() / 4294967296;
}

/** 32-bit integer hash (Murmur3 finaliser). */
export function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit seed for a named stream derived from a base seed. */
export function deriveSeed(seed: number, stream: string | number): number {
  let h = mix32((Math.floor(seed) ^ 0x9e3779b9) >>> 0);
  const s = String(stream);
  for (let i = 0; i < s.length; i++) h = mix32(h ^ Math.imul(s.charCodeAt(i) + 1, 0x27d4eb2d));
  return h >>> 0;
}

/**
 * Ziggurat tables (Marsaglia & Tsang 2000, 128 strips) for a 25-bit signed integer j: the value
 * j·W[i] is accepted when |j| < K[i]. The strip index takes the draw's low 7 bits and j the other
 * 25, so the two never share bits (the original's correlation, Doornik 2005).
 */
const ZIG_M = 2 ** 24;
const ZIG_R = 3.442619855899;
const ZIG_K = new Float64Array(128);
const ZIG_W = new Float64Array(128);
const ZIG_F = new Float64Array(128);
{
  let dn = ZIG_R;
  let tn = dn;
  const vn = 9.91256303526217e-3;
  const q = vn / Math.exp(-0.5 * dn * dn);
  ZIG_K[0] = (dn / q) * ZIG_M;
  ZIG_K[1] = 0;
  ZIG_W[0] = q / ZIG_M;
  ZIG_W[127] = dn / ZIG_M;
  ZIG_F[0] = 1;
  ZIG_F[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_K[i + 1] = (dn / tn) * ZIG_M;
    tn = dn;
    ZIG_F[i] = Math.exp(-0.5 * dn * dn);
    ZIG_W[i] = dn / ZIG_M;
  }
}

export class SeededRandom {
  /** mulberry32's state as an int32 (the same sequence as mulberry32U32), kept inline for fillNormal's loop. */
  private state: number;
  /** The second value of the last pair drawn by `normal` (`normalComplement` keeps its own). */
  private spare: number | null = null;
  private spareComplement: number | null = null;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** A generator for a named sub-stream of `seed`. */
  static stream(seed: number, name: string | number): SeededRandom {
    return new SeededRandom(deriveSeed(seed, name));
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    const x = this.state;
    let t = Math.imul(x ^ (x >>> 15), x | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform in [a, b). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** A derived integer seed, for handing to another generator. */
  fork(): number {
    return Math.floor(this.next() * 2 ** 32);
  }

  /**
   * Standard normal, Box–Muller in pairs: the cosine now, the sine at the next call (u ≤ 1e-12 is
   * drawn again). The data sets' and the augmentations' draws.
   */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = this.next();
    while (u <= 1e-12) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Standard normal, one per two uniforms (the cosine only; u clamped at 1e-12): weight
   * initialisation and the VAE's noise, which pytorch/cplay/random.py replays bit for bit.
   */
  normalUnpaired(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /**
   * Standard normal, Box–Muller in pairs on 1 − u (never log 0, no redraw): the t-SNE's random
   * initial layout.
   */
  normalComplement(): number {
    if (this.spareComplement !== null) {
      const s = this.spareComplement;
      this.spareComplement = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.next()));
    const a = 2 * Math.PI * this.next();
    this.spareComplement = r * Math.sin(a);
    return r * Math.cos(a);
  }

  /**
   * out[start..end) = scale · z with z standard normal, by the ziggurat method: the same
   * distribution as `normal()` (another sequence) at about a tenth of its cost, for bulk noise
   * (augmentation: a million values a step on brain MRI). Neither uses nor changes normal()'s spare.
   */
  fillNormal(out: Float32Array, start: number, end: number, scale: number): void {
    let state = this.state;
    for (let k = start; k < end; k++) {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      t ^= t >>> 14;
      const i = t & 127;
      const j = t >> 7;
      if (Math.abs(j) < ZIG_K[i]!) {
        out[k] = scale * (j * ZIG_W[i]!);
        continue;
      }
      this.state = state;
      out[k] = scale * this.zigguratTail(j, i);
      state = this.state;
    }
    this.state = state;
  }

  /** The ziggurat's rejection step (about 1 draw in 80): the wedge of strip i, or the tail. */
  private zigguratTail(j: number, i: number): number {
    for (;;) {
      const x = j * ZIG_W[i]!;
      if (i === 0) {
        let tx: number;
        let ty: number;
        do {
          tx = -Math.log((this.nextU32() + 0.5) / 4294967296) / ZIG_R;
          ty = -Math.log((this.nextU32() + 0.5) / 4294967296);
        } while (ty + ty < tx * tx);
        return j > 0 ? ZIG_R + tx : -ZIG_R - tx;
      }
      const u = (this.nextU32() + 0.5) / 4294967296;
      if (ZIG_F[i]! + u * (ZIG_F[i - 1]! - ZIG_F[i]!) < Math.exp(-0.5 * x * x)) return x;
      const t = this.nextU32();
      i = t & 127;
      j = (t | 0) >> 7;
      if (Math.abs(j) < ZIG_K[i]!) return j * ZIG_W[i]!;
    }
  }

  /** Index drawn with probability proportional to `weights`. */
  categorical(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i] ?? 0;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(a: T[] | Int32Array | Uint32Array): typeof a {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i] as T;
      (a as T[])[i] = a[j] as T;
      (a as T[])[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    this.shuffle(p);
    return p;
  }
}
