/**
 * The one seeded generator of the project: mulberry32 (32-bit state, period 2^32, the same sequence
 * in every browser and in Node) behind one class, used by data generation, augmentation, weight
 * initialisation, the samplers and the projections. Independent streams come from hashing a
 * (seed, stream name) pair, so adding a random draw in one place never shifts another.
 *
 * Normal draws come in three variants of Box–Muller. They are kept apart, not merged, because each
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

export class SeededRandom {
  private readonly u32: () => number;
  /** The second value of the last pair drawn by `normal` (`normalComplement` keeps its own). */
  private spare: number | null = null;
  private spareComplement: number | null = null;

  constructor(seed: number) {
    this.u32 = mulberry32U32(seed);
  }

  /** A generator for a named sub-stream of `seed`. */
  static stream(seed: number, name: string | number): SeededRandom {
    return new SeededRandom(deriveSeed(seed, name));
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    return this.u32();
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
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
