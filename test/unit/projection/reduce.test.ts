import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAsset, gunzip, isGzip } from '../../../src/data/asset';
import { jacobiEigen, lanczosRitz, tridiagonalEigen } from '../../../src/projection/eigen';
import { exactKnn } from '../../../src/projection/knn';
import { preReduce } from '../../../src/projection/reduce';
import { tsne } from '../../../src/projection/tsne';
import { umap } from '../../../src/projection/umap';
import { clusteredData, gaussian, knnAccuracy, rng } from './helpers';

/** Fraction of each row's k exact neighbours that `other` finds too. */
function recall(a: Int32Array, b: Int32Array, n: number, k: number): number {
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const exact = new Set(a.subarray(i * k, (i + 1) * k));
    for (let r = 0; r < k; r++) if (exact.has(b[i * k + r]!)) hits++;
  }
  return hits / (n * k);
}

async function mnistPixels(n: number): Promise<Float32Array> {
  let bytes: Uint8Array = new Uint8Array(readFileSync('public/data/mnist.bin'));
  if (isGzip(bytes)) bytes = await gunzip(bytes);
  const images = decodeAsset(bytes, 'mnist.bin').arrays.get('images')!;
  return Float32Array.from({ length: n * 784 }, (_, i) => images.data[i]! / 255);
}

describe('tridiagonalEigen (implicit QL)', () => {
  it('agrees with Jacobi on the full matrix', () => {
    const r = rng(11);
    for (const m of [1, 2, 7, 60]) {
      const diag = Float64Array.from({ length: m }, () => 4 * r() - 2);
      const off = Float64Array.from({ length: m - 1 }, () => 2 * r() - 1);
      const full = new Float64Array(m * m);
      for (let i = 0; i < m; i++) {
        full[i * m + i] = diag[i]!;
        if (i + 1 < m) full[i * m + i + 1] = full[(i + 1) * m + i] = off[i]!;
      }
      const a = jacobiEigen(full, m);
      const b = tridiagonalEigen(diag, off, m);
      for (let i = 0; i < m; i++) {
        expect(b.values[i]).toBeCloseTo(a.values[i]!, 10);
        let dot = 0;
        for (let j = 0; j < m; j++) dot += a.vectors[i * m + j]! * b.vectors[i * m + j]!;
        expect(Math.abs(dot)).toBeCloseTo(1, 8);
      }
    }
  });
});

describe('PCA pre-reduction', () => {
  it('leaves rows of at most 128 dimensions (the playground embeddings) as they are', () => {
    const { data } = clusteredData(50, 128, 3, 1);
    const r = preReduce(data, 50, 128);
    expect(r).toMatchObject({ reduced: false, dim: 128, explained: 1 });
    expect(r.data).toBe(data);
    expect(preReduce(data, 50, 128, { pcaAbove: 64, pcaDims: 0 }).reduced).toBe(false);
  });

  it('finds the top principal subspace (dense rows): the variance it keeps is the optimum', () => {
    // 300 rows of 160 dimensions with a decaying spectrum.
    const n = 300;
    const dim = 160;
    const g = gaussian(rng(5));
    const data = new Float64Array(n * dim);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < dim; j++) data[i * dim + j] = g() * Math.exp(-j / 25) + 0.5;
    const r = preReduce(data, n, dim, { pcaDims: 20 });
    expect(r).toMatchObject({ reduced: true, dim: 20 });
    // The exact optimum from the full covariance.
    const mean = new Float64Array(dim);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < dim; j++) mean[j] = mean[j]! + data[i * dim + j]! / n;
    const cov = new Float64Array(dim * dim);
    for (let i = 0; i < n; i++)
      for (let a = 0; a < dim; a++)
        for (let b = 0; b < dim; b++)
          cov[a * dim + b] =
            cov[a * dim + b]! +
            ((data[i * dim + a]! - mean[a]!) * (data[i * dim + b]! - mean[b]!)) / (n - 1);
    const exact = jacobiEigen(cov, dim).values;
    let top = 0;
    let total = 0;
    for (let c = 0; c < dim; c++) {
      total += exact[c]!;
      if (c < 20) top += exact[c]!;
    }
    expect(r.explained).toBeGreaterThan(0.999 * (top / total));
    expect(r.explained).toBeLessThanOrEqual((top / total) * (1 + 1e-9));
    // The scores are centred and uncorrelated, with the axes' variances.
    const s = r.data;
    for (let c = 0; c < 3; c++) {
      let m = 0;
      let v = 0;
      for (let i = 0; i < n; i++) m += s[i * 20 + c]! / n;
      for (let i = 0; i < n; i++) v += (s[i * 20 + c]! - m) ** 2 / (n - 1);
      expect(Math.abs(m)).toBeLessThan(1e-9);
      expect(v / exact[c]!).toBeCloseTo(1, 6);
    }
  });

  it('on 1,000 MNIST digits keeps most of the exact 784-D neighbours (measured 0.87 and 0.90)', async () => {
    const n = 1000;
    const pixels = await mnistPixels(n);
    const r = preReduce(pixels, n, 784);
    expect(r).toMatchObject({ reduced: true, dim: 50 });
    expect(r.explained).toBeGreaterThan(0.83); // 0.839 measured (scikit-learn's PCA: the same)
    for (const [k, bound] of [
      [15, 0.85],
      [90, 0.88],
    ] as const) {
      const exact = exactKnn(pixels, n, 784, k);
      const reduced = exactKnn(r.data, n, r.dim, k);
      expect(recall(exact.indices, reduced.indices, n, k)).toBeGreaterThan(bound);
    }
  });

  it('t-SNE and UMAP of wide rows work on the reduced rows and keep the clusters', () => {
    const n = 400;
    const dim = 200;
    const { data, labels } = clusteredData(n, dim, 4, 3, 3);
    const t = tsne(data, n, dim, { iterations: 300 });
    expect(knnAccuracy(t.coords, labels, 2)).toBeGreaterThan(0.95);
    const u = umap(data, n, dim, { epochs: 150 });
    expect(knnAccuracy(u.coords, labels, 2)).toBeGreaterThan(0.95);
    // Off: the same run on the raw rows.
    const raw = tsne(data, n, dim, { iterations: 300, pcaDims: 0 });
    expect(knnAccuracy(raw.coords, labels, 2)).toBeGreaterThan(0.95);
  });

  it('lanczosRitz stops at an invariant subspace and pads with zero pairs', () => {
    // Rank-2 operator in 10 dimensions.
    const a = Float64Array.from({ length: 10 }, (_, i) => (i === 0 ? 3 : 0));
    const b = Float64Array.from({ length: 10 }, (_, i) => (i === 1 ? 2 : 0));
    const e = lanczosRitz(
      (v, out) => {
        for (let j = 0; j < 10; j++) out[j] = 3 * a[j]! * v[0]! + 2 * b[j]! * v[1]!;
      },
      10,
      4,
      8,
    );
    expect(e.values[0]).toBeCloseTo(9, 10);
    expect(e.values[1]).toBeCloseTo(4, 10);
    expect(Math.abs(e.values[3]!)).toBeLessThan(1e-9);
  });
});
