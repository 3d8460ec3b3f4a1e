import { describe, expect, it } from 'vitest';
import { exp2, fastExp, fastPow, log2, PowerTable } from '../../../src/projection/fastmath';
import { exactKnn } from '../../../src/projection/knn';
import { RepulsionTree } from '../../../src/projection/quadtree';
import { gaussian, rng } from './helpers';

describe('exact kNN', () => {
  it('matches a brute-force sort, self excluded, nearest first', () => {
    const r = rng(4);
    for (const [n, d, k] of [
      [1, 3, 2],
      [2, 3, 5],
      [9, 5, 3],
      [131, 17, 12],
      [300, 64, 20],
    ] as const) {
      const x = Float32Array.from({ length: n * d }, r);
      const g = exactKnn(x, n, d, k);
      expect(g.k).toBe(Math.min(k, n - 1));
      for (let i = 0; i < n; i++) {
        const all: [number, number][] = [];
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          let s = 0;
          for (let t = 0; t < d; t++) s += (x[i * d + t]! - x[j * d + t]!) ** 2;
          all.push([s, j]);
        }
        all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        for (let q = 0; q < g.k; q++) {
          expect(g.indices[i * g.k + q]).toBe(all[q]![1]);
          expect(g.sqDistances[i * g.k + q]).toBeCloseTo(all[q]![0], 9);
        }
      }
    }
  });

  it('takes the sparse path for mostly-zero rows (like raw pixels) with the same result', () => {
    const r = rng(5);
    const n = 150;
    const d = 96;
    const x = Float32Array.from({ length: n * d }, () => (r() < 0.8 ? 0 : r()));
    const g = exactKnn(x, n, d, 10);
    for (let i = 0; i < n; i++) {
      const all: [number, number][] = [];
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        let s = 0;
        for (let t = 0; t < d; t++) s += (x[i * d + t]! - x[j * d + t]!) ** 2;
        all.push([s, j]);
      }
      all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      expect(Array.from(g.indices.subarray(i * 10, i * 10 + 10))).toEqual(
        all.slice(0, 10).map((e) => e[1]),
      );
      for (let q = 0; q < 10; q++) expect(g.sqDistances[i * 10 + q]).toBeCloseTo(all[q]![0], 9);
    }
  });

  it('keeps duplicates at distance 0', () => {
    const x = Float32Array.from([0, 0, 0, 0, 3, 4]);
    const g = exactKnn(x, 3, 2, 2);
    expect(Array.from(g.indices)).toEqual([1, 2, 0, 2, 0, 1]);
    expect(Array.from(g.sqDistances)).toEqual([0, 25, 0, 25, 25, 25]);
  });
});

describe('fast math', () => {
  it('exp2, exp, log2 and pow agree with Math to ~1e-13', () => {
    const r = rng(8);
    const worst = { exp: 0, log2: 0, pow: 0, exp2: 0 };
    for (let k = 0; k < 20000; k++) {
      const x = (r() - 0.5) * 1400;
      const e = Math.exp(x);
      if (e > 1e-300 && e < 1e300) worst.exp = Math.max(worst.exp, Math.abs(fastExp(x) / e - 1));
      const y = Math.exp((r() - 0.5) * 1000);
      const l = Math.log2(y);
      worst.log2 = Math.max(worst.log2, Math.abs(log2(y) - l) / Math.max(1, Math.abs(l)));
      const z = r() * 100;
      worst.pow = Math.max(worst.pow, Math.abs(fastPow(z, 0.895) / Math.pow(z, 0.895) - 1));
      const w = (r() - 0.5) * 60;
      worst.exp2 = Math.max(worst.exp2, Math.abs(exp2(w) / Math.pow(2, w) - 1));
    }
    expect(worst.exp).toBeLessThan(1e-13);
    expect(worst.log2).toBeLessThan(1e-13);
    expect(worst.pow).toBeLessThan(1e-13);
    expect(worst.exp2).toBeLessThan(1e-14);
    expect(fastExp(0)).toBe(1);
    expect(log2(1)).toBe(0);
    expect(log2(8)).toBe(3);
    expect(log2(0)).toBe(-Infinity);
    expect(Number.isNaN(log2(-1))).toBe(true);
    expect(exp2(2000)).toBe(Infinity);
    expect(fastExp(-1e6)).toBe(0);
    expect(fastPow(0, 0.5)).toBe(0);
  });

  it('the power table is within 4e-6 of Math.pow, exact outside its range', () => {
    const table = new PowerTable(0.8950608);
    const r = rng(9);
    let worst = 0;
    for (let k = 0; k < 20000; k++) {
      const x = Math.exp((r() - 0.5) * 60);
      worst = Math.max(worst, Math.abs(table.pow(x) / Math.pow(x, 0.8950608) - 1));
    }
    expect(worst).toBeLessThan(4e-6);
    expect(table.pow(1e30)).toBe(Math.pow(1e30, 0.8950608));
    expect(table.pow(1)).toBe(1);
  });
});

describe('Barnes–Hut repulsion', () => {
  it('approximates the exact O(n²) repulsion at θ = 0.5 and is exact at θ = 0', () => {
    const g = gaussian(rng(12));
    const n = 600;
    // Clumpy layout with duplicates: five blobs, the first point of each repeated.
    const y = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const c = i % 5;
      y[2 * i] = c * 10 + g();
      y[2 * i + 1] = (c % 2) * 7 + g();
    }
    for (let i = 5; i < 25; i++) {
      y[2 * i] = y[2 * (i % 5)]!;
      y[2 * i + 1] = y[2 * (i % 5) + 1]!;
    }
    const exact = new Float64Array(2 * n);
    let z = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const dx = y[2 * i]! - y[2 * j]!;
        const dy = y[2 * i + 1]! - y[2 * j + 1]!;
        const q = 1 / (1 + dx * dx + dy * dy);
        z += q;
        exact[2 * i] = exact[2 * i]! + q * q * dx;
        exact[2 * i + 1] = exact[2 * i + 1]! + q * q * dy;
      }
    }
    const tree = new RepulsionTree();
    for (const [theta, tol] of [
      [0, 1e-9],
      [0.5, 2e-2],
    ] as const) {
      const out = new Float64Array(2 * n);
      const approxZ = tree.repulsion(y, n, theta, out);
      expect(Math.abs(approxZ / z - 1)).toBeLessThan(tol);
      let num = 0;
      let den = 0;
      for (let i = 0; i < 2 * n; i++) {
        num += (out[i]! - exact[i]!) ** 2;
        den += exact[i]! ** 2;
      }
      expect(Math.sqrt(num / den)).toBeLessThan(tol);
    }
  });
});
