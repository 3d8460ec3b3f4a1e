/**
 * Small seeded PRNG for data generation: mulberry32 (32-bit state, period 2^32), with Box–Muller
 * normals. Deterministic across browsers and Node; independent streams come from hashing a
 * (seed, stream name) pair so adding a new random draw in one place never shifts another.
 */
import { mulberry32U32 } from '../ml/random';

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

export class Rng {
  private readonly u32: () => number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.u32 = mulberry32U32(seed);
  }

  /** A generator for a named sub-stream of `seed`. */
  static stream(seed: number, name: string | number): Rng {
    return new Rng(deriveSeed(seed, name));
  }

  /** Uniform 32-bit unsigned integer (mulberry32). */
  nextU32(): number {
    return this.u32();
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

  /** Standard normal (Box–Muller, caching the second value). */
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
