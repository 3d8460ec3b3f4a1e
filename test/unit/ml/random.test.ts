import { describe, expect, it } from 'vitest';
import { SeededRandom, deriveSeed, mulberry32, mulberry32U32 } from '../../../src/ml/random';

/** The three Box–Muller variants, written out from their definitions over plain uniforms. */
function boxMuller(u: number, v: number): [number, number] {
  const r = Math.sqrt(-2 * Math.log(u));
  return [r * Math.cos(2 * Math.PI * v), r * Math.sin(2 * Math.PI * v)];
}

describe('the one seeded generator', () => {
  it('is mulberry32: the published first outputs of seed 0', () => {
    // mulberry32(0) as in the reference C/JS implementation.
    const u = mulberry32U32(0);
    expect([u(), u(), u()]).toEqual([1144304738, 1416247, 958946056]);
    const f = mulberry32(0);
    expect(f()).toBe(1144304738 / 4294967296);
  });

  it('normal: pairs of Box–Muller from two uniforms, cosine first, then the cached sine', () => {
    const rng = new SeededRandom(7);
    const u = mulberry32(7);
    for (let i = 0; i < 50; i++) {
      const [c, s] = boxMuller(u(), u());
      expect(rng.normal()).toBe(c);
      expect(rng.normal()).toBe(s);
    }
  });

  it('normalUnpaired: one cosine per two uniforms (what pytorch/cplay/random.py replays)', () => {
    const rng = new SeededRandom(11);
    const u = mulberry32(11);
    for (let i = 0; i < 100; i++) expect(rng.normalUnpaired()).toBe(boxMuller(u(), u())[0]);
  });

  it('normalComplement: pairs on 1 − u (the t-SNE initial layout)', () => {
    const rng = new SeededRandom(3);
    const u = mulberry32(3);
    for (let i = 0; i < 50; i++) {
      const [c, s] = boxMuller(1 - u(), u());
      expect(rng.normalComplement()).toBe(c);
      expect(rng.normalComplement()).toBe(s);
    }
  });

  it('the variants keep their own pairs: a paired draw never leaks into another variant', () => {
    const a = new SeededRandom(5);
    const b = new SeededRandom(5);
    a.normal(); // draws two uniforms, caches the sine
    b.next();
    b.next();
    expect(a.normalUnpaired()).toBe(b.normalUnpaired());
    expect(a.normal()).not.toBe(a.normalUnpaired());
  });

  it('streams: a named stream is the generator of the derived seed', () => {
    const a = SeededRandom.stream(42, 'shapes:train');
    const b = new SeededRandom(deriveSeed(42, 'shapes:train'));
    for (let i = 0; i < 20; i++) expect(a.nextU32()).toBe(b.nextU32());
    expect(deriveSeed(42, 'a')).not.toBe(deriveSeed(42, 'b'));
  });

  it('int, fork and permutation are functions of the uniforms', () => {
    const rng = new SeededRandom(9);
    const u = mulberry32(9);
    expect(rng.int(10)).toBe(Math.floor(u() * 10));
    expect(rng.fork()).toBe(Math.floor(u() * 2 ** 32));
    const p = new SeededRandom(1).permutation(20);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
