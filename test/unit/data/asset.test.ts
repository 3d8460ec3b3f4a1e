import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeAsset, encodeAsset, readAsset } from '../../../src/data/asset';
import { memoryReader } from '../../../src/data/memoryReader';
import { SeededRandom, deriveSeed } from '../../../src/ml/random';

describe('asset container', () => {
  const arrays = {
    a: { data: Uint8Array.from([1, 2, 3]), shape: [3] },
    b: { data: Float32Array.from([0.5, -1, 2, 4]), shape: [2, 2] },
    c: { data: Int16Array.from([-7, 9]), shape: [2] },
  };

  it('round-trips arrays and metadata, gzipped or not', async () => {
    const raw = encodeAsset({ hello: 'world', n: 3 }, arrays);
    const back = decodeAsset(raw);
    expect(back.meta).toEqual({ hello: 'world', n: 3 });
    expect(Array.from(back.arrays.get('b')!.data)).toEqual([0.5, -1, 2, 4]);
    expect(back.arrays.get('b')!.shape).toEqual([2, 2]);
    expect(Array.from(back.arrays.get('c')!.data)).toEqual([-7, 9]);
    const reader = memoryReader({ 'x.bin': gzipSync(raw), 'y.bin': raw });
    const gz = await readAsset(reader, 'x.bin');
    const plain = await readAsset(reader, 'y.bin');
    expect(Array.from(gz.arrays.get('a')!.data)).toEqual([1, 2, 3]);
    expect(Array.from(plain.arrays.get('a')!.data)).toEqual([1, 2, 3]);
  });

  it('rejects a file that is not an asset', () => {
    expect(() => decodeAsset(new TextEncoder().encode('hello world!'), 'z.bin')).toThrow(
      /z\.bin: not a data asset/,
    );
  });
});

describe('seeded PRNG', () => {
  it('is deterministic, uniform and normal', () => {
    const a = new SeededRandom(123);
    const b = new SeededRandom(123);
    const xs = Array.from({ length: 20000 }, () => a.next());
    expect(xs.slice(0, 100)).toEqual(Array.from({ length: 100 }, () => b.next()));
    const m = xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(Math.abs(m - 0.5)).toBeLessThan(0.01);
    const n = new SeededRandom(7);
    const zs = Array.from({ length: 20000 }, () => n.normal());
    const zm = zs.reduce((s, v) => s + v, 0) / zs.length;
    const zv = zs.reduce((s, v) => s + (v - zm) ** 2, 0) / zs.length;
    expect(Math.abs(zm)).toBeLessThan(0.03);
    expect(Math.abs(zv - 1)).toBeLessThan(0.05);
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(1, 'b'));
    expect(deriveSeed(1, 'a')).toBe(deriveSeed(1, 'a'));
  });
});
