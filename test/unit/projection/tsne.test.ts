import { describe, expect, it } from 'vitest';
import { conditionalP, jointProbabilities, Tsne, tsne } from '../../../src/projection/tsne';
import { exactKnn } from '../../../src/projection/knn';
import { clusteredData, jitter, knnAccuracy, layoutScale, meanDisplacement } from './helpers';

const N = 500;
const DIM = 32;
const { data, labels } = clusteredData(N, DIM, 5, 1);
// One converged cold layout shared by the tests below.
const cold = tsne(data, N, DIM, { iterations: 750 });

describe('t-SNE input affinities', () => {
  it('calibrates each row to the perplexity and symmetrises P to sum 1', () => {
    const perplexity = 20;
    const knn = exactKnn(data, N, DIM, 61);
    const cond = conditionalP(knn.sqDistances, N, knn.k, perplexity);
    for (let i = 0; i < N; i += 37) {
      let sum = 0;
      let entropy = 0;
      for (let j = 0; j < knn.k; j++) {
        const p = cond[i * knn.k + j]!;
        sum += p;
        if (p > 0) entropy -= p * Math.log(p);
      }
      expect(sum).toBeCloseTo(1, 9);
      expect(entropy).toBeCloseTo(Math.log(perplexity), 4);
    }
    const P = jointProbabilities(data, N, DIM, perplexity);
    let total = 0;
    const entries = new Map<number, number>();
    for (let i = 0; i < N; i++) {
      for (let a = P.rowPtr[i]!; a < P.rowPtr[i + 1]!; a++) {
        total += P.vals[a]!;
        entries.set(i * N + P.cols[a]!, P.vals[a]!);
      }
      expect(entries.has(i * N + i)).toBe(false);
    }
    expect(total).toBeCloseTo(1, 9);
    let asymmetry = 0;
    for (const [key, v] of entries) {
      const i = Math.floor(key / N);
      const j = key % N;
      asymmetry = Math.max(asymmetry, Math.abs((entries.get(j * N + i) ?? NaN) - v));
    }
    expect(asymmetry).toBe(0);
  });
});

describe('t-SNE', () => {
  it('preserves the cluster structure (5-NN label accuracy in 2-D > 0.95)', () => {
    expect(cold.coords.length).toBe(N * 2);
    expect(cold.iterations).toBe(750);
    expect(cold.warmStarted).toBe(false);
    expect(knnAccuracy(cold.coords, labels, 2)).toBeGreaterThan(0.95);
    // Clusters are separated: mean within-cluster distance well below between-cluster distance.
    const centroid = (c: number) => {
      let x = 0;
      let y = 0;
      for (let i = c; i < N; i += 5) {
        x += cold.coords[2 * i]!;
        y += cold.coords[2 * i + 1]!;
      }
      return [x / (N / 5), y / (N / 5)] as const;
    };
    const cs = [0, 1, 2, 3, 4].map(centroid);
    let spread = 0;
    for (let i = 0; i < N; i++) {
      const [cx, cy] = cs[i % 5]!;
      spread += Math.hypot(cold.coords[2 * i]! - cx, cold.coords[2 * i + 1]! - cy) / N;
    }
    let minGap = Infinity;
    for (let a = 0; a < 5; a++) {
      for (let b = a + 1; b < 5; b++) {
        minGap = Math.min(minGap, Math.hypot(cs[a]![0] - cs[b]![0], cs[a]![1] - cs[b]![1]));
      }
    }
    expect(minGap).toBeGreaterThan(2 * spread);
  });

  it('is deterministic for a seed, and slicing the run does not change it', () => {
    const opts = { iterations: 300, init: 'random' as const, seed: 7 };
    const a = tsne(data, N, DIM, opts).coords;
    const b = tsne(data, N, DIM, opts).coords;
    expect(Array.from(b)).toEqual(Array.from(a));
    const sliced = new Tsne(data, N, DIM, opts);
    while (!sliced.step(37));
    expect(Array.from(sliced.coords())).toEqual(Array.from(a));
    const other = tsne(data, N, DIM, { ...opts, seed: 8 }).coords;
    expect(meanDisplacement(a, other, 2)).toBeGreaterThan(0.1 * layoutScale(a, 2));
  });

  it('warm-started from a converged layout, moves points little; a cold start does not', () => {
    const scale = layoutScale(cold.coords, 2);
    // Same data: the converged layout stays put, up to t-SNE's slow overall expansion.
    const same = tsne(data, N, DIM, { warmIterations: 200 }, cold.coords);
    expect(same.warmStarted).toBe(true);
    expect(same.iterations).toBe(200);
    expect(meanDisplacement(same.coords, cold.coords, 2) / scale).toBeLessThan(0.12);
    const growth = layoutScale(same.coords, 2) / scale;
    const rescaled = same.coords.map((v) => v / growth);
    expect(meanDisplacement(rescaled, cold.coords, 2) / scale).toBeLessThan(0.03);
    // The next frame of a training run: slightly changed embeddings.
    const next = jitter(data, 0.02, 99);
    const warm = tsne(next, N, DIM, {}, cold.coords);
    const restart = tsne(next, N, DIM, { init: 'random', seed: 3, iterations: 750 });
    const warmMove = meanDisplacement(warm.coords, cold.coords, 2) / scale;
    const coldMove = meanDisplacement(restart.coords, cold.coords, 2) / scale;
    expect(warmMove).toBeLessThan(0.15);
    expect(coldMove).toBeGreaterThan(4 * warmMove);
    expect(knnAccuracy(warm.coords, labels, 2)).toBeGreaterThan(0.95);
  });

  it('ignores an unusable previous layout and handles tiny inputs', () => {
    const bad = new Float32Array(N * 2).fill(NaN);
    const r = tsne(data, N, DIM, { iterations: 10 }, bad);
    expect(r.warmStarted).toBe(false);
    expect(tsne(data, N, DIM, { iterations: 10 }, new Float32Array(6)).warmStarted).toBe(false);
    const one = tsne(Float32Array.from([1, 2]), 1, 2, { iterations: 5 });
    expect(one.coords.length).toBe(2);
    const three = tsne(Float32Array.from([0, 0, 1, 0, 0, 1]), 3, 2, { iterations: 50 });
    expect(three.coords.every(Number.isFinite)).toBe(true);
    expect(() => tsne(data, N, DIM, { perplexity: 0 })).toThrow(/perplexity/);
  });
});
