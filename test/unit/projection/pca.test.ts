import { describe, expect, it } from 'vitest';
import { jacobiEigen, lanczosTopEigen } from '../../../src/projection/eigen';
import { pca } from '../../../src/projection/pca';
import { gaussian, rng } from './helpers';

/** A random orthonormal basis (rows) of R^d by Gram–Schmidt on Gaussian vectors. */
function randomRotation(d: number, seed: number): Float64Array[] {
  const g = gaussian(rng(seed));
  const basis: Float64Array[] = [];
  while (basis.length < d) {
    const v = Float64Array.from({ length: d }, g);
    for (const b of basis) {
      const dot = v.reduce((s, x, i) => s + x * b[i]!, 0);
      for (let i = 0; i < d; i++) v[i] = v[i]! - dot * b[i]!;
    }
    const norm = Math.hypot(...v);
    basis.push(v.map((x) => x / norm));
  }
  return basis;
}

/** n samples of a zero-mean Gaussian with standard deviations `sd` along the rows of `axes`. */
function anisotropic(n: number, sd: number[], axes: Float64Array[], seed: number, offset = 3) {
  const d = axes.length;
  const g = gaussian(rng(seed));
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const z = (sd[a] ?? 0.1) * g();
      for (let j = 0; j < d; j++) data[i * d + j] = data[i * d + j]! + z * axes[a]![j]!;
    }
    for (let j = 0; j < d; j++) data[i * d + j] = data[i * d + j]! + offset; // non-zero mean
  }
  return data;
}

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
};

describe('PCA', () => {
  for (const d of [10, 48]) {
    it(`recovers the principal axes of an anisotropic Gaussian (d=${d})`, () => {
      const axes = randomRotation(d, 11 + d);
      const sd = [5, 3, 2, 0.5];
      const data = anisotropic(3000, sd, axes, 3);
      const r = pca(data, 3000, d, { components: 3 });
      expect(r.components).toBe(3);
      expect(r.coords.length).toBe(3000 * 3);
      for (let c = 0; c < 3; c++) {
        const axis = r.axes.subarray(c * d, (c + 1) * d);
        expect(Math.abs(cosine(axis, axes[c]!))).toBeGreaterThan(0.99);
        expect(r.explainedVariance[c]! / sd[c]! ** 2).toBeGreaterThan(0.9);
        expect(r.explainedVariance[c]! / sd[c]! ** 2).toBeLessThan(1.1);
      }
      // Projections are centred and uncorrelated, with the explained variances.
      for (let c = 0; c < 3; c++) {
        let mean = 0;
        for (let i = 0; i < 3000; i++) mean += r.coords[i * 3 + c]! / 3000;
        expect(Math.abs(mean)).toBeLessThan(1e-3);
      }
      let cross = 0;
      for (let i = 0; i < 3000; i++) cross += r.coords[i * 3]! * r.coords[i * 3 + 1]!;
      expect(Math.abs(cross / 2999)).toBeLessThan(1e-3);
      const total = sd.reduce((s, x) => s + x * x, 0) + (d - sd.length) * 0.01;
      expect(r.explainedVarianceRatio[0]).toBeCloseTo(25 / total, 1);
    });
  }

  it('is deterministic and sign-stabilised', () => {
    const axes = randomRotation(12, 5);
    const data = anisotropic(800, [4, 2, 1], axes, 9);
    const a = pca(data, 800, 12);
    const b = pca(Float32Array.from(data), 800, 12);
    expect(Array.from(a.coords)).toEqual(Array.from(b.coords));
    for (let c = 0; c < 2; c++) {
      const axis = Array.from(a.axes.subarray(c * 12, (c + 1) * 12));
      const largest = axis.reduce((m, x) => (Math.abs(x) > Math.abs(m) ? x : m), 0);
      expect(largest).toBeGreaterThan(0);
    }
    // Negating the data flips the axes' orientation back to the same canonical sign.
    const negated = data.map((x) => -x);
    const c = pca(negated, 800, 12);
    for (let i = 0; i < 24; i++) expect(c.axes[i]).toBeCloseTo(a.axes[i]!, 6);
  });

  it('follows the previous frame: an axis whose projection disagrees is flipped', () => {
    const axes = randomRotation(8, 6);
    const data = anisotropic(500, [4, 2], axes, 2);
    const first = pca(data, 500, 8);
    const flippedPrevious = first.coords.map((v, i) => (i % 2 === 1 ? -v : v));
    const next = pca(data, 500, 8, {}, flippedPrevious);
    for (let i = 0; i < 500; i++) {
      expect(next.coords[2 * i]).toBeCloseTo(first.coords[2 * i]!, 5);
      expect(next.coords[2 * i + 1]).toBeCloseTo(-first.coords[2 * i + 1]!, 5);
    }
  });

  it('handles fewer dimensions than components, a single point and bad input', () => {
    const data = Float32Array.from([1, 2, 3, 5, 5, 9]);
    const r = pca(data, 6, 1, { components: 2 });
    expect(r.coords.length).toBe(12);
    for (let i = 0; i < 6; i++) expect(r.coords[2 * i + 1]).toBe(0);
    expect(Math.abs(r.coords[0]! - r.coords[2]!)).toBeCloseTo(1, 5);
    expect(Array.from(pca(Float32Array.from([1, 2, 3]), 1, 3).coords)).toEqual([0, 0]);
    expect(() => pca(Float32Array.from([1, NaN]), 1, 2)).toThrow(/not finite/);
    expect(() => pca(new Float32Array(3), 2, 2)).toThrow(/expected/);
  });
});

describe('symmetric eigen-solvers', () => {
  it('Jacobi and Lanczos agree on a random covariance', () => {
    const d = 60;
    const g = gaussian(rng(21));
    const x = Float64Array.from({ length: 200 * d }, g);
    // A skewed spectrum: scale column j by 1/(1 + j/4).
    for (let i = 0; i < 200; i++)
      for (let j = 0; j < d; j++) x[i * d + j] = x[i * d + j]! / (1 + j / 4);
    const c = new Float64Array(d * d);
    for (let i = 0; i < 200; i++) {
      for (let a = 0; a < d; a++)
        for (let b = 0; b < d; b++) c[a * d + b] = c[a * d + b]! + x[i * d + a]! * x[i * d + b]!;
    }
    const full = jacobiEigen(c, d);
    const top = lanczosTopEigen(
      (v, out) => {
        for (let a = 0; a < d; a++) {
          let s = 0;
          for (let b = 0; b < d; b++) s += c[a * d + b]! * v[b]!;
          out[a] = s;
        }
      },
      d,
      3,
    );
    for (let r = 0; r < 3; r++) {
      expect(top.values[r]! / full.values[r]!).toBeCloseTo(1, 8);
      const u = top.vectors.subarray(r * d, (r + 1) * d);
      const v = full.vectors.subarray(r * d, (r + 1) * d);
      expect(Math.abs(cosine(u, v))).toBeGreaterThan(1 - 1e-8);
    }
    // Jacobi: A v = λ v.
    for (let r = 0; r < d; r += 17) {
      const v = full.vectors.subarray(r * d, (r + 1) * d);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += c[a * d + b]! * v[b]!;
        expect(s).toBeCloseTo(full.values[r]! * v[a]!, 6);
      }
    }
  });
});
