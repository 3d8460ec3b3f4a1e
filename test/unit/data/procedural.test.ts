import { describe, expect, it } from 'vitest';
import { mixtureCentres } from '../../../src/data/gaussians';
import { loadDataset } from '../../../src/data/index';
import { memoryReader } from '../../../src/data/memoryReader';
import { pearson } from './stats';

const reader = memoryReader({}); // procedural: no files needed

describe('shapes (dSprites-like)', () => {
  it('balanced classes, attributes in range, anti-aliased sprites whose area follows scale²', async () => {
    const { dataset } = await loadDataset(
      { name: 'shapes', seed: 1, nTrain: 900, nTest: 300 },
      reader,
    );
    const { train, info } = dataset;
    expect(info.imageShape).toEqual({ height: 32, width: 32, channels: 1 });
    const shape = train.labels.shape as Int32Array;
    const c = [0, 0, 0];
    for (const s of shape) c[s] = (c[s] as number) + 1;
    expect(c).toEqual([300, 300, 300]);
    for (const [name, lo, hi] of [
      ['scale', 0.5, 1],
      ['rotation', 0, 360],
      ['x', 0, 1],
      ['y', 0, 1],
    ] as const) {
      const v = Array.from(train.attributes[name] as Float32Array);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...v)).toBeLessThanOrEqual(hi);
    }
    const area = Array.from({ length: train.n }, (_, i) => {
      let s = 0;
      for (let p = 0; p < 1024; p++) s += train.images[i * 1024 + p] as number;
      return s;
    });
    const scale2 = Array.from(train.attributes.scale as Float32Array, (s) => s * s);
    for (let k = 0; k < 3; k++) {
      const idx = [...Array(train.n).keys()].filter((i) => shape[i] === k);
      expect(
        pearson(
          idx.map((i) => scale2[i] as number),
          idx.map((i) => area[i] as number),
        ),
      ).toBeGreaterThan(0.95);
    }
    // anti-aliased: some pixels strictly between 0 and 1, all within [0, 1]
    let partial = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of train.images) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      if (v > 0 && v < 1) partial++;
    }
    expect(lo).toBe(0);
    expect(hi).toBe(1);
    expect(partial).toBeGreaterThan(0);
    // x follows the column of the centre of mass
    const comX = Array.from({ length: train.n }, (_, i) => {
      let s = 0;
      let sx = 0;
      for (let p = 0; p < 1024; p++) {
        const v = train.images[i * 1024 + p] as number;
        s += v;
        sx += v * (p % 32);
      }
      return sx / s;
    });
    expect(pearson(Array.from(train.attributes.x as Float32Array), comX)).toBeGreaterThan(0.95);
  });

  it('is deterministic for a seed', async () => {
    const a = (await loadDataset({ name: 'shapes', seed: 2, nTrain: 50, nTest: 5 }, reader))
      .dataset;
    const b = (await loadDataset({ name: 'shapes', seed: 2, nTrain: 50, nTest: 5 }, reader))
      .dataset;
    const c = (await loadDataset({ name: 'shapes', seed: 3, nTrain: 50, nTest: 5 }, reader))
      .dataset;
    expect(a.train.images).toEqual(b.train.images);
    expect(a.train.images).not.toEqual(c.train.images);
  });
});

describe('gaussians', () => {
  for (const dim of [2, 3] as const) {
    it(`${dim}-D: features-as-image [1, 1, ${dim}], balanced components centred as documented`, async () => {
      const k = 5;
      const { dataset } = await loadDataset(
        { name: 'gaussians', seed: 1, dim, components: k, nTrain: 2000 },
        reader,
      );
      const { train, info } = dataset;
      expect(info.imageShape).toEqual({ height: 1, width: 1, channels: dim });
      expect(train.images.length).toBe(2000 * dim);
      const comp = train.labels.component as Int32Array;
      const centres = mixtureCentres(dim, k);
      for (let c = 0; c < k; c++) {
        const idx = [...Array(train.n).keys()].filter((i) => comp[i] === c);
        expect(idx.length).toBe(400);
        for (let d = 0; d < dim; d++) {
          const m = idx.reduce((s, i) => s + (train.images[i * dim + d] as number), 0) / idx.length;
          // SE of the mean = 0.06 / √400 = 0.003
          expect(Math.abs(m - (centres[c]?.[d] as number))).toBeLessThan(0.015);
        }
      }
      expect(Math.min(...train.images)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...train.images)).toBeLessThanOrEqual(1);
    });
  }
});
