import { describe, expect, it } from 'vitest';
import { findAB, fuzzySimplicialSet, Umap, umap } from '../../../src/projection/umap';
import { clusteredData, jitter, knnAccuracy, layoutScale, meanDisplacement } from './helpers';

const N = 500;
const DIM = 32;
const { data, labels } = clusteredData(N, DIM, 5, 2);
const cold = umap(data, N, DIM);

describe('UMAP building blocks', () => {
  it("fits a, b like umap-learn's find_ab_params", () => {
    // umap-learn 0.5: find_ab_params(1.0, 0.1) = (1.5769434604, 0.8950608781).
    const { a, b } = findAB(1, 0.1);
    expect(a).toBeCloseTo(1.57694346, 4);
    expect(b).toBeCloseTo(0.89506088, 4);
    const wide = findAB(1, 0.5);
    expect(wide.a).toBeCloseTo(0.583, 2);
    expect(wide.b).toBeCloseTo(1.334, 2);
  });

  it('builds a symmetric fuzzy graph with memberships in (0, 1]', () => {
    const g = fuzzySimplicialSet(data, N, DIM, 15);
    const w = new Map<number, number>();
    for (let e = 0; e < g.head.length; e++) {
      expect(g.head[e]).not.toBe(g.tail[e]);
      w.set(g.head[e]! * N + g.tail[e]!, g.weight[e]!);
    }
    let asymmetry = 0;
    let maxW = 0;
    let minW = Infinity;
    for (const [key, v] of w) {
      const i = Math.floor(key / N);
      const j = key % N;
      asymmetry = Math.max(asymmetry, Math.abs((w.get(j * N + i) ?? NaN) - v));
      maxW = Math.max(maxW, v);
      minW = Math.min(minW, v);
    }
    expect(asymmetry).toBe(0);
    expect(maxW).toBeLessThanOrEqual(1);
    expect(minW).toBeGreaterThan(0);
    // Every point is connected to its nearest neighbour with membership 1.
    const nearestOne = new Set<number>();
    for (const [key, v] of w) if (v > 1 - 1e-12) nearestOne.add(Math.floor(key / N));
    expect(nearestOne.size).toBe(N);
  });
});

describe('UMAP', () => {
  it('preserves the cluster structure (5-NN label accuracy in 2-D > 0.95)', () => {
    expect(cold.coords.length).toBe(N * 2);
    expect(cold.epochs).toBe(500);
    expect(knnAccuracy(cold.coords, labels, 2)).toBeGreaterThan(0.95);
  });

  it('is deterministic for a seed, and slicing the run does not change it', () => {
    const opts = { epochs: 200, seed: 4 };
    const a = umap(data, N, DIM, opts).coords;
    expect(Array.from(umap(data, N, DIM, opts).coords)).toEqual(Array.from(a));
    const sliced = new Umap(data, N, DIM, opts);
    while (!sliced.step(23));
    expect(Array.from(sliced.coords())).toEqual(Array.from(a));
    const other = umap(data, N, DIM, { ...opts, seed: 5 }).coords;
    expect(Array.from(other)).not.toEqual(Array.from(a));
  });

  it('warm-started from a converged layout, moves points little; a cold start does not', () => {
    const scale = layoutScale(cold.coords, 2);
    const same = umap(data, N, DIM, {}, cold.coords);
    expect(same.warmStarted).toBe(true);
    expect(same.epochs).toBe(100);
    expect(meanDisplacement(same.coords, cold.coords, 2) / scale).toBeLessThan(0.15);
    const next = jitter(data, 0.02, 98);
    const warm = umap(next, N, DIM, {}, cold.coords);
    const restart = umap(next, N, DIM, { init: 'random', seed: 9 });
    const warmMove = meanDisplacement(warm.coords, cold.coords, 2) / scale;
    const coldMove = meanDisplacement(restart.coords, cold.coords, 2) / scale;
    expect(warmMove).toBeLessThan(0.15);
    expect(coldMove).toBeGreaterThan(4 * warmMove);
    expect(knnAccuracy(warm.coords, labels, 2)).toBeGreaterThan(0.95);
  });

  it('embeds in 3-D too and rejects bad options', () => {
    const r = umap(data, N, DIM, { components: 3, epochs: 200 });
    expect(r.coords.length).toBe(N * 3);
    expect(knnAccuracy(r.coords, labels, 3)).toBeGreaterThan(0.95);
    // A 2-D previous layout does not fit a 3-D run: cold start.
    expect(umap(data, N, DIM, { components: 3, epochs: 5 }, cold.coords).warmStarted).toBe(false);
    expect(() => umap(data, N, DIM, { components: 0 })).toThrow(/components/);
    const tiny = umap(Float32Array.from([0, 0, 1, 0, 0, 1]), 3, 2, { epochs: 20 });
    expect(tiny.coords.every(Number.isFinite)).toBe(true);
  });
});
