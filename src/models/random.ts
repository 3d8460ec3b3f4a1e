import { mulberry32 } from '../ml/random';

/** A small seeded PRNG (mulberry32) and Gaussian draws: weight init and sampling must replay a seed. */
export class SeededRandom {
  private readonly uniform: () => number;

  constructor(seed: number) {
    this.uniform = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uniform();
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** A derived integer seed, for handing to another generator. */
  fork(): number {
    return Math.floor(this.next() * 2 ** 32);
  }
}
